"""Reading orders: one order with its timeline, and the paginated, filtered order list."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from orderworks.core.errors import NotFound
from orderworks.core.pagination import Page, newest_first, newest_first_page
from orderworks.core.uow import UnitOfWork
from orderworks.orders.models import Order, OrderHistory, OrderNote
from orderworks.orders.service.loading import parse_order_id


@dataclass(frozen=True)
class OrderView:
    order: Order
    history: list[OrderHistory]
    notes: list[OrderNote]


def get_order(uow: UnitOfWork, order_id: str | uuid.UUID) -> OrderView:
    """An order with its lines, timeline and notes."""
    oid = parse_order_id(order_id)
    with uow:
        order = uow.session.execute(
            select(Order).where(Order.id == oid).options(selectinload(Order.lines))).scalar_one_or_none()
        if order is None:
            raise NotFound(f"No order '{order_id}'", field="order_id")
        return _view(uow, order)


def get_order_by_number(uow: UnitOfWork, number: str) -> OrderView:
    with uow:
        order = uow.session.execute(
            select(Order).where(Order.number == number).options(selectinload(Order.lines))).scalar_one_or_none()
        if order is None:
            raise NotFound(f"No order number '{number}'", field="number")
        return _view(uow, order)


def _view(uow: UnitOfWork, order: Order) -> OrderView:
    entries = list(uow.session.execute(
        select(OrderHistory).where(OrderHistory.order_id == order.id)
        .order_by(OrderHistory.created_at, OrderHistory.id)).scalars())
    notes = list(uow.session.execute(
        select(OrderNote).where(OrderNote.order_id == order.id).order_by(OrderNote.created_at)).scalars())
    return OrderView(order, entries, notes)


@dataclass(frozen=True)
class OrderFilter:
    status: str | None = None
    payment_status: str | None = None
    fulfillment_status: str | None = None
    channel: str | None = None
    customer_email: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    q: str | None = None
    backordered: bool | None = None
    # Any of several values (the back office's saved views: "ready to ship" is paid and not yet shipped).
    statuses: tuple[str, ...] | None = None
    payment_statuses: tuple[str, ...] | None = None
    fulfillment_statuses: tuple[str, ...] | None = None


def filtered_orders(f: OrderFilter) -> Select[tuple[Order]]:
    """The order list's statement for a filter, unsorted (callers add their keyset order)."""
    return _filtered(f)


def _filtered(f: OrderFilter) -> Select[tuple[Order]]:
    stmt = select(Order)
    for column, values in ((Order.status, f.statuses), (Order.payment_status, f.payment_statuses),
                           (Order.fulfillment_status, f.fulfillment_statuses)):
        if values is not None:
            stmt = stmt.where(column.in_(values))
    for column, value in ((Order.status, f.status), (Order.payment_status, f.payment_status),
                          (Order.fulfillment_status, f.fulfillment_status), (Order.channel, f.channel),
                          (Order.backordered, f.backordered)):
        if value is not None:
            stmt = stmt.where(column == value)
    if f.customer_email:
        stmt = stmt.where(Order.customer_email == f.customer_email.strip().lower())
    if f.created_from:
        stmt = stmt.where(Order.created_at >= f.created_from)
    if f.created_to:
        stmt = stmt.where(Order.created_at < f.created_to)
    if f.q and f.q.strip():
        term = f.q.strip()
        needle = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(or_(
            Order.number == term.lstrip("#"),
            Order.customer_email == term.lower(),
            Order.search_name.like(f"{needle}%", escape="\\"),
        ))
    return stmt


def list_orders(uow: UnitOfWork, f: OrderFilter, *, cursor: str | None = None, limit: int = 50) -> Page[Order]:
    """Orders newest first, filtered, one page at a time (keyset: page N costs what page 1 costs)."""
    stmt = newest_first(_filtered(f), Order.created_at, Order.id, cursor=cursor, limit=limit)
    with uow:
        rows = list(uow.session.execute(stmt).scalars())
    return newest_first_page(rows, limit, lambda o: (o.created_at, o.id))


def order_currency(uow: UnitOfWork, order_id: str | uuid.UUID) -> str:
    """The currency of an order, to read the amounts a client sends for it ('19.99' into minor units)."""
    with uow:
        currency = uow.session.execute(select(Order.currency).where(Order.id == parse_order_id(order_id))).scalar()
    if currency is None:
        raise NotFound(f"No order '{order_id}'", field="order_id")
    return str(currency)
