"""Hold, release, cancel, place a draft, and add a note."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from orderworks.core.actor import Actor
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
                                     released_units=released))
        uow.commit()
    return order


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
