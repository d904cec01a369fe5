"""Step 3 of a gateway call, and what every payment change writes: the ledger row completed, the payment and the
order's payment_status recomputed from the ledger, an order history entry, and the outbox event."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderworks.core.actor import Actor, ActorKind
from orderworks.core.clock import now
from orderworks.core.uow import UnitOfWork
from orderworks.orders import history
from orderworks.orders.models import Order
from orderworks.payments import events
from orderworks.payments.gateways.port import GatewayResult, GatewayTimeout
from orderworks.payments.models import Payment, PaymentTransaction
from orderworks.payments.rules import PAYMENT_TRANSITIONS, Kind, PaymentState, TxnStatus, derive_state
from orderworks.payments.service.claims import Claimed, Outcome, amounts_of, ledger, lock_payment, order_money
from orderworks.payments.service.errors import CardDeclined, GatewayRefused, GatewayTimedOut

ACTIONS = {  # (kind, succeeded) -> the history action
    (Kind.AUTHORIZE, True): "payment_authorized", (Kind.AUTHORIZE, False): "payment_declined",
    (Kind.CAPTURE, True): "payment_captured", (Kind.CAPTURE, False): "payment_capture_failed",
    (Kind.VOID, True): "payment_voided", (Kind.VOID, False): "payment_void_failed",
    (Kind.REFUND, True): "payment_refunded", (Kind.REFUND, False): "payment_refund_failed",
    (Kind.OFFLINE, True): "payment_received",
}


def call_and_record(uow: UnitOfWork, claim: Claimed, call: Callable[[], GatewayResult], *,
                    actor: Actor) -> Outcome:
    """Steps 2 and 3: call the gateway with the claim's key, then record what it said (raise if it said no)."""
    try:
        result = call()
    except GatewayTimeout as exc:
        raise GatewayTimedOut(
            f"The payment gateway did not answer ({exc}). The attempt is kept and checked with the gateway "
            "shortly; do not retry with a new key", details={"transaction_id": str(claim.transaction_id)}) from exc
    return raise_if_failed(record_result(uow, claim.transaction_id, result, actor=actor))


def record_result(uow: UnitOfWork, transaction_id: uuid.UUID, result: GatewayResult, *, actor: Actor) -> Outcome:
    """Complete a claimed ledger row with the gateway's answer, once: a row already completed (by a racing
    reconcile) is left as it is."""
    with uow:
        payment_id = uow.session.execute(select(PaymentTransaction.payment_id)
                                         .where(PaymentTransaction.id == transaction_id)).scalar_one()
        order, payment = lock_payment(uow.session, payment_id)
        txn = uow.session.execute(select(PaymentTransaction).where(PaymentTransaction.id == transaction_id)
                                  .execution_options(populate_existing=True)).scalar_one()
        if txn.status != TxnStatus.PROCESSING:
            return Outcome(payment, txn, replayed=True)
        complete(txn, result)
        apply_transaction(uow, order, payment, txn, actor=actor)
        uow.commit()
    return Outcome(payment, txn)


def complete(txn: PaymentTransaction, result: GatewayResult) -> None:
    txn.status = TxnStatus.SUCCEEDED if result.approved else TxnStatus.FAILED
    if result.approved and result.amount and txn.kind in (Kind.CAPTURE, Kind.REFUND):
        txn.amount = result.amount
    txn.final = txn.final or result.final
    txn.gateway_reference = result.reference
    txn.avs_result, txn.cvv_result = result.avs_result, result.cvv_result
    txn.decline_code = result.decline_code
    txn.message = result.message[:500] or None
    txn.completed_at = now()


def apply_transaction(uow: UnitOfWork, order: Order, payment: Payment, txn: PaymentTransaction, *,
                      actor: Actor) -> None:
    """Recompute the payment and the order from the ledger after `txn` completed; history and event."""
    session = uow.session
    session.flush()  # the ledger is re-read below
    before = PaymentState(payment.status)
    amounts = amounts_of(ledger(session, payment.id))
    after = derive_state(amounts)
    if after != before:
        PAYMENT_TRANSITIONS.check(before, after, action=txn.kind)
    payment.status = after
    payment.captured, payment.refunded = amounts.captured, amounts.refunded
    if txn.kind == Kind.AUTHORIZE:
        payment.gateway_reference = txn.gateway_reference
        payment.avs_result, payment.cvv_result = txn.avs_result, txn.cvv_result
    payment.decline_code = txn.decline_code
    payment.message = txn.message
    order_before = order.payment_status
    order.payment_status = order_money(session, order).payment_status
    _write_history(session, order, payment, txn, before, after, order_before, actor)
    for event in _events(order, payment, txn):
        uow.outbox.add(event)


def _write_history(session: Session, order: Order, payment: Payment, txn: PaymentTransaction, before: str,
                   after: str, order_before: str, actor: Actor) -> None:
    ok = txn.status == TxnStatus.SUCCEEDED
    why = txn.data.get("reason", "") if ok else (txn.message or "")
    history.record(session, order, actor=actor, action=ACTIONS[(Kind(txn.kind), ok)], from_status=before,
                   to_status=after, note=why,
                   data={"payment_id": str(payment.id), "transaction_id": str(txn.id), "method": payment.method,
                         "amount": txn.amount, "currency": txn.currency, "decline_code": txn.decline_code,
                         "order_payment_status": [order_before, order.payment_status]})


def _events(order: Order, payment: Payment, txn: PaymentTransaction) -> list[object]:
    base: dict[str, Any] = dict(order_id=str(order.id), number=order.number, payment_id=str(payment.id),
                transaction_id=str(txn.id), method=payment.method, amount=txn.amount, currency=txn.currency)
    if txn.status == TxnStatus.FAILED:
        return [events.PaymentFailed(**base, kind=txn.kind, decline_code=txn.decline_code,
                                     message=txn.message or "")]
    captured = events.PaymentCaptured(**base, captured_total=payment.captured,
                                      order_payment_status=order.payment_status,
                                      offline=txn.kind == Kind.OFFLINE, reference=payment.reference)
    if txn.kind == Kind.AUTHORIZE:
        authorized = events.PaymentAuthorized(**base, card_brand=payment.card_brand, card_last4=payment.card_last4,
                                              avs_result=txn.avs_result, cvv_result=txn.cvv_result)
        return [authorized, captured] if txn.with_capture else [authorized]
    if txn.kind in (Kind.CAPTURE, Kind.OFFLINE):
        return [captured]
    if txn.kind == Kind.VOID:
        return [events.PaymentVoided(**base, reason=txn.data.get("reason", ""))]
    return [events.PaymentRefunded(**base, reason=txn.data.get("reason", ""), refunded_total=payment.refunded,
                                   lines=txn.data.get("lines", []))]


def replayed(session: Session, txn: PaymentTransaction) -> Outcome:
    payment = session.execute(select(Payment).where(Payment.id == txn.payment_id)).scalar_one()
    return raise_if_failed(Outcome(payment, txn, replayed=True))


def raise_if_failed(outcome: Outcome) -> Outcome:
    txn = outcome.transaction
    if txn.status != TxnStatus.FAILED:
        return outcome
    details = {"decline_code": txn.decline_code, "payment_id": str(outcome.payment.id),
               "transaction_id": str(txn.id)}
    message = txn.message or "The payment was declined."
    if txn.kind == Kind.AUTHORIZE:
        raise CardDeclined(f"{message} Try another card or payment method.", field="card", details=details)
    raise GatewayRefused(f"The gateway refused the {txn.kind}: {message}", field="amount", details=details)


def actor_of(txn: PaymentTransaction) -> Actor:
    """Who asked for a claimed call (the reconcile job records the result in their name, as 'via reconcile')."""
    a = txn.actor or {}
    return Actor(ActorKind(a.get("kind", "system")), f"{a.get('name', 'system')} (via reconcile)", a.get("id"))
