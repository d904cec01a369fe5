"""The order API: auth, idempotency, the error shape."""

from __future__ import annotations

import copy

import pytest

from tests.builders import ORDER_JSON, basic_store


@pytest.fixture
def store(new_uow):  # type: ignore[no-untyped-def]
    basic_store(new_uow)


def test_place_and_fetch_an_order(store, client) -> None:  # type: ignore[no-untyped-def]
    placed = client.post("/api/v1/orders", json=ORDER_JSON, headers={"Idempotency-Key": "k1"})
    assert placed.status_code == 201, placed.text
    body = placed.json()
    assert body["number"] == "1001"
    assert body["totals"] == {"items": "98.00", "discount": "0.00", "shipping": "5.00", "tax": "7.47",
                              "total": "110.47"}
    assert body["customer"]["phone"] == "+16502530000"
    assert body["history"][0]["action"] == "placed"
    fetched = client.get(f"/api/v1/orders/{body['id']}")
    assert fetched.json() == body
    assert client.get("/api/v1/stock/RED-CHAIR").json()["available"] == 8


def test_the_same_idempotency_key_twice_creates_one_order_and_returns_the_same_body(store, client) -> None:  # type: ignore[no-untyped-def]
    first = client.post("/api/v1/orders", json=ORDER_JSON, headers={"Idempotency-Key": "same"})
    again = client.post("/api/v1/orders", json=ORDER_JSON, headers={"Idempotency-Key": "same"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(client.get("/api/v1/orders").json()["items"]) == 1
    assert client.get("/api/v1/stock/RED-CHAIR").json()["reserved"] == 2


def test_the_same_key_with_another_body_is_refused(store, client) -> None:  # type: ignore[no-untyped-def]
    client.post("/api/v1/orders", json=ORDER_JSON, headers={"Idempotency-Key": "k"})
    other = copy.deepcopy(ORDER_JSON)
    other["lines"][0]["quantity"] = 3
    refused = client.post("/api/v1/orders", json=other, headers={"Idempotency-Key": "k"})
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "idempotency_key_reused"
    assert len(client.get("/api/v1/orders").json()["items"]) == 1


def test_a_mutating_call_without_an_idempotency_key_is_refused(store, client) -> None:  # type: ignore[no-untyped-def]
    refused = client.post("/api/v1/orders", json=ORDER_JSON)
    assert refused.status_code == 422
    assert refused.json()["error"] == {"code": "validation_failed", "field": "Idempotency-Key",
                                       "message": refused.json()["error"]["message"]}


def test_no_key_is_401_and_a_weak_role_is_403(store, app, new_uow) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from orderworks.core.apikeys import create_api_key

    anonymous = TestClient(app)
    assert anonymous.get("/api/v1/orders").json()["error"]["code"] == "unauthorized"
    assert anonymous.get("/api/v1/orders").status_code == 401
    key = create_api_key(new_uow(), name="packer", role="fulfillment").key
    packer = TestClient(app, headers={"Authorization": f"Bearer {key}"})
    refused = packer.post("/api/v1/orders", json=ORDER_JSON, headers={"Idempotency-Key": "x"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    assert anonymous.get("/health").status_code == 200
