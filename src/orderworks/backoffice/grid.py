"""The orders grid: its filters and saved views, read as one keyset page through the orders area's filter."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, cast

from orderworks.backoffice.web.pagination import keyset, keyset_by_amount
from orderworks.core.pagination import Page, encode_cursor, newest_first_page
from orderworks.core.store import STORE_ID, Store
from orderworks.core.uow import UnitOfWork
from orderworks.orders.models import Order
from orderworks.orders.service.queries import OrderFilter, filtered_orders

OPEN = ("pending", "processing")
NOT_SHIPPED = ("unfulfilled", "partially_fulfilled")
SAVED_VIEWS: dict[str, str] = {
    "to_capture": "To capture", "ready_to_ship": "Ready to ship", "on_hold": "On hold",
    "backordered": "Backordered", "late": "Late",
}
SORTS = {"newest": "Newest first", "oldest": "Oldest first", "largest": "Largest total first",
         "smallest": "Smallest total first"}
BY_TOTAL = ("largest", "smallest")


@dataclass(frozen=True)
class GridQuery:
    view: str | None = None
    q: str | None = None
    status: str | None = None
    payment_status: str | None = None
    fulfillment_status: str | None = None
    channel: str | None = None
    sort: str = "newest"
    cursor: str | None = None
    limit: int = 50


def view_filter(view: str | None, *, at: datetime, ship_promise_days: int) -> OrderFilter:
    """What a saved view shows, as an order filter."""
    if view == "to_capture":
        return OrderFilter(payment_statuses=("authorized", "partially_paid"), statuses=OPEN)
    if view == "ready_to_ship":
        return OrderFilter(payment_status="paid", fulfillment_statuses=NOT_SHIPPED, statuses=OPEN)
    if view == "on_hold":
        return OrderFilter(status="on_hold")
    if view == "backordered":
        return OrderFilter(backordered=True, statuses=(*OPEN, "on_hold"))
    if view == "late":  # not (fully) shipped within the store's promise
        return OrderFilter(fulfillment_statuses=NOT_SHIPPED, statuses=OPEN,
                           created_to=at - timedelta(days=ship_promise_days))
    return OrderFilter()


def grid_filter(q: GridQuery, *, at: datetime, ship_promise_days: int) -> OrderFilter:
    base = view_filter(q.view, at=at, ship_promise_days=ship_promise_days)
    chosen: dict[str, Any] = {k: v for k, v in (("status", q.status), ("payment_status", q.payment_status),
                                                ("fulfillment_status", q.fulfillment_status),
                                                ("channel", q.channel), ("q", q.q)) if v}
    return replace(base, **chosen)


def grid_page(uow: UnitOfWork, q: GridQuery, *, at: datetime) -> Page[Order]:
    """One page of the grid: the saved view, the filters and the search, by date or by total (ix_orders_total)."""
    with uow:
        store = uow.session.get(Store, STORE_ID) if q.view == "late" else None
        promise = store.ship_promise_days if store is not None else 2
        f = grid_filter(q, at=at, ship_promise_days=promise)
        if q.sort in BY_TOTAL:
            stmt = keyset_by_amount(filtered_orders(f), Order.total, Order.id, cursor=q.cursor, limit=q.limit,
                                    largest_first=q.sort == "largest")
        else:
            stmt = keyset(filtered_orders(f), Order.created_at, Order.id, cursor=q.cursor, limit=q.limit,
                          oldest_first=q.sort == "oldest")
        rows = cast(list[Order], list(uow.session.scalars(stmt)))  # filtered_orders is typed Select[tuple[Order]]
    if q.sort in BY_TOTAL:
        items = rows[:q.limit]
        return Page(items, encode_cursor(items[-1].total, items[-1].id) if len(rows) > q.limit else None)
    return newest_first_page(rows, q.limit, lambda o: (o.created_at, o.id))
