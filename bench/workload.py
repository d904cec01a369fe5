"""The order the benchmark places, and a fresh database to place it in.

A 3-line order (RED-CHAIR, BLUE-LAMP, OAK-TABLE; one unit each) shipped to California: flat shipping, CA sales
tax, the prices the customer saw, no discount code. Each SKU has plenty of stock at MAIN; OAK-TABLE also at EAST.
Every order reserves the same three stock rows, the realistic worst case for contention.
"""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from orderworks.catalog.models import Variant
from orderworks.catalog.service import ProductSpec, create_product
from orderworks.core.actor import Actor
from orderworks.core.apikeys import create_api_key
from orderworks.core.db import is_sqlite, make_engine, make_session_factory
from orderworks.core.migrate import upgrade
from orderworks.core.uow import UnitOfWork
from orderworks.inventory.models import StockLevel, StockLocation
from orderworks.inventory.service import adjust_stock, create_location
from orderworks.orders import pricing_setup as setup
from orderworks.orders.addresses import Address
from orderworks.orders.quote import LineRequest
from orderworks.orders.service.placement import Customer, PlaceOrder, place_order

BENCH = Actor.system("bench")
PLENTY = 50_000_000  # units per SKU and location: no cell ever runs short
SKUS = [("RED-CHAIR", "Red chair", "49.00", 4500), ("BLUE-LAMP", "Blue lamp", "24.50", 1100),
        ("OAK-TABLE", "Oak table", "329.00", 24000)]
SHIP_TO = Address(name="Ada Lovelace", line1="1600 Amphitheatre Pkwy", city="Mountain View", region="CA",
                  postal_code="94043", country="US")
CUSTOMER = Customer(email="ada@example.com", name="Ada Lovelace", phone="+1 650 253 0000")


@dataclass(frozen=True)
class Workload:
    """A migrated database with the bench store in it, and what the raw-SQL ceiling needs to know about it."""

    url: str
    api_key: str
    level_ids: list[str]  # the MAIN stock level of each SKU, in line order, as the database stores the id
    variant_ids: list[str]
    location_id: str  # MAIN


def order_command() -> PlaceOrder:
    return PlaceOrder(channel="web", currency="USD", customer=CUSTOMER, shipping_address=SHIP_TO,
                      shipping_method="standard",
                      lines=[LineRequest(sku, 1, unit_price=price, field=f"lines[{i}]")
                             for i, (sku, _, price, _) in enumerate(SKUS)])


def order_json() -> dict[str, object]:
    return {
        "channel": "web", "currency": "USD",
        "customer": {"email": CUSTOMER.email, "name": CUSTOMER.name, "phone": CUSTOMER.phone},
        "shipping_address": {"name": SHIP_TO.name, "line1": SHIP_TO.line1, "city": SHIP_TO.city,
                             "region": SHIP_TO.region, "postal_code": SHIP_TO.postal_code,
                             "country": SHIP_TO.country},
        "lines": [{"sku": sku, "quantity": 1, "unit_price": price} for sku, _, price, _ in SKUS],
        "shipping_method": "standard",
    }


def sqlite_url(directory: str | None = None) -> str:
    folder = Path(directory or tempfile.mkdtemp(prefix="orderworks-bench-"))
    return f"sqlite:///{folder / 'bench.db'}"


def recreate_postgres(url: str) -> None:
    """Drop and create the bench database (never a test or production one: the caller names it)."""
    sa_url = make_url(url)
    admin = create_engine(sa_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{sa_url.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{sa_url.database}"'))
    admin.dispose()


def prepare(url: str) -> Workload:
    """A fresh, migrated database holding the bench store, catalog, stock and an owner API key."""
    if not is_sqlite(url):
        recreate_postgres(url)
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    uow = lambda: UnitOfWork(factory)
    setup.update_store(uow(), {"currencies": ["USD"], "default_currency": "USD"})
    create_location(uow(), code="MAIN", name="Main warehouse", country="US", priority=10)
    create_location(uow(), code="EAST", name="East warehouse", country="US", priority=20)
    for sku, name, price, grams in SKUS:
        create_product(uow(), ProductSpec(sku=sku, name=name, price=price, currency="USD", weight_grams=grams))
        adjust_stock(uow(), sku=sku, location="MAIN", quantity=PLENTY, reason="receipt", actor=BENCH)
    adjust_stock(uow(), sku="OAK-TABLE", location="EAST", quantity=PLENTY, reason="receipt", actor=BENCH)
    setup.create_shipping_zone(uow(), code="US", name="United States", countries=["US"])
    setup.create_shipping_method(uow(), zone="US", code="standard", name="Standard", kind="flat",
                                 rates={"USD": "5.00"})
    setup.set_tax_rate(uow(), country="US", region="CA", rate="7.25", name="CA sales tax")
    key = create_api_key(uow(), name="bench", role="owner").key
    place_order(uow(), order_command(), actor=BENCH)  # checks the set-up, and starts the order number series
    workload = _ids(engine, url, key)
    engine.dispose()
    return workload


def _ids(engine, url: str, key: str) -> Workload:  # type: ignore[no-untyped-def]
    skus = [sku for sku, *_ in SKUS]
    with engine.connect() as conn:
        variants = dict(conn.execute(select(Variant.sku, Variant.id).where(Variant.sku.in_(skus))).all())
        main = conn.execute(select(StockLocation.id).where(StockLocation.code == "MAIN")).scalar_one()
        levels = dict(conn.execute(select(StockLevel.variant_id, StockLevel.id)
                                   .where(StockLevel.location_id == main)).all())
    stored = _stored_uuid if is_sqlite(url) else str
    return Workload(url=url, api_key=key, level_ids=[stored(levels[variants[s]]) for s in skus],
                    variant_ids=[stored(variants[s]) for s in skus], location_id=stored(main))


def _stored_uuid(value: uuid.UUID) -> str:
    return value.hex  # SQLAlchemy's Uuid type keeps 32 hex digits in SQLite
