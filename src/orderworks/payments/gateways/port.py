"""The port every payment gateway implements. Each money-moving call takes the idempotency key of its ledger
claim: the gateway must answer a repeated key with the first result, never charge twice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from orderworks.payments.cards import CardDetails


@dataclass(frozen=True)
class CardToken:
    token: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int


@dataclass(frozen=True)
class GatewayResult:
    """The gateway's answer. `message` is one a person understands ("Your card has insufficient funds.")."""

    approved: bool
    reference: str | None = None  # the gateway's id of the authorization/charge (for later capture/void/refund)
    amount: int = 0
    avs_result: str | None = None  # Y match, N mismatch, U unavailable
    cvv_result: str | None = None  # M match, N mismatch, U unavailable
    decline_code: str | None = None
    message: str = ""
    final: bool = False  # a capture after which the rest of the authorization is released


class GatewayTimeout(Exception):
    """The gateway did not answer: the call may or may not have happened. The claim stays `processing` and the
    reconcile job asks the gateway later (lookup by idempotency key)."""


class CardRejected(Exception):
    """The gateway would not even tokenize the card (an impossible number)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class PaymentGateway(Protocol):
    name: str
    multiple_captures: bool  # several partial captures on one authorization

    def tokenize(self, card: CardDetails) -> CardToken: ...

    def authorize(self, *, token: str, amount: int, currency: str, capture: bool,
                  idempotency_key: str) -> GatewayResult: ...

    def capture(self, *, reference: str, amount: int, idempotency_key: str) -> GatewayResult: ...

    def void(self, *, reference: str, idempotency_key: str) -> GatewayResult: ...

    def refund(self, *, reference: str, amount: int, idempotency_key: str) -> GatewayResult: ...

    def lookup(self, *, kind: str, idempotency_key: str, reference: str | None) -> GatewayResult | None:
        """The result of the call made with this key, or None if the gateway never received it."""
        ...
