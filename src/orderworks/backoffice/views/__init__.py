"""One module per screen, each with a `router`; ROUTERS is what the back-office app includes, in this order."""

from __future__ import annotations

from fastapi import APIRouter

from orderworks.backoffice.views import bulk, login, order, order_edit, orders, shipments

ROUTERS: list[APIRouter] = [login.router, orders.router, bulk.router, order_edit.router, order.router, shipments.router]
