"""Bulk actions on a selection of orders: each order goes through its own use case (its own transaction), so one
refusal never undoes the others; the answer is a result per order."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from orderworks.core.actor import Actor
from orderworks.core.errors import DomainError, ValidationFailed
from orderworks.core.money import format_money
from orderworks.core.uow import UnitOfWork
from orderworks.orders.models import Order
from orderworks.orders.service.lifecycle import cancel_order, hold_order
from orderworks.payments.gateways.port import PaymentGateway
from orderworks.payments.models import Payment
from orderworks.payments.rules import PaymentState
from orderworks.payments.service.capture import capture_payment
from orderworks.payments.service.recording import raise_if_failed

MAX_SELECTION = 200
CAPTURABLE = (PaymentState.AUTHORIZED, PaymentState.PARTIALLY_CAPTURED)


@dataclass(frozen=True)
class BulkResult:
    order_id: uuid.UUID
    number: str
    ok: bool
    message: str


def check_selection(order_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    chosen = list(dict.fromkeys(order_ids))
    if not chosen:
        raise ValidationFailed("Select at least one order", field="order_ids")
    if len(chosen) > MAX_SELECTION:
        raise ValidationFailed(f"Select at most {MAX_SELECTION} orders at a time", field="order_ids")
    return chosen


def _numbers(uow: UnitOfWork, order_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    with uow:
        rows = uow.session.execute(select(Order.id, Order.number).where(Order.id.in_(order_ids))).all()
    return {oid: number for oid, number in rows}


def for_each_order(new_uow: Callable[[], UnitOfWork], order_ids: Sequence[uuid.UUID],
                   action: Callable[[uuid.UUID], str]) -> list[BulkResult]:
    """Run `action` (which returns what it did) for each order in the selection's order; a refusal is that
    order's result, and the next order goes on."""
    chosen = check_selection(order_ids)
    numbers = _numbers(new_uow(), chosen)
    results = []
    for oid in chosen:
        if oid not in numbers:
            results.append(BulkResult(oid, "?", False, "No such order"))
            continue
        try:
            results.append(BulkResult(oid, numbers[oid], True, action(oid)))
        except DomainError as exc:
            results.append(BulkResult(oid, numbers[oid], False, exc.message))
    return results


def bulk_capture(new_uow: Callable[[], UnitOfWork], gateway: PaymentGateway, order_ids: Sequence[uuid.UUID], *,
                 actor: Actor) -> list[BulkResult]:
    """Capture every open authorization of each selected order ("Capture" on the grid)."""
    chosen = check_selection(order_ids)
    with new_uow() as uow:
        rows = uow.session.execute(select(Payment.order_id, Payment.id).where(
            Payment.order_id.in_(chosen), Payment.status.in_(CAPTURABLE)).order_by(Payment.created_at)).all()
    payments: dict[uuid.UUID, list[uuid.UUID]] = {}
    for order_id, payment_id in rows:
        payments.setdefault(order_id, []).append(payment_id)

    def capture(order_id: uuid.UUID) -> str:
        if order_id not in payments:
            raise ValidationFailed("Nothing to capture: no open authorization")
        taken, currency = 0, ""
        for payment_id in payments[order_id]:
            outcome = raise_if_failed(capture_payment(new_uow(), gateway, payment_id, actor=actor))
            taken, currency = taken + outcome.transaction.amount, outcome.payment.currency
        return f"Captured {format_money(taken, currency)}"

    return for_each_order(new_uow, chosen, capture)


def bulk_hold(new_uow: Callable[[], UnitOfWork], order_ids: Sequence[uuid.UUID], *, actor: Actor,
              reason: str) -> list[BulkResult]:
    def hold(order_id: uuid.UUID) -> str:
        hold_order(new_uow(), order_id, actor=actor, reason=reason)
        return "On hold"

    return for_each_order(new_uow, order_ids, hold)


def bulk_cancel(new_uow: Callable[[], UnitOfWork], order_ids: Sequence[uuid.UUID], *, actor: Actor,
                reason: str) -> list[BulkResult]:
    def cancel(order_id: uuid.UUID) -> str:
        cancel_order(new_uow(), order_id, actor=actor, reason=reason)
        return "Canceled; stock back on sale"

    return for_each_order(new_uow, order_ids, cancel)
