"""Bulk actions on a selection of orders: each order goes through its own use case (its own transaction), so one
refusal never undoes the others; the answer is a result per order."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

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
    order_id: uuid.UUID | None  # None: a CSV row naming no order this store has
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


def bulk_allocate(new_uow: Callable[[], UnitOfWork], order_ids: Sequence[uuid.UUID], *,
                  actor: Actor) -> list[BulkResult]:
    """Create shipments ("allocate") for each selected order from the stock there is now."""
    from orderworks.fulfillment.service.allocation import allocate_order

    def allocate(order_id: uuid.UUID) -> str:
        made = allocate_order(new_uow(), order_id, actor=actor)
        return f"{len(made)} shipment(s): {', '.join(s.ref for s in made)}" if made else "Nothing new to allocate"

    return for_each_order(new_uow, order_ids, allocate)


def ship_results(results: Sequence[Any], orders: dict[str, tuple[uuid.UUID, str]]) -> list[BulkResult]:
    """fulfillment's ShipResults (a selection or CSV rows) as the grid's per-order results; `orders` finds each
    order's (id, number) by its id or number (a refusal names the order by what it was asked with)."""
    said = {"shipped": "Shipped", "tracking_added": "Tracking number added", "unchanged": "Already shipped"}
    out = []
    for r in results:
        order_id, number = orders.get(r.order_number, (None, r.order_number or "?"))
        where = f"row {r.row}: " if r.row else ""
        message = said.get(r.status, r.status) if r.status != "error" else (r.error or {}).get("message", "Refused")
        out.append(BulkResult(order_id, number, r.status != "error", where + message))
    return out


def _orders_by_id_and_number(uow: UnitOfWork, *, ids: Sequence[uuid.UUID] = (),
                             numbers: Sequence[str] = ()) -> dict[str, tuple[uuid.UUID, str]]:
    with uow:
        rows = uow.session.execute(select(Order.id, Order.number).where(
            Order.id.in_(ids) | Order.number.in_(numbers))).all()
    found: dict[str, tuple[uuid.UUID, str]] = {}
    for oid, number in rows:
        found[str(oid)] = found[number] = (oid, number)
    return found


def bulk_ship(new_uow: Callable[[], UnitOfWork], order_ids: Sequence[uuid.UUID], *, carrier: str,
              actor: Actor) -> list[BulkResult]:
    """Ship every ready shipment of each selected order with a carrier (no tracking numbers)."""
    from orderworks.fulfillment.service.batch import ship_orders

    chosen = check_selection(order_ids)
    results = ship_orders(new_uow, [str(o) for o in chosen], carrier=carrier, actor=actor)
    return ship_results(results, _orders_by_id_and_number(new_uow(), ids=chosen))


def bulk_ship_csv(new_uow: Callable[[], UnitOfWork], data: bytes, *, actor: Actor) -> list[BulkResult]:
    """Ship from a CSV of order_number, carrier, tracking_number: a result per row."""
    from orderworks.fulfillment.service.batch import ship_csv

    results = ship_csv(new_uow, data, actor=actor)
    return ship_results(results, _orders_by_id_and_number(new_uow(), numbers=[r.order_number for r in results]))
