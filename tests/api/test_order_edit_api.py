"""PATCH /api/v1/orders/{id} and POST /api/v1/orders/{id}/reorder: the edit and reorder contract over HTTP."""

from __future__ import annotations

import itertools

import pytest

from tests.builders import ORDER_JSON, two_location_store

_keys = itertools.count()


@pytest.fixture
def store(new_uow):  # type: ignore[no-untyped-def]
    two_location_store(new_uow)


def send(client, method: str, path: str, body: object = None, key: str | None = None):  # type: ignore[no-untyped-def]
    return client.request(method, path, json=body, headers={"Idempotency-Key": key or f"key-{next(_keys)}"})


@pytest.fixture
def order(store, client) -> dict:  # type: ignore[no-untyped-def, type-arg]
    placed = send(client, "POST", "/api/v1/orders", ORDER_JSON)
    assert placed.status_code == 201, placed.text
    return placed.json()  # type: ignore[no-any-return]


def test_an_edit_answers_the_repriced_order_with_its_history(order, client) -> None:  # type: ignore[no-untyped-def]
    edited = send(client, "PATCH", f"/api/v1/orders/{order['id']}", {
        "version": order["version"], "lines": [{"sku": "RED-CHAIR", "quantity": 3}, {"sku": "BLUE-LAMP", "quantity": 1}],
        "shipping_method": "express", "customer": {"name": "Ada King"}})

    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert [(line["sku"], line["quantity"]) for line in body["lines"]] == [("RED-CHAIR", 3), ("BLUE-LAMP", 1)]
    assert body["lines"][0]["id"] == order["lines"][0]["id"]
    assert body["totals"]["items"] == "167.00"
    assert body["totals"]["shipping"] == "15.00"
    assert body["customer"]["name"] == "Ada King"
    assert body["version"] == order["version"] + 1
    assert body["history"][-1]["action"] == "edited"
    assert body["history"][-1]["data"]["shipping_method"] == {"before": "standard", "after": "express"}
    assert client.get("/api/v1/stock/RED-CHAIR").json()["reserved"] == 3
    assert client.get(f"/api/v1/orders/{order['id']}").json() == body


def test_an_omitted_discount_code_stays_and_a_null_one_is_removed(order, client) -> None:  # type: ignore[no-untyped-def]
    path = f"/api/v1/orders/{order['id']}"
    body = send(client, "PATCH", path, {"version": order["version"], "discount_code": "SAVE10"}).json()
    assert (body["discount_code"], body["totals"]["discount"]) == ("SAVE10", "9.80")
    body = send(client, "PATCH", path, {"version": body["version"], "notes": "gift wrap"}).json()
    assert (body["discount_code"], body["notes"]) == ("SAVE10", "gift wrap")
    body = send(client, "PATCH", path, {"version": body["version"], "discount_code": None}).json()
    assert (body["discount_code"], body["totals"]["discount"]) == (None, "0.00")


def test_a_retried_edit_is_replayed_and_the_same_key_for_another_edit_is_refused(order, client) -> None:  # type: ignore[no-untyped-def]
    path = f"/api/v1/orders/{order['id']}"
    edit = {"version": order["version"], "lines": [{"sku": "RED-CHAIR", "quantity": 4}]}
    first = send(client, "PATCH", path, edit, key="edit-1")
    again = send(client, "PATCH", path, edit, key="edit-1")
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert client.get("/api/v1/stock/RED-CHAIR").json()["reserved"] == 4
    # null and omitted are different edits, so the fingerprint tells them apart
    send(client, "PATCH", path, {"version": first.json()["version"]}, key="edit-2")
    refused = send(client, "PATCH", path, {"version": first.json()["version"], "discount_code": None}, key="edit-2")
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "idempotency_key_reused")


@pytest.mark.parametrize(("edit", "status", "code", "field"), [
    ({"lines": [{"sku": "RED-CHAIR", "quantity": 1}]}, 422, "validation_failed", "version"),
    ({"version": 99, "lines": [{"sku": "RED-CHAIR", "quantity": 1}]}, 409, "stale_version", "version"),
    ({"lines": [{"sku": "RED-CHAIR", "quantity": 16}]}, 409, "insufficient_stock", "lines[0].quantity"),
    ({"lines": [{"sku": "RED-CHAIR", "quantity": 1}, {"sku": "NOPE", "quantity": 1}]}, 422, "unknown_sku",
     "lines[1].sku"),
    ({"lines": [{"sku": "RED-CHAIR", "quantity": 1, "unit_price": "40.00"}]}, 409, "price_changed",
     "lines[0].unit_price"),
    ({"shipping_address": {"name": "Ada", "line1": "1 Main St", "city": "Mountain View", "region": "CA",
                           "postal_code": "ABCDE", "country": "US"}}, 422, "invalid_address",
     "shipping_address.postal_code"),
    ({"shipping_address": None}, 422, "validation_failed", "shipping_address"),
    ({"lines": []}, 422, "validation_failed", "lines"),
    ({"customer": {"phone": "12"}}, 422, "invalid_phone", "customer.phone"),
])
def test_a_bad_edit_gets_a_clear_4xx_and_changes_nothing(order, client, edit, status, code, field) -> None:  # type: ignore[no-untyped-def]
    body = edit if field == "version" else {"version": order["version"], **edit}
    refused = send(client, "PATCH", f"/api/v1/orders/{order['id']}", body)
    assert refused.status_code == status, refused.text
    assert (refused.json()["error"]["code"], refused.json()["error"]["field"]) == (code, field)
    assert client.get(f"/api/v1/orders/{order['id']}").json() == order
    assert client.get("/api/v1/stock/RED-CHAIR").json()["reserved"] == 2


def test_a_canceled_order_cannot_be_edited(order, client) -> None:  # type: ignore[no-untyped-def]
    canceled = send(client, "POST", f"/api/v1/orders/{order['id']}/cancel", {"reason": "customer asked"}).json()
    refused = send(client, "PATCH", f"/api/v1/orders/{order['id']}",
                   {"version": canceled["version"], "lines": [{"sku": "RED-CHAIR", "quantity": 1}]})
    assert refused.status_code == 409
    assert (refused.json()["error"]["code"], refused.json()["error"]["field"]) == ("order_not_editable", "status")


def test_a_reorder_answers_201_with_the_draft(order, client) -> None:  # type: ignore[no-untyped-def]
    drafted = send(client, "POST", f"/api/v1/orders/{order['id']}/reorder")
    assert drafted.status_code == 201, drafted.text
    draft = drafted.json()
    assert (draft["status"], draft["source_order_id"]) == ("draft", order["id"])
    assert [(line["sku"], line["quantity"]) for line in draft["lines"]] == [("RED-CHAIR", 2)]
    assert [h["action"] for h in draft["history"]] == ["draft_created", "reordered_from"]
    assert client.get("/api/v1/stock/RED-CHAIR").json()["reserved"] == 2
    placed = send(client, "POST", f"/api/v1/orders/{draft['id']}/place")
    assert placed.json()["status"] == "pending"
    assert client.get("/api/v1/stock/RED-CHAIR").json()["reserved"] == 4


def test_reordering_an_unknown_order_is_404(store, client) -> None:  # type: ignore[no-untyped-def]
    missing = send(client, "POST", "/api/v1/orders/00000000-0000-0000-0000-000000000000/reorder")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")
