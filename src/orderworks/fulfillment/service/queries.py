"""Reading shipments: one, an order's, and the list (newest first, paginated, filtered by status or location)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from orderworks.core.errors import NotFound
from orderworks.core.pagination import Page, newest_first, newest_first_page
from orderworks.core.uow import UnitOfWork
from orderworks.fulfillment.models import Shipment
from orderworks.fulfillment.service.loading import parse_shipment_id
from orderworks.inventory.models import StockLocation
from orderworks.orders.models import Order


@dataclass(frozen=True)
class ShipmentView:
    shipment: Shipment
    order_number: str
    location_code: str


def _pairs(result) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return {row[0]: row[1] for row in result}


def _views(uow: UnitOfWork, shipments: list[Shipment]) -> list[ShipmentView]:
    if not shipments:
        return []
    numbers = _pairs(uow.session.execute(select(Order.id, Order.number)
                                       .where(Order.id.in_({s.order_id for s in shipments}))))
    codes = _pairs(uow.session.execute(select(StockLocation.id, StockLocation.code)
                                     .where(StockLocation.id.in_({s.location_id for s in shipments}))))
    return [ShipmentView(s, numbers.get(s.order_id, ""), codes.get(s.location_id, "")) for s in shipments]


def _loaded():  # type: ignore[no-untyped-def]
    return select(Shipment).options(selectinload(Shipment.lines), selectinload(Shipment.packages))


def get_shipment(uow: UnitOfWork, shipment_id: str | uuid.UUID) -> ShipmentView:
    with uow:
        stmt = _loaded().where(Shipment.id == parse_shipment_id(shipment_id))
        shipment = uow.session.execute(stmt).scalar_one_or_none()
        if shipment is None:
            raise NotFound(f"No shipment '{shipment_id}'", field="shipment_id")
        return _views(uow, [shipment])[0]


def shipments_for_order(uow: UnitOfWork, order_id: uuid.UUID) -> list[ShipmentView]:
    """Inside the caller's unit of work (the order view reads everything in one transaction)."""
    rows = list(uow.session.execute(_loaded().where(Shipment.order_id == order_id)
                                    .order_by(Shipment.created_at, Shipment.id)).scalars())
    return _views(uow, rows)


def list_shipments(uow: UnitOfWork, *, status: str | None = None, location: str | None = None,
                   cursor: str | None = None, limit: int = 50) -> Page[ShipmentView]:
    stmt = _loaded()
    if status:
        stmt = stmt.where(Shipment.status == status)
    with uow:
        if location:
            loc = uow.session.execute(select(StockLocation.id).where(StockLocation.code == location)).scalar()
            if loc is None:
                raise NotFound(f"No stock location '{location}'", field="location")
            stmt = stmt.where(Shipment.location_id == loc)
        rows = list(uow.session.execute(newest_first(stmt, Shipment.created_at, Shipment.id, cursor=cursor,
                                                     limit=limit)).scalars())
        page = newest_first_page(rows, limit, lambda s: (s.created_at, s.id))
        return Page(_views(uow, page.items), page.next_cursor)
