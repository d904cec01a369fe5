"""Test card numbers (docs/payments.md) for the tests."""

from __future__ import annotations

from orderworks.payments.cards import CardDetails

APPROVE = "4242424242424242"
GENERIC_DECLINE = "4000000000000002"
INSUFFICIENT_FUNDS = "4000000000009995"
EXPIRED = "4000000000000069"
INCORRECT_CVC = "4000000000000127"
CVC_CHECK_FAILS = "4000000000000101"
AVS_MISMATCH = "4000000000000010"
TIMEOUT_AFTER_CHARGE = "4000000000009011"
TIMEOUT_BEFORE_CHARGE = "4000000000009029"


def card(number: str = APPROVE, *, cvc: str = "123", exp_year: int = 2034) -> CardDetails:
    return CardDetails(number, 12, exp_year, cvc)
