"""Stripe, on the official SDK: PaymentIntents with manual capture (a partial capture releases the rest, as Stripe
does without multicapture), cancel for a void, Refunds. Every call passes our claim's key as Stripe's
Idempotency-Key and in the metadata (`orderworks_key`), so reconcile can find what a lost answer did."""

from __future__ import annotations

from typing import Any

import stripe

from orderworks.payments.cards import CardDetails
from orderworks.payments.gateways.port import CardRejected, CardToken, GatewayResult, GatewayTimeout

KEY = "orderworks_key"
CHECKS = {"pass": "Y", "fail": "N", "unavailable": "U", "unchecked": "U"}


def _checks(intent: dict[str, Any]) -> tuple[str | None, str | None]:
    charge = intent.get("latest_charge")
    card = (charge.get("payment_method_details") or {}).get("card") if isinstance(charge, dict) else None
    checks = (card or {}).get("checks") or {}
    avs = checks.get("address_postal_code_check") or checks.get("address_line1_check")
    cvc = checks.get("cvc_check")
    return CHECKS.get(avs or "", None), CHECKS.get(cvc or "", None)


def _declined(exc: stripe.StripeError, amount: int = 0) -> GatewayResult:
    error = exc.error.to_dict() if exc.error is not None else {}
    intent = error.get("payment_intent") or {}
    return GatewayResult(False, reference=intent.get("id") if isinstance(intent, dict) else None, amount=amount,
                         decline_code=error.get("decline_code") or error.get("code") or "declined",
                         message=exc.user_message or error.get("message") or str(exc))


class StripeGateway:
    name = "stripe"
    multiple_captures = False

    def __init__(self, *, api_key: str, api_base: str | None = None):
        self._client = stripe.StripeClient(api_key, base_addresses={"api": api_base} if api_base else None,
                                           max_network_retries=0)

    def _call(self, fn: Any, *args: Any, amount: int = 0, **kwargs: Any) -> dict[str, Any] | GatewayResult:
        try:
            return dict(fn(*args, **kwargs).to_dict())
        except stripe.APIConnectionError as exc:  # no answer: the call may have happened
            raise GatewayTimeout(str(exc)) from exc
        except (stripe.CardError, stripe.InvalidRequestError) as exc:
            return _declined(exc, amount)

    def tokenize(self, card: CardDetails) -> CardToken:
        pm = self._call(self._client.v1.payment_methods.create, params={"type": "card", "card": {
            "number": card.number, "exp_month": card.exp_month, "exp_year": card.exp_year, "cvc": card.cvc}})
        if isinstance(pm, GatewayResult):
            raise CardRejected(pm.decline_code or "invalid_card", pm.message)
        c = pm["card"]
        return CardToken(pm["id"], c["brand"], c["last4"], c["exp_month"], c["exp_year"])

    def authorize(self, *, token: str, amount: int, currency: str, capture: bool,
                  idempotency_key: str) -> GatewayResult:
        intent = self._call(self._client.v1.payment_intents.create, amount=amount, params={
            "amount": amount, "currency": currency.lower(), "payment_method": token, "confirm": True,
            "payment_method_types": ["card"], "capture_method": "automatic" if capture else "manual",
            "metadata": {KEY: idempotency_key}}, options={"idempotency_key": idempotency_key})
        return intent if isinstance(intent, GatewayResult) else self._authorized(intent, amount)

    def _authorized(self, intent: dict[str, Any], amount: int) -> GatewayResult:
        if intent["status"] not in ("requires_capture", "succeeded"):
            error = intent.get("last_payment_error") or {}
            return GatewayResult(False, intent["id"], amount, decline_code=error.get("decline_code")
                                 or error.get("code") or intent["status"],
                                 message=error.get("message") or f"The payment is {intent['status']}")
        avs, cvv = _checks(intent)
        return GatewayResult(True, intent["id"], intent["amount"], avs_result=avs, cvv_result=cvv,
                             message="Approved")

    def capture(self, *, reference: str, amount: int, idempotency_key: str) -> GatewayResult:
        intent = self._call(self._client.v1.payment_intents.capture, reference, amount=amount,
                            params={"amount_to_capture": amount},
                            options={"idempotency_key": idempotency_key})
        if isinstance(intent, GatewayResult):
            return intent
        return GatewayResult(True, reference, amount, message="Captured", final=True)

    def void(self, *, reference: str, idempotency_key: str) -> GatewayResult:
        intent = self._call(self._client.v1.payment_intents.cancel, reference,
                            options={"idempotency_key": idempotency_key})
        if isinstance(intent, GatewayResult):
            return intent
        return GatewayResult(True, reference, intent["amount"], message="Voided")

    def refund(self, *, reference: str, amount: int, idempotency_key: str) -> GatewayResult:
        refund = self._call(self._client.v1.refunds.create, amount=amount, params={
            "payment_intent": reference, "amount": amount, "metadata": {KEY: idempotency_key}},
            options={"idempotency_key": idempotency_key})
        if isinstance(refund, GatewayResult):
            return refund
        return GatewayResult(refund["status"] in ("succeeded", "pending"), refund["id"], refund["amount"],
                             message="Refunded" if refund["status"] != "failed" else "The refund failed")

    def lookup(self, *, kind: str, idempotency_key: str, reference: str | None) -> GatewayResult | None:
        """What Stripe did with a call whose answer we lost (None: it never happened)."""
        try:
            if kind == "authorize":
                intent = self._intent_with_key(idempotency_key)
                return None if intent is None else self._authorized(intent, intent["amount"])
            if kind == "refund":
                refunds = self._client.v1.refunds.list(params={"payment_intent": reference or "", "limit": 100})
                match = next((r for r in refunds.data if (r.metadata.to_dict() if r.metadata else {}).get(KEY) == idempotency_key), None)
                return None if match is None else GatewayResult(True, match.id, match.amount, message="Refunded")
            intent = self._client.v1.payment_intents.retrieve(reference or "").to_dict()
        except stripe.APIConnectionError as exc:
            raise GatewayTimeout(str(exc)) from exc
        # amount 0: keep the amount our claim asked for
        if kind == "capture" and intent["status"] == "succeeded":
            return GatewayResult(True, reference, 0, message="Captured", final=True)
        if kind == "void" and intent["status"] == "canceled":
            return GatewayResult(True, reference, intent["amount"], message="Voided")
        return None

    def _intent_with_key(self, key: str) -> dict[str, Any] | None:
        try:
            found = self._client.v1.payment_intents.search(params={"query": f"metadata['{KEY}']:'{key}'"}).data
        except stripe.InvalidRequestError:  # no search API (localstripe): the latest intents will do
            found = self._client.v1.payment_intents.list(params={"limit": 100}).data
        match = next((i for i in found if i.metadata.to_dict().get(KEY) == key), None)
        return None if match is None else dict(match.to_dict())
