"""The application factory: one engine per process, every area's router, health and metrics."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI
from sqlalchemy import Engine, text

from orderworks import __version__
from orderworks.api.errors import install_error_handlers
from orderworks.api.metrics import install_metrics
from orderworks.api.order_view import WHOLE_ORDER
from orderworks.backoffice.app import create_backoffice
from orderworks.catalog.api import router as catalog_router
from orderworks.core.db import make_engine, make_session_factory
from orderworks.core.logs import configure_logging
from orderworks.core.settings import Settings, get_settings
from orderworks.core.web import refuse_nul_characters
from orderworks.fulfillment.api import router as fulfillment_router
from orderworks.fulfillment.api import webhooks as carrier_webhooks_router
from orderworks.inventory.api import router as inventory_router
from orderworks.invoicing.api import router as invoicing_router
from orderworks.notifications.api import router as notifications_router
from orderworks.notifications.webhooks.api import router as webhook_endpoints_router
from orderworks.orders.api import build_router as build_orders_router
from orderworks.orders.pricing_api import router as pricing_router
from orderworks.payments.api import router as payments_router
from orderworks.payments.api import webhooks as webhooks_router
from orderworks.storefront.api import router as feedback_router
from orderworks.storefront.pages import router as storefront_router


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(json=settings.log_json)
    engine = engine or make_engine(settings.database_url, echo=settings.sql_echo)
    app = FastAPI(
        title="orderworks", version=__version__,
        description="Order management: take, verify, pay, invoice, fulfil and ship orders from any channel. "
                    "Every mutating call takes an Idempotency-Key header.",
        dependencies=[Depends(refuse_nul_characters)],
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    install_error_handlers(app)
    install_metrics(app)
    # Every order route answers the whole order: its payments, balance due and invoices too.
    orders_router = build_orders_router(WHOLE_ORDER)
    for router in (catalog_router, inventory_router, orders_router, pricing_router, payments_router,
                   webhooks_router, invoicing_router, fulfillment_router, carrier_webhooks_router,
                   webhook_endpoints_router, notifications_router,
                   feedback_router, storefront_router):
        app.include_router(router)
    # The staff web UI: its own sub-application (sessions, CSRF), outside the API's OpenAPI document.
    app.mount("/admin", create_backoffice(settings, app.state.session_factory, parent=app))

    @app.get("/health", tags=["health"])
    def health() -> dict[str, Any]:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__}

    return app
