"""How the back office says each status, in the seller's words. Pure."""

from __future__ import annotations

PAYMENT = {
    "unpaid": "Balance due", "authorized": "Authorized", "partially_paid": "Partially paid", "paid": "Paid",
    "partially_refunded": "Partially refunded", "refunded": "Refunded", "voided": "Voided",
    "failed": "Payment failed",
}
FULFILLMENT = {
    "unfulfilled": "Unfulfilled", "partially_fulfilled": "Partially shipped", "fulfilled": "Shipped",
    "delivered": "Delivered", "partially_returned": "Partially returned", "returned": "Returned",
}
STATUS = {
    "draft": "Draft", "pending": "Open", "processing": "Processing", "on_hold": "On hold",
    "completed": "Completed", "canceled": "Canceled", "closed": "Closed",
}
CHANNEL = {"web": "Web", "api": "API", "phone": "Phone", "email": "Email", "in_store": "In store",
           "marketplace": "Marketplace"}
# A colour family per label (the CSS has one class per tone).
TONE = {
    "Balance due": "warn", "Authorized": "info", "Partially paid": "warn", "Paid": "ok", "Payment failed": "bad",
    "Refunded": "muted", "Partially refunded": "info", "Voided": "muted", "Unfulfilled": "warn",
    "Partially shipped": "info", "Shipped": "ok", "Delivered": "ok", "On hold": "bad", "Canceled": "muted",
    "Open": "info", "Processing": "info", "Completed": "ok", "Draft": "muted", "Backordered": "bad",
}


def payment_label(payment_status: str, total: int = 1) -> str:
    if payment_status == "unpaid" and total == 0:
        return "Nothing due"
    return PAYMENT.get(payment_status, payment_status.replace("_", " ").capitalize())


def fulfillment_label(fulfillment_status: str) -> str:
    return FULFILLMENT.get(fulfillment_status, fulfillment_status.replace("_", " ").capitalize())


def status_label(status: str) -> str:
    return STATUS.get(status, status.replace("_", " ").capitalize())


def channel_label(channel: str) -> str:
    return CHANNEL.get(channel, channel)


def tone(label: str) -> str:
    return TONE.get(label, "muted")


def history_label(action: str) -> str:
    """A timeline entry's action ('payment_captured') as a sentence start ('Payment captured')."""
    return action.replace("_", " ").capitalize()
