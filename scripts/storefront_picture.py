"""Draw docs/images/storefront-order.png: a delivered demo order's page as a customer sees it on a phone.

Run from the repository root: .venv/bin/python scripts/storefront_picture.py
It builds the demo store in a scratch SQLite database, pays, invoices, ships and delivers the first demo order
through the real use cases, serves the app with uvicorn on 127.0.0.1 and a free port, and screenshots the page
with Debian's chromium (no JavaScript) at 420 px wide.
"""

from __future__ import annotations

import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright
from sqlalchemy import select

from orderworks.core.actor import Actor
from orderworks.core.db import make_engine, make_session_factory
from orderworks.core.migrate import upgrade
from orderworks.core.relay import relay_until_idle
from orderworks.core.settings import Settings
from orderworks.core.signing import order_link_token
from orderworks.core.uow import UnitOfWork
from orderworks.demo import load_demo
from orderworks.fulfillment.service.queries import shipments_for_order
from orderworks.fulfillment.service.shipping import deliver_shipment, ship_shipment
from orderworks.invoicing.service import issue_invoice
from orderworks.orders.models import Order
from orderworks.orders.service.lifecycle import add_note
from orderworks.payments.cards import CardDetails
from orderworks.payments.gateways.test import TestGateway
from orderworks.payments.service.authorize import authorize_payment
from orderworks.subscribers import SUBSCRIBERS

OUT = Path(__file__).resolve().parent.parent / "docs" / "images" / "storefront-order.png"
STAFF = Actor.system("docs")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def _delivered_order(tmp: str, url: str) -> str:
    factory = make_session_factory(make_engine(url))
    load_demo(factory)
    with factory() as session:
        order = session.execute(select(Order).order_by(Order.number)).scalars().first()
        assert order is not None
        order_id = order.id
    relay = lambda: relay_until_idle(factory, SUBSCRIBERS)
    relay()
    authorize_payment(UnitOfWork(factory), TestGateway(Path(tmp) / "gateway.db"), order_id,
                      card=CardDetails("4242424242424242", 12, 2034, "123"), actor=STAFF, capture=True)
    relay()
    issue_invoice(UnitOfWork(factory), order_id, actor=STAFF)
    add_note(UnitOfWork(factory), order_id, actor=STAFF, visible_to_customer=True,
             body="Your chairs were packed with extra corner guards. Enjoy!")
    uow = UnitOfWork(factory)
    with uow:
        views = shipments_for_order(uow, order_id)
    for n, view in enumerate(views):
        ship_shipment(UnitOfWork(factory), view.shipment.id, carrier="ups",
                      tracking_numbers=[f"1Z999AA1012345678{n}"], actor=STAFF)
        deliver_shipment(UnitOfWork(factory), view.shipment.id, actor=STAFF)
    relay()
    return str(order_id)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/picture.db"
        upgrade(url)
        order_id = _delivered_order(tmp, url)
        # Imported after the demo data: with orderworks.payments.api imported first, the demo's placement fails
        # on SQLite binding a UUID (an import-order bug outside the storefront, reported).
        from orderworks.api.app import create_app

        settings = Settings(database_url=url)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 420, "height": 900}, java_script_enabled=False)
                page.goto(f"http://127.0.0.1:{port}/track/{order_link_token(settings.secret_key, order_id)}")
                OUT.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(OUT), full_page=True)
                browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=10)
    print(f"order page drawn into {OUT}")


if __name__ == "__main__":
    sys.exit(main())
