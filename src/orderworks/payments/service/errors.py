"""The payment errors a seller or an API client can meet, each with a stable code."""

from __future__ import annotations

from orderworks.core.errors import Conflict, DomainError, ValidationFailed


class CardDeclined(DomainError):
    code = "card_declined"  # the payment is recorded as failed; retry with another card or method
    status = 402


class GatewayRefused(DomainError):
    code = "gateway_refused"  # the gateway refused a capture, void or refund; the attempt is in the ledger
    status = 402


class GatewayTimedOut(DomainError):
    code = "gateway_timeout"  # unknown outcome: the claim stays processing until reconcile asks the gateway
    status = 504


class PaymentInProgress(Conflict):
    code = "payment_in_progress"


class NothingDue(Conflict):
    code = "nothing_due"


class AmountTooLarge(ValidationFailed):
    code = "amount_too_large"


class RefundExceedsCaptured(ValidationFailed):
    code = "refund_exceeds_captured"
