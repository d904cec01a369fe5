"""Claim, call, record: how every gateway call is made, and the API's idempotency for payment calls.

Never twice (DESIGN rule 4). A gateway call takes three steps:
1. claim: one transaction locks the order, then the payment (always in that order, so no deadlock), checks the
   move against the payment table, and writes a ledger row `processing` with a fresh idempotency key; commit.
   A second worker waits on the lock, then sees the first claim and is refused (409 payment_in_progress).
2. call the gateway with that key, outside any transaction of ours.
3. record: a second transaction completes the row (succeeded or failed), recomputes the payment and the order's
   payment_status from the ledger, and writes the history entry and the outbox event; commit.
A crash between 2 and 3 leaves the row `processing`; `reconcile` asks the gateway by the key and finishes it once.

The API's Idempotency-Key on payment routes. core.web.idempotent runs a request as ONE transaction and keeps only
successes, but a payment call is two transactions around a remote call, and a decline must both answer 402 and
stay recorded. So here the client's key (unique per principal) is written on the ledger row the request claims,
with a fingerprint of the request:
- the same key after the outcome was recorded: that outcome again (the payment as it is now, with the status code
  of that outcome: 2xx, or 402 for a decline), header Idempotent-Replayed; the gateway is not called again;
- the same key while its claim is still processing: 409 idempotency_key_in_use (retry later with the same key);
- the same key with another request: 422 idempotency_key_reused;
- a request refused before its claim (bad input, a move the table forbids) wrote nothing: its key stays free.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderworks.core.actor import Actor
from orderworks.core.clock import now
from orderworks.core.errors import IdempotencyKeyInUse, IdempotencyKeyReused, InvalidTransition, NotFound
from orderworks.core.ids import new_id
from orderworks.orders.models import Order
from orderworks.orders.rules.status import OrderStatus
from orderworks.orders.service.loading import order_for_update
from orderworks.payments.models import Payment, PaymentTransaction
from orderworks.payments.rules import (
    LedgerEntry,
    OrderMoney,
    PaymentAmounts,
    PaymentState,
    TxnStatus,
    derive_amounts,
    derive_order_money,
)
from orderworks.payments.service.errors import PaymentInProgress


@dataclass(frozen=True)
class RequestKey:
    """An API client's Idempotency-Key, with who sent it and a fingerprint of the request."""

    principal: str
    key: str
    fingerprint: str


@dataclass(frozen=True)
class Outcome:
    payment: Payment
    transaction: PaymentTransaction
    replayed: bool = False


@dataclass(frozen=True)
class Claimed:
    transaction_id: uuid.UUID
    idempotency_key: str
    amount: int
    currency: str
    reference: str | None
    token: str | None
    gateway: str
    with_capture: bool = False


def parse_payment_id(payment_id: str | uuid.UUID) -> uuid.UUID:
    if isinstance(payment_id, uuid.UUID):
        return payment_id
    try:
        return uuid.UUID(payment_id)
    except ValueError as exc:
        raise NotFound(f"No payment '{payment_id}'", field="payment_id") from exc


def lock_payment(session: Session, payment_id: str | uuid.UUID) -> tuple[Order, Payment]:
    """The payment and its order, row-locked: the order first, then the payment (every use case locks so)."""
    pid = parse_payment_id(payment_id)
    order_id = session.execute(select(Payment.order_id).where(Payment.id == pid)).scalar_one_or_none()
    if order_id is None:
        raise NotFound(f"No payment '{payment_id}'", field="payment_id")
    order = order_for_update(session, order_id)
    payment = session.execute(select(Payment).where(Payment.id == pid).with_for_update()
                              .execution_options(populate_existing=True)).scalar_one()
    return order, payment


def ledger(session: Session, payment_id: uuid.UUID) -> list[PaymentTransaction]:
    return list(session.execute(
        select(PaymentTransaction).where(PaymentTransaction.payment_id == payment_id)
        .order_by(PaymentTransaction.created_at, PaymentTransaction.id)
        .execution_options(populate_existing=True)).scalars())


def amounts_of(transactions: list[PaymentTransaction]) -> PaymentAmounts:
    return derive_amounts(LedgerEntry(t.kind, t.status, t.amount, t.with_capture, t.final) for t in transactions)


def check_idle(transactions: list[PaymentTransaction]) -> None:
    busy = next((t for t in transactions if t.status == TxnStatus.PROCESSING), None)
    if busy is not None:
        raise PaymentInProgress(f"A {busy.kind} of this payment is in progress; try again in a moment",
                                field="payment_id", details={"transaction_id": str(busy.id), "kind": busy.kind})


def check_payable(order: Order) -> None:
    if order.status in (OrderStatus.DRAFT, OrderStatus.CANCELED, OrderStatus.CLOSED):
        raise InvalidTransition(f"Order {order.number} is {order.status}: it takes no payment",
                                field="order_id", details={"status": order.status})


def order_money(session: Session, order: Order) -> OrderMoney:
    """The order's payment status and balance, from its payments' derived columns (one query)."""
    payments = list(session.execute(select(Payment).where(Payment.order_id == order.id)).scalars())
    pending = sum(p.amount for p in payments if p.status == PaymentState.PENDING)
    return derive_order_money(order.total, [(PaymentState(p.status), row_amounts(p)) for p in payments],
                              pending=pending)


def row_amounts(p: Payment) -> PaymentAmounts:
    live = p.status in (PaymentState.AUTHORIZED, PaymentState.PARTIALLY_CAPTURED)
    held = p.status not in (PaymentState.PENDING, PaymentState.FAILED)
    return PaymentAmounts(authorized=p.amount if held else 0, captured=p.captured, refunded=p.refunded,
                          voided=p.status == PaymentState.VOIDED, failed=p.status == PaymentState.FAILED,
                          capture_closed=not live)


def replay_of(session: Session, request: RequestKey | None) -> PaymentTransaction | None:
    """The ledger row an earlier request with this key claimed, if its outcome is recorded (see the docstring)."""
    if request is None:
        return None
    txn = session.execute(select(PaymentTransaction).where(
        PaymentTransaction.request_principal == request.principal,
        PaymentTransaction.request_key == request.key)).scalar_one_or_none()
    if txn is None:
        return None
    if txn.request_hash != request.fingerprint:
        raise IdempotencyKeyReused("This Idempotency-Key was already used with a different request; use a new key",
                                   field="Idempotency-Key")
    if txn.status == TxnStatus.PROCESSING:
        raise IdempotencyKeyInUse("A request with this Idempotency-Key is still in progress; retry in a moment",
                                  field="Idempotency-Key")
    return txn


def new_claim(session: Session, payment: Payment, *, kind: str, amount: int, actor: Actor,
              request: RequestKey | None, status: str = TxnStatus.PROCESSING, with_capture: bool = False,
              final: bool = False, data: dict[str, Any] | None = None) -> PaymentTransaction:
    txn_id = new_id()
    txn = PaymentTransaction(
        id=txn_id, payment_id=payment.id, order_id=payment.order_id, kind=kind, status=status, amount=amount,
        currency=payment.currency, with_capture=with_capture, final=final, idempotency_key=f"ow_{txn_id.hex}",
        request_principal=request.principal if request else None, request_key=request.key if request else None,
        request_hash=request.fingerprint if request else None, actor=actor.as_dict(), data=data or {},
        created_at=now(), completed_at=None if status == TxnStatus.PROCESSING else now())
    session.add(txn)
    return txn


def claimed(txn: PaymentTransaction, payment: Payment) -> Claimed:
    return Claimed(txn.id, txn.idempotency_key, txn.amount, txn.currency, payment.gateway_reference,
                   payment.card_token, payment.gateway, txn.with_capture)
