"""Invoicing fixtures: a store with seller details, two tax rates, and placed orders."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from orderworks.catalog.service import ProductSpec, create_product
from orderworks.core.store import get_store
from orderworks.core.uow import UnitOfWork
from orderworks.inventory.service import adjust_stock
from orderworks.orders import pricing_setup as setup
from orderworks.orders.models import Order
from orderworks.orders.service.placement import place_order
from tests.builders import STAFF, basic_store, order_cmd

SELLER = {"name": "Chairs & Co", "legal_name": "Chairs and Company LLC", "tax_id": "US-EIN 12-3456789",
          "phone": "+1 415 555 0100", "email": "billing@chairs.example",
          "address": {"line1": "1 Market St", "city": "San Francisco", "region": "CA", "postal_code": "94105",
                      "country": "US"}}


def set_seller(new_uow: Callable[[], UnitOfWork], **changes: object) -> None:
    uow = new_uow()
    with uow:
        store = get_store(uow.session)
        for name, value in {**SELLER, **changes}.items():
            setattr(store, name, value)
        uow.commit()


@pytest.fixture
def store(new_uow):  # type: ignore[no-untyped-def]
    """RED-CHAIR 49.00 at CA 7.25% and CUSHION 12.00 at a reduced 5%, $5 shipping, 500 chairs in stock."""
    basic_store(new_uow, stock=500)
    create_product(new_uow(), ProductSpec(sku="CUSHION", name="Blue cushion", price="12.00", currency="USD",
                                          weight_grams=400, tax_class="reduced"))
    adjust_stock(new_uow(), sku="CUSHION", location="MAIN", quantity=500, reason="receipt", actor=STAFF)
    setup.set_tax_rate(new_uow(), country="US", region="CA", tax_class="reduced", rate="5", name="CA reduced")
    set_seller(new_uow)


@pytest.fixture
def place(new_uow, store) -> Callable[..., Order]:  # type: ignore[no-untyped-def]
    def _place(*lines: tuple[str, int], **kw: object) -> Order:
        return place_order(new_uow(), order_cmd(*(lines or (("RED-CHAIR", 2), ("CUSHION", 1))), **kw), actor=STAFF)
    return _place


@pytest.fixture
def order(place) -> Order:  # type: ignore[no-untyped-def]
    return place()


def reprice_everything(new_uow: Callable[[], UnitOfWork], amount: int) -> None:
    from orderworks.catalog.models import Price

    uow = new_uow()
    with uow:
        for price in uow.session.execute(select(Price)).scalars():
            price.amount = amount
        uow.commit()


def outbox_types(new_uow: Callable[[], UnitOfWork]) -> list[str]:
    from orderworks.core.outbox import OutboxEvent

    uow = new_uow()
    with uow:
        return list(uow.session.execute(select(OutboxEvent.type).order_by(OutboxEvent.created_at)).scalars())
