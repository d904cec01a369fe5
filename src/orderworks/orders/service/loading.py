"""Loading an order inside a use case: locked for the change, with its version checked."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from orderworks.core.errors import NotFound, StaleVersion
from orderworks.core.ids import parse_id
from orderworks.orders.models import Order


def parse_order_id(order_id: str | uuid.UUID) -> uuid.UUID:
    return parse_id(order_id, what="order", field="order_id")


def order_for_update(session: Session, order_id: str | uuid.UUID, *, expected_version: int | None = None) -> Order:
    """The order, row-locked until commit, with its lines; StaleVersion if the caller saw an older version."""
    stmt = (select(Order).where(Order.id == parse_order_id(order_id))
            .options(selectinload(Order.lines)).with_for_update(of=Order))
    order = session.execute(stmt).scalar_one_or_none()
    if order is None:
        raise NotFound(f"No order '{order_id}'", field="order_id")
    if expected_version is not None and expected_version != order.version:
        raise StaleVersion(
            f"Order {order.number} changed since you loaded it (version {expected_version}, now {order.version}); "
            "reload it and try again", field="version", details={"current_version": order.version})
    return order
