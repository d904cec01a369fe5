"""One module per screen, each with a `router`; ROUTERS is what the back-office app includes, in this order."""

from __future__ import annotations

from fastapi import APIRouter

from orderworks.backoffice.views import (
    bulk,
    catalog,
    dashboard,
    entry,
    events,
    login,
    order,
    order_edit,
    orders,
    settings,
    setup,
    shipments,
    staff,
    stock,
    webhooks,
)

# The dashboard answers "/" before login's redirect; order entry's /orders/new before the order page's /{id}.
ROUTERS: list[APIRouter] = [dashboard.router, entry.router, login.router, orders.router, bulk.router,
                            order_edit.router, order.router, shipments.router, catalog.router, stock.router,
                            setup.router, settings.router, webhooks.router, events.router,
                            staff.router]
