"""Picking, packing, shipping and delivering a shipment. Shipping takes the units off the shelf (the order's
reservation is used up), records the carrier and tracking numbers, and updates the order's fulfilment status;
only an order that may ship ships. A retry of the same ship (same carrier and tracking numbers) changes nothing."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select

from orderworks.core.actor import Actor
from orderworks.core.clock import now
from orderworks.core.errors import NotFound, ValidationFailed
from orderworks.core.ids import new_id
from orderworks.core.store import get_store
from orderworks.core.uow import UnitOfWork
from orderworks.fulfillment import rules
from orderworks.fulfillment.events import ShipmentDelivered, ShipmentShipped
from orderworks.fulfillment.models import Package, Shipment
from orderworks.fulfillment.rules import (
    SHIPPABLE_STATUSES,
    SHIPPED_STATUSES,
    ShipmentStatus,
    TrackingStatus,
    remaining_lines,
)
from orderworks.fulfillment.service.errors import AlreadyShipped, OrderMayNotShip
from orderworks.fulfillment.service.loading import parse_shipment_id, shipment_order_id, shipments_of
from orderworks.fulfillment.service.progress import line_progress, refresh_order
from orderworks.fulfillment.service.readiness import make_ready_locked, order_may_ship
from orderworks.fulfillment.service.timeline import record
from orderworks.fulfillment.tracking_links import tracking_link
from orderworks.inventory import reservations
from orderworks.orders import history
from orderworks.orders.models import Order
from orderworks.orders.rules.status import ORDER_TRANSITIONS, OrderStatus
from orderworks.orders.service.loading import order_for_update

MAX_TRACKING_NUMBERS = 50


def _locked(uow: UnitOfWork, shipment_id: str | uuid.UUID) -> tuple[Order, Shipment]:
    """The shipment's order (locked first, as every fulfilment change does) and the shipment."""
    order = order_for_update(uow.session, shipment_order_id(uow.session, shipment_id))
    sid = parse_shipment_id(shipment_id)
    shipment = next((s for s in shipments_of(uow.session, order.id, lock=True) if s.id == sid), None)
    if shipment is None:
        raise NotFound(f"No shipment '{shipment_id}'", field="shipment_id")
    return order, shipment


def check_tracking(carrier: str, tracking_numbers: list[str]) -> tuple[str, list[str]]:
    carrier = carrier.strip().lower()
    if not carrier or len(carrier) > 32:
        raise ValidationFailed("Name the carrier (up to 32 characters), e.g. 'ups' or 'builtin'", field="carrier")
    numbers = [n.strip() for n in tracking_numbers]
    if any(not n or len(n) > 64 for n in numbers):
        raise ValidationFailed("A tracking number is 1 to 64 characters", field="tracking_numbers")
    if len(numbers) > MAX_TRACKING_NUMBERS or len(set(numbers)) != len(numbers):
        raise ValidationFailed(f"Give up to {MAX_TRACKING_NUMBERS} distinct tracking numbers",
                               field="tracking_numbers")
    return carrier, numbers


def pick_shipment(uow: UnitOfWork, shipment_id: str | uuid.UUID, *, actor: Actor) -> Shipment:
    """The warehouse took the shipment's units off the shelves."""
    return _step(uow, shipment_id, rules.pick, "shipment_picked", actor=actor)


def pack_shipment(uow: UnitOfWork, shipment_id: str | uuid.UUID, *, actor: Actor,
                  packages: list[dict[str, int | None]] | None = None) -> Shipment:
    """The shipment is boxed: its packages' weights and dimensions (one package when none are given)."""
    with uow:
        order, shipment = _locked(uow, shipment_id)
        before = shipment.status
        rules.pack(shipment)
        if packages:
            for existing in shipment.packages:
                if existing.label_status != "none":
                    raise ValidationFailed("A package with a label cannot be repacked", field="packages")
            shipment.packages.clear()
            uow.session.flush()
            for position, dims in enumerate(packages):
                shipment.packages.append(_package(shipment, position, **dims))
        record(uow.session, order, shipment, actor=actor, action="shipment_packed", before=before,
               data={"packages": len(shipment.packages)})
        uow.commit()
    return shipment


def _package(shipment: Shipment, position: int, *, weight_grams: int | None = None, length_mm: int | None = None,
             width_mm: int | None = None, height_mm: int | None = None, **_: object) -> Package:
    return Package(id=new_id(), shipment_id=shipment.id, position=position, weight_grams=weight_grams,
                   length_mm=length_mm, width_mm=width_mm, height_mm=height_mm, label_status="none")


def _step(uow: UnitOfWork, shipment_id: str | uuid.UUID, move, action: str, *, actor: Actor) -> Shipment:  # type: ignore[no-untyped-def]
    with uow:
        order, shipment = _locked(uow, shipment_id)
        before = shipment.status
        move(shipment)
        record(uow.session, order, shipment, actor=actor, action=action, before=before)
        uow.commit()
    return shipment


def ship_shipment(uow: UnitOfWork, shipment_id: str | uuid.UUID, *, carrier: str, tracking_numbers: list[str],
                  actor: Actor, service: str | None = None) -> Shipment:
    """Hand the shipment to the carrier: stock leaves, the order's fulfilment status follows, the customer is told
    (ShipmentShipped). Refused when the order may not ship (unpaid, held) or the shipment is not ready."""
    carrier, numbers = check_tracking(carrier, tracking_numbers)
    with uow:
        order, shipment = _locked(uow, shipment_id)
        if shipment.status in SHIPPED_STATUSES:
            if shipment.carrier == carrier and list(shipment.tracking_numbers or []) == numbers:
                return shipment  # the same ship again: nothing changes
            raise AlreadyShipped(f"Shipment {shipment.ref} already shipped with {shipment.carrier} "
                                 f"{', '.join(shipment.tracking_numbers or []) or '(no tracking)'}",
                                 field="shipment_id")
        ship_locked(uow, order, shipment, carrier=carrier, numbers=numbers, service=service, actor=actor)
        uow.commit()
    return shipment


def ship_locked(uow: UnitOfWork, order: Order, shipment: Shipment, *, carrier: str, numbers: list[str],
                service: str | None, actor: Actor) -> None:
    session = uow.session
    may = order_may_ship(session, order, get_store(session))
    if may and shipment.status == ShipmentStatus.PENDING:
        make_ready_locked(uow, order, shipment, actor=actor)  # paid a moment ago: the relay has not caught up yet
    if shipment.status not in SHIPPABLE_STATUSES or not may:
        if shipment.status in (ShipmentStatus.PENDING, *SHIPPABLE_STATUSES):
            raise OrderMayNotShip(
                f"Order {order.number} may not ship yet: it is {order.status.replace('_', ' ')} and "
                f"{order.payment_status.replace('_', ' ')}", field="shipment_id",
                details={"status": order.status, "payment_status": order.payment_status})
        rules.ship(shipment)  # raises InvalidTransition (canceled)
    before = shipment.status
    reservations.consume(session, order_id=order.id, actor=actor.name, reason=f"shipped {shipment.ref}", items=[
        reservations.ReservationChange(line.order_line_id, line.variant_id, shipment.location_id, line.quantity)
        for line in shipment.lines])
    rules.ship(shipment)
    at = now()
    shipment.carrier, shipment.service, shipment.shipped_at = carrier, service or shipment.service, at
    shipment.tracking_numbers = numbers
    shipment.tracking_url = tracking_link(carrier, numbers[0] if numbers else None)
    shipment.tracking_status = TrackingStatus.PRE_TRANSIT
    _packages_for(shipment, numbers, carrier, at)
    if order.status == OrderStatus.PENDING and ORDER_TRANSITIONS.can(OrderStatus.PENDING, OrderStatus.PROCESSING):
        order.status = OrderStatus.PROCESSING
        history.record(session, order, actor=actor, action="processing", from_status="pending",
                       to_status=order.status, note=f"shipment {shipment.ref} shipped")
    record(session, order, shipment, actor=actor, action="shipment_shipped", before=before,
           data={"carrier": carrier, "tracking_numbers": numbers})
    session.flush()
    uow.outbox.add(ShipmentShipped(order_id=str(order.id), number=order.number, shipment_id=str(shipment.id),
                                   carrier=carrier, tracking_numbers=numbers, tracking_url=shipment.tracking_url,
                                   lines=_items(shipment), remaining=remaining_lines(line_progress(session, order))))
    refresh_order(uow, order, actor=actor)


def _packages_for(shipment: Shipment, numbers: list[str], carrier: str, at: datetime) -> None:
    """Tracking numbers onto packages in order: labelled packages keep theirs, one package per extra number."""
    free = [p for p in shipment.packages if not p.tracking_number]
    known = {p.tracking_number for p in shipment.packages if p.tracking_number}
    for number in numbers:
        if number in known:
            continue
        package = free.pop(0) if free else None
        if package is None:
            package = Package(id=new_id(), shipment_id=shipment.id, position=len(shipment.packages),
                              label_status="none")
            shipment.packages.append(package)
        package.tracking_number, package.carrier = number, carrier
    if not shipment.packages:
        shipment.packages.append(Package(id=new_id(), shipment_id=shipment.id, position=0, label_status="none",
                                         carrier=carrier))
    for package in shipment.packages:
        package.carrier = package.carrier or carrier
        package.shipped_at = at


def deliver_shipment(uow: UnitOfWork, shipment_id: str | uuid.UUID, *, actor: Actor,
                     delivered_at: datetime | None = None) -> Shipment:
    """The shipment reached the customer (by hand, or the carrier said so)."""
    with uow:
        order, shipment = _locked(uow, shipment_id)
        if shipment.status == ShipmentStatus.DELIVERED:
            return shipment
        deliver_locked(uow, order, shipment, actor=actor, at=delivered_at or now())
        uow.commit()
    return shipment


def deliver_locked(uow: UnitOfWork, order: Order, shipment: Shipment, *, actor: Actor, at: datetime) -> None:
    before = shipment.status
    rules.deliver(shipment)
    shipment.delivered_at = at
    shipment.tracking_status = TrackingStatus.DELIVERED
    record(uow.session, order, shipment, actor=actor, action="shipment_delivered", before=before)
    uow.outbox.add(ShipmentDelivered(order_id=str(order.id), number=order.number, shipment_id=str(shipment.id),
                                     delivered_at=at.isoformat()))
    refresh_order(uow, order, actor=actor)


def order_by_number(uow: UnitOfWork, number: str) -> uuid.UUID:
    order_id = uow.session.execute(select(Order.id).where(Order.number == number)).scalar_one_or_none()
    if order_id is None:
        raise NotFound(f"No order '{number}'", field="order_number")
    return order_id


def _items(shipment: Shipment) -> list[dict[str, Any]]:
    return [{"sku": line.sku, "name": line.name, "quantity": line.quantity} for line in shipment.lines]
