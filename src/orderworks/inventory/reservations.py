"""Reserving stock for orders and giving it back, inside the caller's transaction (the order's use case).

Never oversold: the levels involved are locked in a fixed order (by id) before anything is computed, and every
UPDATE still carries the guard `on_hand - reserved >= qty`, so even a bug above cannot push stock below zero.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from orderworks.core.errors import Conflict
from orderworks.core.ids import new_id
from orderworks.inventory.models import Reservation, StockLevel, StockLocation, StockMovement
from orderworks.inventory.rules import Availability, MovementKind, allocate


@dataclass(frozen=True)
class ReservationRequest:
    order_line_id: uuid.UUID
    variant_id: uuid.UUID
    quantity: int


@dataclass(frozen=True)
class LineReservation:
    order_line_id: uuid.UUID
    reserved: int
    shortfall: int


# Built once: placing an order runs this on every call, and building a statement costs more than running it.
_AVAILABLE = (
    select(StockLevel.id, StockLevel.variant_id, StockLevel.on_hand - StockLevel.reserved,
           StockLocation.priority, StockLocation.code, StockLevel.location_id)
    .join(StockLocation, StockLocation.id == StockLevel.location_id)
    .where(StockLevel.variant_id.in_(bindparam("variant_ids", expanding=True)), StockLocation.active.is_(True))
    .order_by(StockLevel.id)
)
_AVAILABLE_LOCKED = _AVAILABLE.with_for_update(of=StockLevel)
_RESERVATION_ROWS = insert(Reservation.__table__)
_MOVEMENT_ROWS = insert(StockMovement.__table__)


def available_by_variant(session: Session, variant_ids: list[uuid.UUID], *, lock: bool) -> list[Availability]:
    stmt = _AVAILABLE_LOCKED if lock else _AVAILABLE
    return [Availability(level_key=row[0], variant_key=row[1], priority=(row[3], row[4]), available=row[2],
                         location_key=row[5])
            for row in session.execute(stmt, {"variant_ids": variant_ids})]


def reserve(session: Session, *, order_id: uuid.UUID, requests: list[ReservationRequest],
            actor: str) -> list[LineReservation]:
    """Hold stock for each line, split across locations by priority; report the shortfall of each line.

    The caller decides what a shortfall means (refuse the order, or backorder the rest).
    """
    if not requests:
        return []
    levels = available_by_variant(session, sorted({r.variant_id for r in requests}), lock=True)
    takes, shortfalls = allocate([(r.variant_id, r.quantity) for r in requests], levels)
    _apply_reservations(session, order_id, requests, takes, levels, actor)
    return [LineReservation(r.order_line_id, r.quantity - short, short) for r, short in zip(requests, shortfalls)]


def _apply_reservations(session: Session, order_id: uuid.UUID, requests: list[ReservationRequest],
                        takes: list, levels: list[Availability], actor: str) -> None:  # type: ignore[type-arg]
    if not takes:
        return
    level_variant = {lv.level_key: lv.variant_key for lv in levels}
    location_of = {lv.level_key: lv.location_key for lv in levels}
    per_level: dict[object, int] = defaultdict(int)
    for take in takes:
        per_level[take.level_key] += take.quantity
    # Sorted by level id: the same order as the locks.
    params = [{"lid": key, "qty": qty} for key, qty in sorted(per_level.items(), key=lambda kv: str(kv[0]))]
    _guarded_reserve(session, params)
    # Plain executemany on the tables: the ORM's bulk layer adds nothing for rows no object stands for.
    conn = session.connection()
    conn.execute(_RESERVATION_ROWS, [
        {"id": new_id(), "order_id": order_id, "order_line_id": requests[t.request_index].order_line_id,
         "variant_id": level_variant[t.level_key], "location_id": location_of[t.level_key], "quantity": t.quantity}
        for t in takes
    ])
    conn.execute(_MOVEMENT_ROWS, [
        {"id": new_id(), "variant_id": level_variant[t.level_key], "location_id": location_of[t.level_key],
         "kind": MovementKind.RESERVATION, "reserved_delta": t.quantity, "on_hand_delta": 0, "order_id": order_id,
         "reason": "reserved for order", "actor": actor}
        for t in takes
    ])


_GUARDED_RESERVE = (
    update(StockLevel)
    .where(StockLevel.id == bindparam("lid"), StockLevel.on_hand - StockLevel.reserved >= bindparam("qty"))
    .values(reserved=StockLevel.reserved + bindparam("qty"))
)


def _guarded_reserve(session: Session, params: list[dict[str, object]]) -> None:
    # One executemany (one round trip on PostgreSQL): each row matches one level id, so the summed rowcount
    # (exact on both our drivers) falls short exactly when a guard refused a level.
    if session.connection().execute(_GUARDED_RESERVE, params).rowcount != len(params):
        raise Conflict("Stock changed while reserving; try again", field="lines")


def release(session: Session, *, order_id: uuid.UUID, actor: str, reason: str,
            order_line_ids: list[uuid.UUID] | None = None) -> int:
    """Give back everything reserved for an order (or for some of its lines). Returns the units released."""
    stmt = select(Reservation).where(Reservation.order_id == order_id)
    if order_line_ids is not None:
        stmt = stmt.where(Reservation.order_line_id.in_(order_line_ids))
    held = list(session.execute(stmt).scalars())
    if not held:
        return 0
    per_key: dict[tuple[uuid.UUID, uuid.UUID], int] = defaultdict(int)
    for r in held:
        per_key[(r.variant_id, r.location_id)] += r.quantity
    level_rows = session.execute(
        select(StockLevel.id, StockLevel.variant_id, StockLevel.location_id)
        .where(StockLevel.variant_id.in_({k[0] for k in per_key}))
        .order_by(StockLevel.id).with_for_update()
    ).all()
    level_of = {(row[1], row[2]): row[0] for row in level_rows}
    for (variant_id, location_id), qty in sorted(per_key.items(), key=lambda kv: str(level_of[kv[0]])):
        session.execute(update(StockLevel).where(StockLevel.id == level_of[(variant_id, location_id)])
                        .values(reserved=StockLevel.reserved - qty).execution_options(synchronize_session=False))
    session.execute(insert(StockMovement), [
        {"id": new_id(), "variant_id": v, "location_id": loc, "kind": MovementKind.RELEASE,
         "reserved_delta": -qty, "on_hand_delta": 0, "order_id": order_id, "reason": reason, "actor": actor}
        for (v, loc), qty in per_key.items()
    ])
    session.execute(delete(Reservation).where(Reservation.id.in_([r.id for r in held])))
    return sum(per_key.values())


def reserved_by_line(session: Session, order_id: uuid.UUID) -> dict[uuid.UUID, int]:
    rows = session.execute(select(Reservation.order_line_id, Reservation.quantity)
                           .where(Reservation.order_id == order_id))
    totals: dict[uuid.UUID, int] = defaultdict(int)
    for line_id, qty in rows:
        totals[line_id] += qty
    return dict(totals)


@dataclass(frozen=True)
class ReservationChange:
    """Hold `delta` more (or, negative, fewer) units of a line's variant at one location."""

    order_line_id: uuid.UUID
    variant_id: uuid.UUID
    location_id: uuid.UUID
    delta: int


def _lock_levels(session: Session, keys: set[tuple[uuid.UUID, uuid.UUID]]) -> dict[tuple[uuid.UUID, uuid.UUID], uuid.UUID]:
    """Lock the levels of (variant, location) pairs in id order (the order every stock change locks in)."""
    rows = session.execute(
        select(StockLevel.id, StockLevel.variant_id, StockLevel.location_id)
        .where(StockLevel.variant_id.in_({k[0] for k in keys})).order_by(StockLevel.id).with_for_update()
    ).all()
    return {(row[1], row[2]): row[0] for row in rows if (row[1], row[2]) in keys}


def _take_from_rows(session: Session, order_id: uuid.UUID, line_id: uuid.UUID, location_id: uuid.UUID,
                    quantity: int) -> int:
    """Reduce a line's reservation rows at a location by `quantity`; returns what was there to take."""
    rows = list(session.execute(
        select(Reservation).where(Reservation.order_id == order_id, Reservation.order_line_id == line_id,
                                  Reservation.location_id == location_id).order_by(Reservation.created_at)
    ).scalars())
    taken = 0
    for row in rows:
        if taken == quantity:
            break
        part = min(row.quantity, quantity - taken)
        taken += part
        if part == row.quantity:
            session.delete(row)
        else:
            row.quantity -= part
    return taken


def adjust_reservations(session: Session, *, order_id: uuid.UUID, changes: list[ReservationChange], actor: str,
                        reason: str) -> None:
    """Move an order's holds between locations (allocation): releases first, then guarded reserves, each a
    ledger row. Raises Conflict when a location no longer has the units (the caller's transaction rolls back)."""
    changes = [c for c in changes if c.delta]
    if not changes:
        return
    level_of = _lock_levels(session, {(c.variant_id, c.location_id) for c in changes})
    movements = []
    for c in sorted(changes, key=lambda c: c.delta):  # releases (negative) before reserves
        level_id = level_of.get((c.variant_id, c.location_id))
        if level_id is None:
            raise Conflict("Stock changed while allocating; try again", field="lines")
        if c.delta < 0:
            if _take_from_rows(session, order_id, c.order_line_id, c.location_id, -c.delta) != -c.delta:
                raise Conflict("The order holds fewer units there than allocation expected", field="lines")
            session.execute(update(StockLevel).where(StockLevel.id == level_id)
                            .values(reserved=StockLevel.reserved + c.delta)
                            .execution_options(synchronize_session=False))
        else:
            _guarded_reserve(session, [{"lid": level_id, "qty": c.delta}])
            session.add(Reservation(id=new_id(), order_id=order_id, order_line_id=c.order_line_id,
                                    variant_id=c.variant_id, location_id=c.location_id, quantity=c.delta))
        movements.append({"id": new_id(), "variant_id": c.variant_id, "location_id": c.location_id,
                          "kind": MovementKind.RESERVATION if c.delta > 0 else MovementKind.RELEASE,
                          "reserved_delta": c.delta, "on_hand_delta": 0, "order_id": order_id, "reason": reason,
                          "actor": actor})
    session.flush()
    session.execute(insert(StockMovement), movements)


_CONSUME = (
    update(StockLevel)
    .where(StockLevel.id == bindparam("lid"), StockLevel.reserved >= bindparam("qty"),
           StockLevel.on_hand >= bindparam("qty"))
    .values(on_hand=StockLevel.on_hand - bindparam("qty"), reserved=StockLevel.reserved - bindparam("qty"))
)


def consume(session: Session, *, order_id: uuid.UUID, items: list[ReservationChange], actor: str,
            reason: str) -> None:
    """Stock leaves the building: each item's reserved units come off the shelf (on hand and reserved both drop)
    and its reservation is used up. `delta` is the quantity shipped."""
    items = [i for i in items if i.delta > 0]
    if not items:
        return
    level_of = _lock_levels(session, {(i.variant_id, i.location_id) for i in items})
    for item in sorted(items, key=lambda i: str(level_of.get((i.variant_id, i.location_id)))):
        level_id = level_of.get((item.variant_id, item.location_id))
        if level_id is None or _take_from_rows(session, order_id, item.order_line_id, item.location_id,
                                               item.delta) != item.delta:
            raise Conflict("The shipment's units are not reserved at its location", field="lines")
        if session.connection().execute(_CONSUME, {"lid": level_id, "qty": item.delta}).rowcount != 1:
            raise Conflict("Stock changed while shipping; count the shelf and try again", field="lines")
    session.flush()
    session.execute(insert(StockMovement), [
        {"id": new_id(), "variant_id": i.variant_id, "location_id": i.location_id, "kind": MovementKind.SHIPMENT,
         "reserved_delta": -i.delta, "on_hand_delta": -i.delta, "order_id": order_id, "reason": reason,
         "actor": actor} for i in items])


def reservations_of(session: Session, order_id: uuid.UUID) -> dict[tuple[uuid.UUID, uuid.UUID], int]:
    """What an order holds, per (order line, location)."""
    totals: dict[tuple[uuid.UUID, uuid.UUID], int] = defaultdict(int)
    for line_id, location_id, qty in session.execute(
            select(Reservation.order_line_id, Reservation.location_id, Reservation.quantity)
            .where(Reservation.order_id == order_id)):
        totals[(line_id, location_id)] += qty
    return dict(totals)
