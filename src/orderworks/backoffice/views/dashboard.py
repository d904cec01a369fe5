"""The dashboard: today's orders and revenue, the work waiting in each saved view, and two server-side charts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from orderworks.backoffice.charts import Bar, bar_chart
from orderworks.backoffice.dashboard import load_dashboard
from orderworks.backoffice.grid import SAVED_VIEWS
from orderworks.backoffice.service import Staff
from orderworks.backoffice.web.auth import ReadUowDep, allowed
from orderworks.backoffice.web.templating import render
from orderworks.core.clock import now
from orderworks.core.money import format_money
from orderworks.core.permissions import Permission

router = APIRouter()
Reader = Annotated[Staff, Depends(allowed(Permission.ORDERS_READ))]


@router.get("/")
def dashboard(request: Request, staff: Reader, uow: ReadUowDep) -> Response:
    d = load_dashboard(uow, at=now())
    money = lambda minor: format_money(minor, d.currency)
    orders_chart = bar_chart(
        [Bar(day.day.strftime("%d %b"), day.orders,
             f"{day.day:%a %d %b}: {day.orders} orders, {money(day.revenue)}", day.revenue) for day in d.days],
        label="Orders and revenue per day", line_label="Revenue", line_format=money)
    ship_chart = None
    if d.ship_times is not None:
        ship_chart = bar_chart([Bar(label, n, f"{label}: {n} shipments") for label, n in d.ship_times],
                               label="Shipments by time from order to shipment")
    return render(request, "dashboard/page.html", {"active": "dashboard", "d": d, "views": SAVED_VIEWS,
                                                   "orders_chart": orders_chart, "ship_chart": ship_chart})
