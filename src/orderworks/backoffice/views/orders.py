"""The orders grid: saved views, filters, search, sort, keyset pages, and the selection for bulk actions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from orderworks.backoffice.grid import SAVED_VIEWS, SORTS, GridQuery, grid_page
from orderworks.backoffice.labels import CHANNEL, FULFILLMENT, PAYMENT, STATUS
from orderworks.backoffice.service import Staff
from orderworks.backoffice.web.auth import ReadUowDep, allowed
from orderworks.backoffice.web.pagination import url_with
from orderworks.backoffice.web.templating import render
from orderworks.core.clock import now
from orderworks.core.permissions import Permission

router = APIRouter()
Reader = Annotated[Staff, Depends(allowed(Permission.ORDERS_READ))]


def _choice(value: str | None, allowed_values: dict[str, str]) -> str | None:
    return value if value in allowed_values else None


@router.get("/orders")
def orders_grid(request: Request, staff: Reader, uow: ReadUowDep,
                view: str | None = None, q: Annotated[str | None, Query(max_length=200)] = None,
                status: str | None = None, payment_status: str | None = None,
                fulfillment_status: str | None = None, channel: str | None = None, sort: str = "newest",
                cursor: Annotated[str | None, Query(max_length=400)] = None,
                limit: Annotated[int, Query(ge=1, le=200)] = 50) -> Response:
    query = GridQuery(view=_choice(view, SAVED_VIEWS), q=(q or "").strip() or None,
                      status=_choice(status, STATUS), payment_status=_choice(payment_status, PAYMENT),
                      fulfillment_status=_choice(fulfillment_status, FULFILLMENT), channel=_choice(channel, CHANNEL),
                      sort=sort if sort in SORTS else "newest", cursor=cursor, limit=limit)
    page = grid_page(uow, query, at=now())
    context = {
        "active": "orders", "page": page, "query": query, "views": SAVED_VIEWS, "sorts": SORTS,
        "statuses": STATUS, "payment_statuses": PAYMENT, "fulfillment_statuses": FULFILLMENT, "channels": CHANNEL,
        "url_with": lambda **kw: url_with(request, **kw),
        "next_url": url_with(request, cursor=page.next_cursor) if page.next_cursor else None,
    }
    # The filters ask htmx for the table only; a plain visit (or a reload) gets the whole page.
    template = "orders/_table.html" if request.headers.get("hx-target") == "grid" else "orders/grid.html"
    return render(request, template, context)
