"""Payment routes: take a payment on an order (card or offline), list an order's payments with the balance due,
read one, capture, void, refund; and Stripe's webhook.

Idempotency on these routes is the claim's (see payments/service/claims.py): the Idempotency-Key is written on the
ledger row the request claims, so a retry returns the recorded outcome (a decline again as 402), a retry while the
gateway call is in flight gets 409 idempotency_key_in_use, and the same key with another body 422
idempotency_key_reused. core.web.idempotent is not used: it runs a request as one transaction.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from orderworks.core.actor import Actor
from orderworks.core.clock import now
from orderworks.core.errors import DomainError, ValidationFailed
from orderworks.core.idempotency import check_key, request_fingerprint
from orderworks.core.money import parse_amount, to_decimal_string
from orderworks.core.permissions import Permission
from orderworks.core.uow import UnitOfWork
from orderworks.core.web import ERRORS, ErrorOut, IdempotencyKey, UowDep, require
from orderworks.orders.service.queries import order_currency
from orderworks.payments.gateways import gateway_from_settings
from orderworks.payments.gateways.port import PaymentGateway
from orderworks.payments.schemas import CaptureIn, OrderPaymentsOut, PaymentIn, PaymentOut, RefundIn, VoidIn
from orderworks.payments.service import authorize, capture, offline, queries, reconcile, refund
from orderworks.payments.service.claims import Outcome, RequestKey

router = APIRouter(prefix="/api/v1", tags=["payments"])
webhooks = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])
Reader = Annotated[Actor, Depends(require(Permission.ORDERS_READ))]
Payer = Annotated[Actor, Depends(require(Permission.PAYMENTS_WRITE))]
Refunder = Annotated[Actor, Depends(require(Permission.REFUNDS_WRITE))]


def get_gateway(request: Request) -> PaymentGateway:
    gateway = getattr(request.app.state, "payment_gateway", None)
    if gateway is None:
        gateway = request.app.state.payment_gateway = gateway_from_settings(request.app.state.settings)
    return gateway


GatewayDep = Annotated[PaymentGateway, Depends(get_gateway)]


def request_key(request: Request, actor: Actor, key: str | None, body: BaseModel) -> RequestKey:
    dumped = body.model_dump(mode="json")
    if dumped.get("card"):  # the fingerprint is stored: no card number or CVC in it
        card = dumped["card"]
        dumped["card"] = {"last4": card["number"][-4:], "exp": [card["exp_month"], card["exp_year"]]}
    return RequestKey(actor.id or actor.name, check_key(key),
                      request_fingerprint(request.method, request.url.path, dumped))


def _amount(text: str | None, currency: str) -> int | None:
    return None if text is None else parse_amount(text, currency)


def respond(uow: UnitOfWork, outcome: Outcome, *, status_code: int) -> JSONResponse:
    body = PaymentOut.from_view(queries.get_payment(uow, outcome.payment.id)).model_dump(mode="json")
    headers = {"Idempotent-Replayed": "true"} if outcome.replayed else {}
    return JSONResponse(body, status_code=status_code, headers=headers)


@router.post("/orders/{order_id}/payments", status_code=201, response_model=PaymentOut,
             responses=ERRORS(402, 404, 409, 504))
def take_payment(order_id: str, body: PaymentIn, request: Request, uow: UowDep, actor: Payer,
                 gateway: GatewayDep, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Charge a card ("Charge": authorize, and capture when `capture` or the store's payment_mode says so), or
    record an offline payment. A decline answers 402 card_declined and is recorded as a failed payment."""
    key = request_key(request, actor, idempotency_key, body)
    amount = _amount(body.amount, order_currency(uow, order_id))
    if body.method == "card":
        if body.card is None:
            raise ValidationFailed("A card payment needs the card", field="card")
        outcome = authorize.authorize_payment(uow, gateway, order_id, card=body.card.to_details(), actor=actor,
                                              amount=amount, capture=body.capture, request=key)
    else:
        outcome = offline.record_offline_payment(uow, order_id, method=body.method, actor=actor, amount=amount,
                                                 reference=body.reference, request=key)
    return respond(uow, outcome, status_code=201)


@router.get("/orders/{order_id}/payments", responses=ERRORS(404))
def list_payments(order_id: str, uow: UowDep, actor: Reader) -> OrderPaymentsOut:
    views, balance = queries.payments_for_order(uow, order_id)
    currency = order_currency(uow, order_id)
    return OrderPaymentsOut(order_id=order_id, currency=currency, balance_due=to_decimal_string(balance, currency),
                            payments=[PaymentOut.from_view(v) for v in views])


@router.get("/payments/{payment_id}", responses=ERRORS(404))
def get_payment(payment_id: str, uow: UowDep, actor: Reader) -> PaymentOut:
    return PaymentOut.from_view(queries.get_payment(uow, payment_id))


@router.post("/payments/{payment_id}/capture", response_model=PaymentOut, responses=ERRORS(402, 404, 409, 504))
def capture_payment(payment_id: str, request: Request, uow: UowDep, actor: Payer, gateway: GatewayDep,
                    body: CaptureIn | None = None, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Capture an authorization, in full or for `amount` ("Capture")."""
    body = body or CaptureIn()
    key = request_key(request, actor, idempotency_key, body)
    amount = _amount(body.amount, queries.currency_of_payment(uow, payment_id))
    outcome = capture.capture_payment(uow, gateway, payment_id, actor=actor, amount=amount, request=key)
    return respond(uow, outcome, status_code=200)


@router.post("/payments/{payment_id}/void", response_model=PaymentOut, responses=ERRORS(402, 404, 409, 504))
def void_payment(payment_id: str, request: Request, uow: UowDep, actor: Payer, gateway: GatewayDep,
                 body: VoidIn | None = None, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Release an authorization nothing was captured from."""
    body = body or VoidIn()
    key = request_key(request, actor, idempotency_key, body)
    outcome = capture.void_payment(uow, gateway, payment_id, actor=actor, reason=body.reason, request=key)
    return respond(uow, outcome, status_code=200)


@router.post("/payments/{payment_id}/refunds", status_code=201, response_model=PaymentOut,
             responses=ERRORS(402, 404, 409, 504))
def refund_payment(payment_id: str, body: RefundIn, request: Request, uow: UowDep, actor: Refunder,
                   gateway: GatewayDep, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Refund captured money: an amount, some order lines (their amounts from the order), or all of it."""
    key = request_key(request, actor, idempotency_key, body)
    amount = _amount(body.amount, queries.currency_of_payment(uow, payment_id))
    outcome = refund.refund_payment(uow, gateway, payment_id, actor=actor, reason=body.reason, amount=amount,
                                    lines=[line.to_line() for line in body.lines], request=key)
    return respond(uow, outcome, status_code=201)


class InvalidSignature(DomainError):
    code = "invalid_signature"
    status = 400


@webhooks.post("/stripe", responses={400: {"model": ErrorOut, "description": "Bad or missing signature"}})
async def stripe_webhook(request: Request, gateway: GatewayDep,
                         stripe_signature: Annotated[str | None, Header(alias="Stripe-Signature")] = None
                         ) -> dict[str, Any]:
    """Stripe's events, verified with the Stripe SDK (no API key: the signature is the authentication). An event
    about a PaymentIntent resolves the claims still in flight on it, by asking Stripe."""
    import stripe

    payload = await request.body()
    secret = request.app.state.settings.stripe_webhook_secret
    if not secret or not stripe_signature:
        raise InvalidSignature("Missing Stripe-Signature or no webhook secret configured", field="Stripe-Signature")
    try:
        event = stripe.Webhook.construct_event(payload, stripe_signature, secret).to_dict()
    except (ValueError, stripe.SignatureVerificationError) as exc:
        raise InvalidSignature("The Stripe-Signature does not match this payload", field="Stripe-Signature") from exc
    kind, obj = str(event["type"]), event["data"]["object"]
    reference = None
    if kind.startswith(("payment_intent.", "charge.")):  # a charge event names its PaymentIntent
        reference = obj.get("payment_intent") or obj.get("id")
    resolved = 0
    if reference:
        uow = UnitOfWork(request.app.state.session_factory)
        report = await run_in_threadpool(reconcile.reconcile_payments, uow, gateway, now=now(), reference=reference)
        resolved = len(report.finished) + len(report.failed)
    return {"received": True, "type": kind, "resolved": resolved}
