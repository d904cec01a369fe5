"""The dashboard's figures, each aggregated in SQL: today's orders and revenue, the saved views' counts (the same
filters the grid uses, so a count and its grid agree), orders and revenue per day, and how long orders wait to
ship (from the fulfilment area's shipments, when that area is installed)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from orderworks.backoffice.grid import SAVED_VIEWS, view_filter
from orderworks.core.store import get_store
from orderworks.core.uow import UnitOfWork
from orderworks.orders.models import Order
from orderworks.orders.service.queries import OrderFilter, filtered_orders

DAYS = 30
# Time from order to shipment, in hours: the histogram's buckets (upper bounds; the last is open).
SHIP_BUCKETS: list[tuple[str, float | None]] = [("< 4 h", 4), ("4-12 h", 12), ("12-24 h", 24), ("1-2 d", 48),
                                                ("2-3 d", 72), ("3-5 d", 120), ("5+ d", None)]
NOT_COUNTED = ("draft", "canceled")


@dataclass(frozen=True)
class DayFigures:
    day: date
    orders: int
    revenue: int


@dataclass(frozen=True)
class Dashboard:
    currency: str
    orders_today: int
    revenue_today: int
    views: dict[str, int]  # saved view key -> how many orders it shows
    days: list[DayFigures]  # the last DAYS days, oldest first, days without orders included
    ship_times: list[tuple[str, int]] | None  # None: the fulfilment area is not installed


def _count(stmt: Select[Any]) -> Any:
    return select(func.count()).select_from(stmt.order_by(None).subquery()).scalar_subquery()


def load_dashboard(uow: UnitOfWork, *, at: datetime) -> Dashboard:
    """What the seller sees first: today's figures, the work waiting in each saved view, the last month."""
    today = at.replace(hour=0, minute=0, second=0, microsecond=0)
    since = today - timedelta(days=DAYS - 1)
    with uow:
        store = get_store(uow.session)
        currency, promise = store.default_currency, store.ship_promise_days
        today_stmt = filtered_orders(OrderFilter(created_from=today))
        counted = Order.status.not_in(NOT_COUNTED)
        columns = [
            _count(today_stmt.where(counted)),
            select(func.coalesce(func.sum(Order.total), 0)).where(
                Order.created_at >= today, counted, Order.currency == currency).scalar_subquery(),
            *[_count(filtered_orders(view_filter(key, at=at, ship_promise_days=promise))) for key in SAVED_VIEWS],
        ]
        figures = uow.session.execute(select(*columns)).one()  # one round trip for every count
        days = _per_day(uow.session, since=since, currency=currency)
        ship_times = _ship_times(uow.session, since=since)
    views = dict(zip(SAVED_VIEWS, figures[2:]))
    series = [days.get(since.date() + timedelta(days=i), DayFigures(since.date() + timedelta(days=i), 0, 0))
              for i in range(DAYS)]
    return Dashboard(currency, figures[0], figures[1], views, series, ship_times)


def _per_day(session: Session, *, since: datetime, currency: str) -> dict[date, DayFigures]:
    day = func.date(Order.created_at)
    revenue = func.sum(case((Order.currency == currency, Order.total), else_=0))
    rows = session.execute(select(day, func.count(), revenue).where(
        Order.created_at >= since, Order.status.not_in(NOT_COUNTED)).group_by(day)).all()
    out = {}
    for d, n, r in rows:
        when = d if isinstance(d, date) else date.fromisoformat(str(d)[:10])  # SQLite answers a string
        out[when] = DayFigures(when, int(n), int(r or 0))
    return out


def _shipment_model() -> Any | None:
    try:
        module = importlib.import_module("orderworks.fulfillment.models")
    except ImportError:
        return None
    model = getattr(module, "Shipment", None)
    return model if model is not None and hasattr(model, "shipped_at") else None


def _ship_times(session: Session, *, since: datetime) -> list[tuple[str, int]] | None:
    shipment = _shipment_model()
    if shipment is None:
        return None
    if session.get_bind().dialect.name == "postgresql":
        hours = func.extract("epoch", shipment.shipped_at - Order.created_at) / 3600
    else:
        hours = (func.julianday(shipment.shipped_at) - func.julianday(Order.created_at)) * 24
    bucket = case(*[(hours < bound, i) for i, (_, bound) in enumerate(SHIP_BUCKETS) if bound is not None],
                  else_=len(SHIP_BUCKETS) - 1)
    rows: dict[int, int] = dict(session.execute(  # type: ignore[arg-type]
        select(bucket, func.count()).join(Order, Order.id == shipment.order_id)
        .where(shipment.shipped_at.is_not(None), shipment.shipped_at >= since).group_by(bucket)).all())
    return [(label, int(rows.get(i, 0))) for i, (label, _) in enumerate(SHIP_BUCKETS)]
