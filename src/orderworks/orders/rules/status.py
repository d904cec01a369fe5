"""The order's three statuses. `status` moves by named transitions; the payment and fulfilment statuses are
derived from amounts and quantities, never set by hand."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from orderworks.core.transitions import Transitions


class OrderStatus(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    PROCESSING = "processing"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    CANCELED = "canceled"
    CLOSED = "closed"


class PaymentStatus(StrEnum):
    UNPAID = "unpaid"
    AUTHORIZED = "authorized"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    VOIDED = "voided"
    FAILED = "failed"


class FulfillmentStatus(StrEnum):
    UNFULFILLED = "unfulfilled"
    PARTIALLY_FULFILLED = "partially_fulfilled"
    FULFILLED = "fulfilled"
    DELIVERED = "delivered"
    PARTIALLY_RETURNED = "partially_returned"
    RETURNED = "returned"


class Channel(StrEnum):
    WEB = "web"
    API = "api"
    PHONE = "phone"
    EMAIL = "email"
    IN_STORE = "in_store"
    MARKETPLACE = "marketplace"


S = OrderStatus
ORDER_TRANSITIONS = Transitions({
    S.DRAFT: {S.PENDING, S.CANCELED},
    S.PENDING: {S.PROCESSING, S.ON_HOLD, S.CANCELED, S.COMPLETED},
    S.PROCESSING: {S.ON_HOLD, S.COMPLETED, S.CANCELED},
    S.ON_HOLD: {S.PENDING, S.PROCESSING, S.CANCELED},
    S.COMPLETED: {S.CLOSED},
    S.CANCELED: set(),
    S.CLOSED: set(),
}, entity="order")


class HasStatus(Protocol):
    status: str
    status_before_hold: str | None


def place(order: HasStatus) -> None:
    order.status = ORDER_TRANSITIONS.check(S(order.status), S.PENDING, action="place")


def hold(order: HasStatus) -> None:
    current = S(order.status)
    ORDER_TRANSITIONS.check(current, S.ON_HOLD, action="put on hold")
    order.status_before_hold = current
    order.status = S.ON_HOLD


def release(order: HasStatus) -> None:
    current = S(order.status)
    if current != S.ON_HOLD:
        ORDER_TRANSITIONS.check(current, S.PENDING, action="release")  # raises: only held orders are released
    back = S(order.status_before_hold or S.PENDING)
    order.status = ORDER_TRANSITIONS.check(current, back, action="release")
    order.status_before_hold = None


def cancel(order: HasStatus) -> None:
    order.status = ORDER_TRANSITIONS.check(S(order.status), S.CANCELED, action="cancel")


EDITABLE_STATUSES = frozenset({S.DRAFT, S.PENDING, S.ON_HOLD})
UNPAID_STATUSES = frozenset({PaymentStatus.UNPAID, PaymentStatus.FAILED, PaymentStatus.VOIDED})


def is_unpaid_past_timeout(status: str, payment_status: str, placed_at: datetime | None, *,
                           timeout_minutes: int | None, now: datetime) -> bool:
    """Whether the store's unpaid-order rule cancels this order now: switched on (a timeout set), the order still
    pending (one a person put on hold is theirs to decide), nothing paid, and placed longer ago than the timeout."""
    if timeout_minutes is None or placed_at is None:
        return False
    return (status == S.PENDING and payment_status in UNPAID_STATUSES
            and placed_at <= now - timedelta(minutes=timeout_minutes))


def can_edit(status: str, payment_status: str, fulfillment_status: str) -> bool:
    """Lines, quantities and addresses may change until money is taken or anything ships."""
    return edit_blocker(status, payment_status, fulfillment_status) is None


def edit_blocker(status: str, payment_status: str, fulfillment_status: str) -> str | None:
    """Which of the three statuses stops an edit (None when the order may be edited)."""
    if status not in EDITABLE_STATUSES:
        return "status"
    if payment_status not in UNPAID_STATUSES:
        return "payment_status"
    if fulfillment_status != FulfillmentStatus.UNFULFILLED:
        return "fulfillment_status"
    return None


def derive_payment_status(total: int, authorized: int, captured: int, refunded: int, *,
                          failed: bool = False, voided: bool = False) -> PaymentStatus:
    net = captured - refunded
    if refunded and net == 0:
        return PaymentStatus.REFUNDED
    if refunded:
        return PaymentStatus.PARTIALLY_REFUNDED
    if captured and net >= total:
        return PaymentStatus.PAID
    if total == 0 and not failed:
        return PaymentStatus.PAID if captured or authorized else PaymentStatus.UNPAID
    if net > 0:
        return PaymentStatus.PARTIALLY_PAID
    if authorized:
        return PaymentStatus.AUTHORIZED
    if voided:
        return PaymentStatus.VOIDED
    return PaymentStatus.FAILED if failed else PaymentStatus.UNPAID


def derive_fulfillment_status(ordered: int, shipped: int, delivered: int, returned: int) -> FulfillmentStatus:
    if returned and returned >= shipped:
        return FulfillmentStatus.RETURNED
    if returned:
        return FulfillmentStatus.PARTIALLY_RETURNED
    if ordered and delivered >= ordered:
        return FulfillmentStatus.DELIVERED
    if ordered and shipped >= ordered:
        return FulfillmentStatus.FULFILLED
    if shipped:
        return FulfillmentStatus.PARTIALLY_FULFILLED
    return FulfillmentStatus.UNFULFILLED
