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
