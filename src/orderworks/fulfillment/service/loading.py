"""Loading shipments inside a use case: their ids from a request, their order, an order's shipments (locked)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from orderworks.core.errors import NotFound
from orderworks.core.ids import parse_id
from orderworks.fulfillment.models import Shipment
from orderworks.fulfillment.rules import OPEN_STATUSES


def parse_shipment_id(value: str | uuid.UUID) -> uuid.UUID:
    return parse_id(value, what="shipment", field="shipment_id")


def shipment_order_id(session: Session, shipment_id: str | uuid.UUID) -> uuid.UUID:
    sid = parse_shipment_id(shipment_id)
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
