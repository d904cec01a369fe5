"""Loading shipments inside a use case, and the history and shape every shipment change shares."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from orderworks.core.actor import Actor
from orderworks.core.errors import NotFound
from orderworks.fulfillment.models import Shipment
from orderworks.fulfillment.rules import OPEN_STATUSES
from orderworks.orders import history
from orderworks.orders.models import Order


def parse_id(value: str | uuid.UUID, *, what: str = "shipment", field: str = "shipment_id") -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise NotFound(f"No {what} '{value}'", field=field) from exc


def shipment_order_id(session: Session, shipment_id: str | uuid.UUID) -> uuid.UUID:
    sid = parse_id(shipment_id)
    order_id = session.execute(select(Shipment.order_id).where(Shipment.id == sid)).scalar_one_or_none()
    if order_id is None:
        raise NotFound(f"No shipment '{shipment_id}'", field="shipment_id")
    return order_id


def shipments_of(session: Session, order_id: uuid.UUID, *, open_only: bool = False,
                 lock: bool = False) -> list[Shipment]:
    stmt = (select(Shipment).where(Shipment.order_id == order_id)
            .options(selectinload(Shipment.lines), selectinload(Shipment.packages))
            .order_by(Shipment.created_at, Shipment.id))
    if open_only:
        stmt = stmt.where(Shipment.status.in_(list(OPEN_STATUSES)))
    if lock:
        stmt = stmt.with_for_update(of=Shipment)
    session.flush()  # populate_existing reloads the rows: what this transaction changed must be written first
    return list(session.execute(stmt.execution_options(populate_existing=True)).scalars())


def record(session: Session, order: Order, shipment: Shipment, *, actor: Actor, action: str, before: str | None,
           note: str = "", data: dict[str, Any] | None = None) -> None:
    """A shipment transition on the order's timeline (from/to are the shipment's statuses)."""
    history.record(session, order, actor=actor, action=action, from_status=before, to_status=shipment.status,
                   note=note, data={"shipment_id": str(shipment.id), "shipment_ref": shipment.ref, **(data or {})})


def items(shipment: Shipment) -> list[dict[str, Any]]:
    return [{"sku": line.sku, "name": line.name, "quantity": line.quantity} for line in shipment.lines]
