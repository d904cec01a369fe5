"""Hold, release, cancel, place a draft, and add a note."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderworks.core.actor import Actor, ActorKind
from orderworks.core.clock import now
from orderworks.core.errors import ValidationFailed
from orderworks.core.ids import new_id
from orderworks.core.store import get_store
from orderworks.core.uow import UnitOfWork
from orderworks.inventory import reservations
from orderworks.orders import history
from orderworks.orders.events import OrderCanceled, OrderHeld, OrderNoteAdded, OrderReleased
from orderworks.orders.models import DiscountCode, Order, OrderNote
from orderworks.orders.quote import LineRequest, build_quote, count_discount_use
from orderworks.orders.rules import status as rules
from orderworks.orders.service.loading import order_for_update
from orderworks.orders.service.placement import apply_quote, commit_placement, placed_event


def hold_order(uow: UnitOfWork, order_id: str | uuid.UUID, *, actor: Actor, reason: str = "",
               expected_version: int | None = None) -> Order:
    """Stop an order from moving on (fraud review, customer asked to wait); its stock stays reserved."""
    with uow:
        order = order_for_update(uow.session, order_id, expected_version=expected_version)
        before = order.status
        rules.hold(order)
        history.record(uow.session, order, actor=actor, action="held", from_status=before, to_status=order.status,
                       note=reason)
        uow.outbox.add(OrderHeld(order_id=str(order.id), number=order.number, reason=reason))
        uow.commit()
    return order


def release_order(uow: UnitOfWork, order_id: str | uuid.UUID, *, actor: Actor, note: str = "",
                  expected_version: int | None = None) -> Order:
    """Let a held order carry on from where it was stopped."""
    with uow:
        order = order_for_update(uow.session, order_id, expected_version=expected_version)
        before = order.status
        rules.release(order)
        history.record(uow.session, order, actor=actor, action="released", from_status=before,
                       to_status=order.status, note=note)
        uow.outbox.add(OrderReleased(order_id=str(order.id), number=order.number))
        uow.commit()
    return order


def cancel_order(uow: UnitOfWork, order_id: str | uuid.UUID, *, actor: Actor, reason: str,
                 expected_version: int | None = None) -> Order:
    """Cancel an order that has not shipped: its reserved stock goes back on sale and its discount use is
    given back."""
    if not reason.strip():
        raise ValidationFailed("Say why the order is canceled", field="reason")
    with uow:
        order = order_for_update(uow.session, order_id, expected_version=expected_version)
        _cancel(uow, order, actor=actor, reason=reason)
        uow.commit()
    return order


UNPAID_RULE = Actor(ActorKind.RULE, name="unpaid order timeout")
UNPAID_REASON = "unpaid"  # OrderCanceled.reason_code: the customer is told the order lapsed for want of payment


def cancel_unpaid_order(uow: UnitOfWork, order_id: str | uuid.UUID, *, now: datetime,
                        payment_in_flight: Callable[[Session, uuid.UUID], bool] = lambda session, order_id: False,
                        actor: Actor = UNPAID_RULE) -> Order | None:
    """The store's unpaid-order rule: cancel an order nobody paid for within the store's
    unpaid_order_timeout_minutes, so its stock goes back on sale and the customer is told.

    Checked again under the order's lock, so it is safe to run on several workers at once and a no-op (None) for an
    order paid, held, canceled or already handled meanwhile. `payment_in_flight` is the payments area's check for a
    gateway call claimed but not yet recorded (a customer paying this very second): such an order is left alone."""
    with uow:
        order = order_for_update(uow.session, order_id)
        timeout = get_store(uow.session).unpaid_order_timeout_minutes
        if not rules.is_unpaid_past_timeout(order.status, order.payment_status, order.placed_at,
                                            timeout_minutes=timeout, now=now):
            return None
        if payment_in_flight(uow.session, order.id):
            return None
        _cancel(uow, order, actor=actor, reason=f"not paid within {_minutes(timeout or 0)}",
                reason_code=UNPAID_REASON)
        uow.commit()
    return order


def unpaid_orders_past_timeout(uow: UnitOfWork, *, now: datetime, limit: int = 500) -> list[uuid.UUID]:
    """The orders the unpaid-order rule would cancel now (oldest first); each is checked again when canceled."""
    with uow:
        timeout = get_store(uow.session).unpaid_order_timeout_minutes
        if timeout is None:
            return []
        cutoff = now - timedelta(minutes=timeout)
        return list(uow.session.execute(
            select(Order.id).where(Order.status == rules.OrderStatus.PENDING, Order.created_at <= cutoff,
                                   Order.placed_at <= cutoff,
                                   Order.payment_status.in_(rules.UNPAID_STATUSES))
            .order_by(Order.created_at, Order.id).limit(limit)).scalars())


def _minutes(total: int) -> str:
    if total % 1440 == 0:
        return f"{total // 1440} day(s)"
    if total % 60 == 0:
        return f"{total // 60} hour(s)"
    return f"{total} minute(s)"


def _cancel(uow: UnitOfWork, order: Order, *, actor: Actor, reason: str, reason_code: str = "") -> None:
    before = order.status
    rules.cancel(order)
    released = reservations.release(uow.session, order_id=order.id, actor=actor.name,
                                    reason=f"order {order.number} canceled")
    if order.discount_code and before != rules.OrderStatus.DRAFT:
        _give_back_discount(uow, order.discount_code)
    order.cancel_reason = reason
    order.canceled_at = now()
    history.record(uow.session, order, actor=actor, action="canceled", from_status=before,
                   to_status=order.status, note=reason, data={"released_units": released})
    uow.outbox.add(OrderCanceled(order_id=str(order.id), number=order.number, reason=reason,
                                 released_units=released, reason_code=reason_code))


def _give_back_discount(uow: UnitOfWork, code: str) -> None:
    discount = uow.session.execute(select(DiscountCode).where(DiscountCode.code == code)).scalar_one_or_none()
    if discount is not None:
        count_discount_use(uow.session, discount, delta=-1)


def place_draft(uow: UnitOfWork, order_id: str | uuid.UUID, *, actor: Actor,
                expected_version: int | None = None) -> Order:
    """Place a draft built by staff (or by reorder): re-price it at today's prices and reserve its stock."""
    with uow:
        order = order_for_update(uow.session, order_id, expected_version=expected_version)
        before = order.status
        rules.place(order)
        store = get_store(uow.session)
        address = order.shipping_address or order.billing_address or {}
        quote = build_quote(
            uow.session, store=store, currency=order.currency,
            lines=[LineRequest(sku=line.sku, quantity=line.quantity, field=f"lines[{line.position}]")
                   for line in order.lines],
            ship_country=address.get("country"), ship_region=address.get("region", ""),
            shipping_method=order.shipping_method, discount_code=order.discount_code,
            at=now())
        apply_quote(order, quote, store=store)
        uow.session.flush()
        commit_placement(uow.session, order, quote, actor=actor, from_status=before)
        uow.outbox.add(placed_event(order))
        uow.commit()
    return order


def add_note(uow: UnitOfWork, order_id: str | uuid.UUID, *, actor: Actor, body: str,
             visible_to_customer: bool = False) -> OrderNote:
    """Keep a customer service note on the order's timeline."""
    if not body.strip():
        raise ValidationFailed("The note is empty", field="body")
    with uow:
        order = order_for_update(uow.session, order_id)
        note = OrderNote(id=new_id(), order_id=order.id, body=body.strip(), visible_to_customer=visible_to_customer,
                         actor_name=actor.name, actor_kind=str(actor.kind))
        uow.session.add(note)
        history.record(uow.session, order, actor=actor, action="note_added", note=body.strip(),
                       data={"visible_to_customer": visible_to_customer})
        uow.outbox.add(OrderNoteAdded(order_id=str(order.id), number=order.number, note_id=str(note.id),
                                      visible_to_customer=visible_to_customer))
        uow.commit()
    return note
