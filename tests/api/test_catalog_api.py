"""The catalog over HTTP: what POST /products answers is what is stored."""

from __future__ import annotations

from orderworks.catalog.service import create_vendor


def test_the_product_a_create_answers_is_the_product_stored(client, new_uow) -> None:  # type: ignore[no-untyped-def]
    create_vendor(new_uow(), code="ACME", name="Acme")
    created = client.post("/api/v1/products", headers={"Idempotency-Key": "p-1"}, json={
        "sku": "LAMP", "name": "Lamp", "price": "24.50", "currency": "USD", "weight_grams": 1100, "vendor": "ACME",
        "prices": {"EUR": "22.00"}})
    assert created.status_code == 201, created.text
    assert created.json()["vendor"] == "ACME"
    assert created.json()["variants"][0]["prices"] == [{"currency": "EUR", "amount": "22.00"},
                                                       {"currency": "USD", "amount": "24.50"}]
    assert client.get("/api/v1/products/LAMP").json() == created.json()
