"""Events the payments area emits, written to the outbox with the change. Amounts are minor units.

Invoicing issues an invoice on PaymentCaptured (card captures and offline receipts alike: `offline` says which)
and a credit note on PaymentRefunded (with the lines refunded); notifications tell the customer on PaymentFailed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PaymentAuthorized:
    order_id: str
    number: str
    payment_id: str
    transaction_id: str
    method: str
    amount: int
    currency: str
    card_brand: str | None = None
    card_last4: str | None = None
    avs_result: str | None = None
    cvv_result: str | None = None


@dataclass(frozen=True)
class PaymentCaptured:
    order_id: str
    number: str
    payment_id: str
    transaction_id: str
    method: str
    amount: int  # this capture
    currency: str
    captured_total: int  # all captured on this payment so far
    order_payment_status: str
    offline: bool = False
    reference: str | None = None  # offline: check number, transfer reference


@dataclass(frozen=True)
class PaymentFailed:
    order_id: str
    number: str
    payment_id: str
    transaction_id: str
    method: str
    amount: int
    currency: str
    kind: str  # what failed: authorize, capture, void, refund
    decline_code: str | None
    message: str


@dataclass(frozen=True)
class PaymentVoided:
    order_id: str
    number: str
    payment_id: str
    transaction_id: str
    method: str
    amount: int  # the authorization released
    currency: str
    reason: str = ""


@dataclass(frozen=True)
class PaymentRefunded:
    order_id: str
    number: str
    payment_id: str
    transaction_id: str
    method: str
    amount: int
    currency: str
    reason: str
    refunded_total: int
    lines: list[dict[str, Any]] = field(default_factory=list)  # [{line_id, quantity, amount}]


@dataclass(frozen=True)
class DeclinedOrderStockReleased:
    order_id: str
    number: str
    released_units: int
