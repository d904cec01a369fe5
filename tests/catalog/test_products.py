"""Listing and changing products: each change recorded in the outbox for the storefronts that follow it."""

from __future__ import annotations

from sqlalchemy import select

from orderworks.catalog.service import ProductSpec, create_product, create_vendor, get_product, update_product
from orderworks.core.outbox import OutboxEvent


def test_creating_and_updating_a_product_emits_events_and_keeps_prices(new_uow) -> None:  # type: ignore[no-untyped-def]
    create_vendor(new_uow(), code="ACME", name="Acme")
    create_product(new_uow(), ProductSpec(sku="LAMP", name="Lamp", price="24.50", currency="USD", vendor="ACME",
                                          extra_prices={"EUR": "22.00"}))
    update_product(new_uow(), "LAMP", {"price": "26.00", "currency": "USD", "backorderable": True})

    product = get_product(new_uow(), "LAMP")
    assert product.backorderable is True
    assert product.default_vendor is not None and product.default_vendor.code == "ACME"
    assert sorted((p.currency, p.amount) for p in product.variants[0].prices) == [("EUR", 2200), ("USD", 2600)]
    uow = new_uow()
    with uow:
        events = list(uow.session.execute(select(OutboxEvent.type, OutboxEvent.payload)
                                          .order_by(OutboxEvent.created_at)))
    assert [e[0] for e in events] == ["VendorSaved", "ProductCreated", "ProductUpdated"]
    assert events[2][1]["changes"] == ["backorderable", "currency", "price"]
