"""Allocating an order's lines to stock locations: the store's strategy decides where each unit ships from, the
order's reservations (made at placement) are moved to follow the plan, and each location gets a shipment. What no
location holds is backordered and allocated when stock arrives, oldest order first."""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderworks.core.actor import Actor
from orderworks.core.clock import now
from orderworks.core.ids import new_id
from orderworks.core.store import Store, get_store
from orderworks.core.uow import UnitOfWork
from orderworks.fulfillment import rules
from orderworks.fulfillment.events import OrderBackordered, ShipmentCanceled
from orderworks.fulfillment.models import Shipment, ShipmentLine
from orderworks.fulfillment.rules import OPEN_STATUSES, LineNeed, LocationStock, ShipmentStatus
from orderworks.fulfillment.service.loading import shipments_of
from orderworks.fulfillment.service.readiness import refresh_readiness
from orderworks.fulfillment.service.timeline import record
from orderworks.inventory import reservations
from orderworks.inventory.models import StockLevel, StockLocation
from orderworks.orders.models import Order, OrderLine
from orderworks.orders.service.loading import order_for_update

ALLOCATABLE_ORDER_STATUSES = frozenset({"pending", "processing", "on_hold"})
BACKORDER_BATCH = 200


def allocate_order(uow: UnitOfWork, order_id: str | uuid.UUID, *, actor: Actor) -> list[Shipment]:
    """Allocate what the order has not yet allocated (all of it after placement), make shipments ready if the
    order may ship. Returns the order's open shipments."""
    with uow:
        order = order_for_update(uow.session, order_id)
        store = get_store(uow.session)
        allocate_locked(uow, order, store=store, actor=actor)
        refresh_readiness(uow, order, store=store, actor=actor)
        result = shipments_of(uow.session, order.id, open_only=True)
        uow.commit()
    return result


def reallocate_after_edit(uow: UnitOfWork, order_id: str | uuid.UUID, *, actor: Actor) -> list[Shipment]:
    """An edit re-reserved the order's stock: drop the shipments not yet picked and allocate afresh."""
    with uow:
        order = order_for_update(uow.session, order_id)
        store = get_store(uow.session)
        for shipment in shipments_of(uow.session, order.id, open_only=True, lock=True):
            if shipment.status in (ShipmentStatus.PENDING, ShipmentStatus.READY):
                cancel_shipment_locked(uow, order, shipment, actor=actor, reason="order edited")
        allocate_locked(uow, order, store=store, actor=actor)
        refresh_readiness(uow, order, store=store, actor=actor)
        result = shipments_of(uow.session, order.id, open_only=True)
        uow.commit()
    return result


def cancel_order_shipments(uow: UnitOfWork, order_id: str | uuid.UUID, *, actor: Actor, reason: str) -> int:
    """The order was canceled: its open shipments are canceled (its stock was released with the order)."""
    with uow:
        order = order_for_update(uow.session, order_id)
        open_shipments = shipments_of(uow.session, order.id, open_only=True, lock=True)
        for shipment in open_shipments:
            cancel_shipment_locked(uow, order, shipment, actor=actor, reason=reason)
        for line in order.lines:
            line.backordered_quantity = 0
        order.backordered = False
        uow.commit()
    return len(open_shipments)


def cancel_shipment_locked(uow: UnitOfWork, order: Order, shipment: Shipment, *, actor: Actor, reason: str) -> None:
    before = shipment.status
    rules.cancel(shipment)
    shipment.canceled_at = now()
    record(uow.session, order, shipment, actor=actor, action="shipment_canceled", before=before, note=reason)
    uow.outbox.add(ShipmentCanceled(order_id=str(order.id), number=order.number, shipment_id=str(shipment.id),
                                    reason=reason))


def allocate_backorders(uow: UnitOfWork, variant_id: uuid.UUID, *, actor: Actor) -> int:
    """Stock of a variant arrived: allocate it to the orders waiting for it, oldest order first. Returns the
    number of orders that got units."""
    with uow:
        waiting = list(uow.session.execute(
            select(Order.id).join(OrderLine, OrderLine.order_id == Order.id)
            .where(OrderLine.variant_id == variant_id, OrderLine.backordered_quantity > 0,
                   Order.status.in_(list(ALLOCATABLE_ORDER_STATUSES)))
            .group_by(Order.id, Order.placed_at, Order.created_at)
            .order_by(Order.placed_at, Order.created_at, Order.id).limit(BACKORDER_BATCH)).scalars())
        store = get_store(uow.session)
        served = 0
        for order_id in waiting:  # oldest first; each order locked in turn
            order = order_for_update(uow.session, order_id)
            before = sum(line.backordered_quantity for line in order.lines)
            allocate_locked(uow, order, store=store, actor=actor)
            if sum(line.backordered_quantity for line in order.lines) < before:
                served += 1
                refresh_readiness(uow, order, store=store, actor=actor)
        uow.commit()
    return served


def allocate_locked(uow: UnitOfWork, order: Order, *, store: Store, actor: Actor) -> None:
    """Allocate the locked order's unallocated units; move its reservations to follow; backorder the rest."""
    session = uow.session
    if order.status not in ALLOCATABLE_ORDER_STATUSES:
        return
    lines = [line for line in order.lines if line.shippable]
    session.flush()  # the queries below read what this transaction changed (autoflush is off)
    allocated, open_at = _allocated(session, order.id)
    needs = [LineNeed(line.id, line.variant_id, line.quantity - allocated.get(line.id, 0)) for line in lines
             if line.quantity > allocated.get(line.id, 0)]
    if not needs:
        _set_backorders(uow, order, {}, first=False)
        return
    held = reservations.reservations_of(session, order.id)
    free_held = {key: qty - open_at.get(key, 0) for key, qty in held.items() if qty > open_at.get(key, 0)}
    stock = _stock(session, order, needs, free_held)
    country = (order.shipping_address or {}).get("country")
    plan = rules.plan_allocation(needs, stock, strategy=store.allocation_strategy, ship_country=country)
    variant_of = {line.id: line.variant_id for line in lines}
    planned: dict[tuple[uuid.UUID, uuid.UUID], int] = defaultdict(int)
    for a in plan.assignments:
        planned[(a.line_key, a.location_key)] += a.quantity  # type: ignore[index]
    need_lines = {n.line_key for n in needs}
    keys = set(planned) | {k for k in free_held if k[0] in need_lines}
    reservations.adjust_reservations(session, order_id=order.id, actor=actor.name,
                                     reason=f"allocated for order {order.number}", changes=[
        reservations.ReservationChange(line_id, variant_of[line_id], loc, planned.get((line_id, loc), 0)
                                       - free_held.get((line_id, loc), 0))
        for line_id, loc in sorted(keys, key=lambda k: (str(k[0]), str(k[1])))])
    _add_to_shipments(uow, order, lines, plan, actor=actor)
    _set_backorders(uow, order, plan.backordered, first=not allocated)


def _allocated(session: Session, order_id: uuid.UUID) -> tuple[dict[uuid.UUID, int],
                                                               dict[tuple[uuid.UUID, uuid.UUID], int]]:
    """Units per line in shipments that are not canceled; units per (line, location) in open shipments."""
    per_line: dict[uuid.UUID, int] = defaultdict(int)
    open_at: dict[tuple[uuid.UUID, uuid.UUID], int] = defaultdict(int)
    rows = session.execute(
        select(ShipmentLine.order_line_id, Shipment.location_id, Shipment.status, ShipmentLine.quantity)
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .where(Shipment.order_id == order_id, Shipment.status != ShipmentStatus.CANCELED))
    for line_id, location_id, status, qty in rows:
        per_line[line_id] += qty
        if status in OPEN_STATUSES:
            open_at[(line_id, location_id)] += qty
    return dict(per_line), dict(open_at)


def _stock(session: Session, order: Order, needs: list[LineNeed],
           free_held: dict[tuple[uuid.UUID, uuid.UUID], int]) -> list[LocationStock]:
    """What the order may take per location: free stock plus what it holds there and has not yet shipped."""
    variant_of_line = {n.line_key: n.variant_key for n in needs}
    held_per_level: dict[tuple[object, uuid.UUID], int] = defaultdict(int)
    for (line_id, location_id), qty in free_held.items():
        if line_id in variant_of_line:
            held_per_level[(variant_of_line[line_id], location_id)] += qty
    rows = session.execute(
        select(StockLevel.variant_id, StockLevel.location_id, StockLevel.on_hand - StockLevel.reserved,
               StockLocation.priority, StockLocation.code, StockLocation.country)
        .join(StockLocation, StockLocation.id == StockLevel.location_id)
        .where(StockLevel.variant_id.in_(list({n.variant_key for n in needs})), StockLocation.active.is_(True))
        .order_by(StockLevel.id).with_for_update(of=StockLevel))
    return [LocationStock(location_key=loc, variant_key=variant, available=free + held_per_level.get((variant, loc), 0),
                          priority=priority, code=code, country=country)
            for variant, loc, free, priority, code, country in rows]


def _add_to_shipments(uow: UnitOfWork, order: Order, lines: list[OrderLine], plan: rules.AllocationPlan, *,
                      actor: Actor) -> None:
    session = uow.session
    existing = shipments_of(session, order.id)
    line_of = {line.id: line for line in lines}
    count = len(existing)
    for location_id in plan.locations():
        shipment = next((s for s in existing if s.location_id == location_id
                         and s.status in (ShipmentStatus.PENDING, ShipmentStatus.READY)), None)
        if shipment is None:
            count += 1
            shipment = Shipment(id=new_id(), ref=f"{order.number}-{count}", order_id=order.id,
                                location_id=location_id, status=ShipmentStatus.PENDING, tracking_numbers=[])
            shipment.lines = []
            shipment.packages = []
            session.add(shipment)
            record(session, order, shipment, actor=actor, action="shipment_created", before=None)
        for a in (a for a in plan.assignments if a.location_key == location_id):
            line = line_of[a.line_key]  # type: ignore[index]
            here = next((sl for sl in shipment.lines if sl.order_line_id == line.id), None)
            if here is None:
                shipment.lines.append(ShipmentLine(id=new_id(), shipment_id=shipment.id, order_line_id=line.id,
                                                   position=line.position, variant_id=line.variant_id, sku=line.sku,
                                                   name=line.name, quantity=a.quantity))
            else:
                here.quantity += a.quantity


def _set_backorders(uow: UnitOfWork, order: Order, backordered: dict[object, int], *, first: bool) -> None:
    """Record what waits for stock; announce it when the order is first allocated or waits for more."""
    newly = []
    for line in order.lines:
        wanted = backordered.get(line.id, 0) if line.shippable else 0
        if wanted and (first or wanted > line.backordered_quantity):
            newly.append({"sku": line.sku, "name": line.name, "quantity": wanted})
        line.backordered_quantity = wanted
    order.backordered = any(line.backordered_quantity for line in order.lines)
    if newly:
        uow.outbox.add(OrderBackordered(order_id=str(order.id), number=order.number, lines=newly))
