"""Every 4xx of placement: the status, the stable code, the field at fault, and nothing written (no order, no
stock reserved, no outbox row)."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from orderworks.core.outbox import OutboxEvent
from orderworks.inventory.service import adjust_stock, create_location
from orderworks.orders.models import Order
from tests.builders import ORDER_JSON, STAFF, basic_store

PARIS = {"name": "Marie Curie", "line1": "1 Rue de Rivoli", "city": "Paris", "postal_code": "75001", "country": "FR"}


@pytest.fixture
def store(new_uow):  # type: ignore[no-untyped-def]
    """RED-CHAIR: 10 units at MAIN and 5 more at a second location, STORE."""
    basic_store(new_uow)
    create_location(new_uow(), code="STORE", name="Shop floor", country="US", kind="store", priority=20)
    adjust_stock(new_uow(), sku="RED-CHAIR", location="STORE", quantity=5, reason="receipt", actor=STAFF)


def written(client, new_uow) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """(orders, units reserved, outbox rows): what a refused placement must leave as it was."""
    uow = new_uow()
    with uow:
        orders = uow.session.execute(select(func.count()).select_from(Order)).scalar_one()
        outbox = uow.session.execute(select(func.count()).select_from(OutboxEvent)).scalar_one()
    return orders, client.get("/api/v1/stock/RED-CHAIR").json()["reserved"], outbox


def place(client, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/orders", json=body, headers={"Idempotency-Key": uuid.uuid4().hex})


def _no_city(o: dict[str, Any]) -> None:
    del o["shipping_address"]["city"]


def _no_shipping_address(o: dict[str, Any]) -> None:
    o["billing_address"] = o.pop("shipping_address")


def _no_address_at_all(o: dict[str, Any]) -> None:
    del o["shipping_address"]


def _no_shipping_method(o: dict[str, Any]) -> None:
    del o["shipping_method"]


REFUSALS: list[tuple[str, Callable[[dict[str, Any]], None], int, str, str]] = [
    ("unknown SKU", lambda o: o["lines"][0].update(sku="NOPE"), 422, "unknown_sku", "lines[0].sku"),
    ("second line unknown", lambda o: o["lines"].append({"sku": "NOPE", "quantity": 1}), 422, "unknown_sku",
     "lines[1].sku"),
    ("more than both locations hold", lambda o: o["lines"][0].update(quantity=16), 409, "insufficient_stock",
     "lines[0].quantity"),
    ("price the customer saw differs", lambda o: o["lines"][0].update(unit_price="45.00"), 409, "price_changed",
     "lines[0].unit_price"),
    ("price with too many decimals", lambda o: o["lines"][0].update(unit_price="49.001"), 422, "validation_failed",
     "lines[0].unit_price"),
    ("no city for a US address", _no_city, 422, "invalid_address", "shipping_address.city"),
    ("US postal code format", lambda o: o["shipping_address"].update(postal_code="ABCDE"), 422, "invalid_address",
     "shipping_address.postal_code"),
    ("unknown US state", lambda o: o["shipping_address"].update(region="ZZ"), 422, "invalid_address",
     "shipping_address.region"),
    ("unknown country", lambda o: o["shipping_address"].update(country="XX"), 422, "invalid_address",
     "shipping_address.country"),
    ("bad email", lambda o: o["customer"].update(email="not-an-email"), 422, "invalid_email", "customer.email"),
    ("bad phone", lambda o: o["customer"].update(phone="12"), 422, "invalid_phone", "customer.phone"),
    ("currency not sold", lambda o: o.update(currency="GBP"), 422, "currency_not_sold", "currency"),
    ("no shipping address for items that ship", _no_shipping_address, 422, "shipping_address_required",
     "shipping_address"),
    ("no address at all", _no_address_at_all, 422, "shipping_address_required", "shipping_address"),
    ("no shipping method", _no_shipping_method, 422, "shipping_method_unavailable", "shipping_method"),
    ("unknown shipping method", lambda o: o.update(shipping_method="teleport"), 422, "shipping_method_unavailable",
     "shipping_method"),
    ("method does not ship to the country", lambda o: o.update(shipping_address=dict(PARIS)), 422,
     "shipping_method_unavailable", "shipping_method"),
    ("unknown discount code", lambda o: o.update(discount_code="NOSUCH"), 422, "discount_code_invalid",
     "discount_code"),
    ("quantity zero", lambda o: o["lines"][0].update(quantity=0), 422, "validation_failed", "lines[0].quantity"),
    ("no lines", lambda o: o.update(lines=[]), 422, "validation_failed", "lines"),
    ("unknown channel", lambda o: o.update(channel="carrier-pigeon"), 422, "validation_failed", "channel"),
]


@pytest.mark.parametrize(("mutate", "status", "code", "field"), [r[1:] for r in REFUSALS],
                         ids=[r[0] for r in REFUSALS])
def test_a_refused_placement_names_the_field_and_writes_nothing(store, client, new_uow, mutate, status, code,  # type: ignore[no-untyped-def]
                                                                field) -> None:
    body = copy.deepcopy(ORDER_JSON)
    mutate(body)
    before = written(client, new_uow)
    refused = place(client, body)
    assert refused.status_code == status, refused.text
    assert (refused.json()["error"]["code"], refused.json()["error"]["field"]) == (code, field)
    assert written(client, new_uow) == before


def test_an_inactive_sku_is_refused_and_nothing_is_written(store, client, new_uow) -> None:  # type: ignore[no-untyped-def]
    deactivated = client.patch("/api/v1/products/RED-CHAIR", json={"active": False},
                               headers={"Idempotency-Key": "deactivate"})
    assert deactivated.status_code == 200, deactivated.text
    before = written(client, new_uow)
    refused = place(client, ORDER_JSON)
    assert refused.status_code == 422
    assert (refused.json()["error"]["code"], refused.json()["error"]["field"]) == ("sku_inactive", "lines[0].sku")
    assert written(client, new_uow) == before


def test_stock_is_summed_across_locations(store, client) -> None:  # type: ignore[no-untyped-def]
    body = copy.deepcopy(ORDER_JSON)
    body["lines"][0].update(quantity=15)
    placed = place(client, body)
    assert placed.status_code == 201, placed.text
    stock = client.get("/api/v1/stock/RED-CHAIR").json()
    assert {loc["location"]: loc["reserved"] for loc in stock["locations"]} == {"MAIN": 10, "STORE": 5}
    assert stock["available"] == 0


def test_an_order_too_large_for_the_money_columns_is_refused(store, client, new_uow) -> None:  # type: ignore[no-untyped-def]
    """Regression (fuzz, PostgreSQL): 20,000,000.00 x 200 overflowed INTEGER and answered 500."""
    client.post("/api/v1/products", json={"sku": "YACHT", "name": "Yacht", "price": "20000000.00", "currency": "USD",
                                          "backorderable": True}, headers={"Idempotency-Key": "yacht"})
    before = written(client, new_uow)
    body = copy.deepcopy(ORDER_JSON)
    body["lines"] = [{"sku": "YACHT", "quantity": 200}]
    refused = place(client, body)
    assert refused.status_code == 422, refused.text
    assert (refused.json()["error"]["code"], refused.json()["error"]["field"]) == ("order_too_large",
                                                                                 "lines[0].quantity")
    assert written(client, new_uow) == before
