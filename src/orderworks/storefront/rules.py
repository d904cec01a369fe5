"""What the customer reads, pure: the order's status in plain words, payments and shipments in plain words, the
feedback rules, and the proof that a feedback form was served by us (no SQLAlchemy, no FastAPI)."""

from __future__ import annotations

import hashlib
import hmac
from enum import StrEnum

RATINGS = range(1, 6)
COMMENT_MAX = 2000
LOOKUP_WINDOW_MINUTES = 15
LOOKUP_FAILURES_ALLOWED = 5  # wrong number/email pairs per client and window before the form says "wait"


class CustomerStatus(StrEnum):
    """The one status a customer sees, from the order's three statuses and its shipments."""

    PLACED = "placed"
    PAYMENT_FAILED = "payment_failed"
    PAID = "paid"
    PARTLY_SHIPPED = "partly_shipped"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    RETURNED = "returned"
    REFUNDED = "refunded"
    ON_HOLD = "on_hold"
    CANCELED = "canceled"


PAID = frozenset({"authorized", "partially_paid", "paid"})


def derive_customer_status(status: str, payment_status: str, fulfillment_status: str) -> CustomerStatus:
    """Canceled and held orders say so first; then how far the goods got; then whether the money did."""
    if status == "canceled":
        return CustomerStatus.CANCELED
    if status == "on_hold":
        return CustomerStatus.ON_HOLD
    if fulfillment_status in ("returned", "partially_returned"):
        return CustomerStatus.RETURNED
    if fulfillment_status == "delivered":
        return CustomerStatus.DELIVERED
    if fulfillment_status == "fulfilled":
        return CustomerStatus.SHIPPED
    if fulfillment_status == "partially_fulfilled":
        return CustomerStatus.PARTLY_SHIPPED
    if payment_status == "refunded":
        return CustomerStatus.REFUNDED
    if payment_status in PAID or payment_status == "partially_refunded":
        return CustomerStatus.PAID
    if payment_status == "failed":
        return CustomerStatus.PAYMENT_FAILED
    return CustomerStatus.PLACED


STEPS = (CustomerStatus.PLACED, CustomerStatus.PAID, CustomerStatus.SHIPPED, CustomerStatus.DELIVERED)


def progress(status: CustomerStatus) -> int:
    """How many of the four steps (placed, paid, shipped, delivered) are done; 0 for a canceled or held order."""
    reached = {CustomerStatus.PLACED: 1, CustomerStatus.PAYMENT_FAILED: 1, CustomerStatus.PAID: 2,
               CustomerStatus.PARTLY_SHIPPED: 2, CustomerStatus.SHIPPED: 3, CustomerStatus.DELIVERED: 4,
               CustomerStatus.RETURNED: 4, CustomerStatus.REFUNDED: 1}
    return reached.get(status, 0)


def can_leave_feedback(fulfillment_status: str) -> bool:
    """Feedback is asked for once the goods arrived (and kept when some are returned later)."""
    return fulfillment_status in ("delivered", "partially_returned", "returned")


def rating_problem(rating: str | None) -> str | None:
    """None when `rating` (as the form sent it) is a whole number from 1 to 5; otherwise the label key of the error."""
    if rating is None or not rating.strip():
        return "rating_missing"
    text = rating.strip()
    if not text.isdigit() or int(text) not in RATINGS:
        return "rating_range"
    return None


def feedback_proof(secret_key: str, token: str) -> str:
    """The hidden field of the feedback form: only a page we served for this link carries it."""
    return hmac.new(secret_key.encode(), f"storefront.feedback.v1:{token}".encode(), hashlib.sha256).hexdigest()


def is_feedback_proof(secret_key: str, token: str, proof: str | None) -> bool:
    return bool(proof) and hmac.compare_digest(feedback_proof(secret_key, token), str(proof))


def language(locale: str) -> str:
    """The label language for a store locale: German for de_*, English otherwise."""
    return "de" if locale.lower().startswith("de") else "en"


def payment_words(status: str, method: str) -> str:
    """The label key that says what happened to a payment."""
    if status in ("captured", "partially_captured"):
        return "payment_paid"
    if status == "authorized":
        return "payment_authorized"
    if status in ("refunded", "partially_refunded"):
        return "payment_" + status
    if status == "failed":
        return "payment_failed"
    if status == "voided":
        return "payment_voided"
    return "payment_pending_offline" if method != "card" else "payment_pending"


TRACKING = ("pre_transit", "in_transit", "out_for_delivery", "delivered", "exception", "returned_to_sender")


def tracking_words(tracking_status: str | None, shipment_status: str) -> str:
    """The label key for a shipment: the carrier's own status when it reported one, else ours."""
    if tracking_status in TRACKING:
        return f"tracking_{tracking_status}"
    return {"delivered": "tracking_delivered", "shipped": "tracking_pre_transit",
            "canceled": "shipment_canceled"}.get(shipment_status, "shipment_preparing")


BRAND_NAMES = {"visa": "Visa", "mastercard": "Mastercard", "amex": "American Express", "discover": "Discover",
               "diners": "Diners Club", "jcb": "JCB", "unionpay": "UnionPay", "maestro": "Maestro"}


def card_brand_name(brand: str | None) -> str | None:
    """'visa' -> 'Visa': a card as its holder calls it."""
    if not brand:
        return None
    return BRAND_NAMES.get(brand.lower(), brand.replace("_", " ").title())


CARRIER_NAMES = {"builtin": "orderworks Post", "ups": "UPS", "usps": "USPS", "fedex": "FedEx", "dhl": "DHL",
                 "dhl_express": "DHL Express", "dhl_ecommerce": "DHL eCommerce", "canada_post": "Canada Post",
                 "royal_mail": "Royal Mail", "dpd": "DPD", "gls": "GLS", "postnl": "PostNL",
                 "australia_post": "Australia Post", "easypost": "EasyPost"}


def carrier_name(code: str | None) -> str | None:
    """'fedex' -> 'FedEx': the carrier as the customer knows it (an unknown code is shown as given)."""
    if not code:
        return None
    return CARRIER_NAMES.get(code.strip().lower(), code)


CITY_FIRST = frozenset({"US", "CA", "AU", "GB", "IE", "NZ", "IN", "BR", "MX", "JP", "KR", "CN"})


def address_lines(address: dict[str, str | None]) -> list[str]:
    """An address the way the post of its country writes it: 'Mountain View, CA 94043' in the US,
    '10115 Berlin' in Germany (a plain approximation for reading, not for labels)."""
    country = str(address.get("country") or "").upper()
    city, region, postal = (address.get(k) or "" for k in ("city", "region", "postal_code"))
    if country in CITY_FIRST:
        place = ", ".join(p for p in (city, " ".join(p for p in (region, postal) if p)) if p)
    else:
        place = " ".join(p for p in (postal, city) if p) + (f", {region}" if region else "")
    lines = [address.get(k) or "" for k in ("name", "company", "line1", "line2")] + [place, country]
    return [line for line in lines if line.strip()]
