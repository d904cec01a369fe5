"""The payment API: the contract's shapes, idempotency on claimed calls, and the error shapes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from orderworks.payments.gateways.test import TestGateway
from tests.builders import ORDER_JSON, basic_store
from tests.payments import cards

CARD = {"number": "4242 4242 4242 4242", "exp_month": 12, "exp_year": 2034, "cvc": "123"}


@pytest.fixture
def api(app, client, new_uow, tmp_path) -> TestClient:  # type: ignore[no-untyped-def]
    basic_store(new_uow, stock=50)
    app.state.payment_gateway = TestGateway(tmp_path / "gateway.db")
    return client


@pytest.fixture
def order_id(api) -> str:  # type: ignore[no-untyped-def]
    placed = api.post("/api/v1/orders", json=ORDER_JSON, headers={"Idempotency-Key": "order-1"})
    assert placed.status_code == 201, placed.text
    return str(placed.json()["id"])  # 2 x 49.00 + 5.00 shipping + 7.47 tax = 110.47


def pay(api, order_id: str, body: dict, key: str):  # type: ignore[no-untyped-def,type-arg]
    return api.post(f"/api/v1/orders/{order_id}/payments", json=body, headers={"Idempotency-Key": key})


def test_a_card_payment_answers_the_contract_shape(api, order_id) -> None:  # type: ignore[no-untyped-def]
    made = pay(api, order_id, {"method": "card", "card": CARD}, "p1")
    assert made.status_code == 201, made.text
    body = made.json()
    assert {k: body[k] for k in ("status", "amount", "captured", "refunded", "method", "decline_code")} == {
        "status": "authorized", "amount": "110.47", "captured": "0.00", "refunded": "0.00", "method": "card",
        "decline_code": None}
    assert body["card"] == {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2034}
    assert body["message"] == "Approved"
    assert [t["kind"] for t in body["transactions"]] == ["authorize"]
    assert api.get(f"/api/v1/payments/{body['id']}").json() == body
    listed = api.get(f"/api/v1/orders/{order_id}/payments").json()
    assert (listed["balance_due"], [p["id"] for p in listed["payments"]]) == ("110.47", [body["id"]])
    assert api.get(f"/api/v1/orders/{order_id}").json()["payment_status"] == "authorized"


def test_a_decline_is_402_card_declined_and_the_failed_payment_is_recorded(api, order_id) -> None:  # type: ignore[no-untyped-def]
    declined = pay(api, order_id, {"method": "card", "card": {**CARD, "number": cards.INSUFFICIENT_FUNDS}}, "d1")
    assert declined.status_code == 402
    error = declined.json()["error"]
    assert (error["code"], error["field"], error["details"]["decline_code"]) == (
        "card_declined", "card", "insufficient_funds")
    assert "insufficient funds" in error["message"]
    [payment] = api.get(f"/api/v1/orders/{order_id}/payments").json()["payments"]
    assert (payment["status"], payment["decline_code"], payment["id"]) == (
        "failed", "insufficient_funds", error["details"]["payment_id"])
    again = pay(api, order_id, {"method": "card", "card": {**CARD, "number": cards.INSUFFICIENT_FUNDS}}, "d1")
    assert (again.status_code, again.json()["error"]["details"]) == (402, error["details"])  # the same outcome
    assert len(api.get(f"/api/v1/orders/{order_id}/payments").json()["payments"]) == 1
    retry = pay(api, order_id, {"method": "card", "card": CARD, "capture": True}, "d2")
    assert (retry.status_code, retry.json()["status"]) == (201, "captured")
    assert api.get(f"/api/v1/orders/{order_id}").json()["payment_status"] == "paid"


def test_capture_in_parts_refund_and_void_over_http(api, order_id, app) -> None:  # type: ignore[no-untyped-def]
    pid = pay(api, order_id, {"method": "card", "card": CARD}, "p1").json()["id"]
    part = api.post(f"/api/v1/payments/{pid}/capture", json={"amount": "60.00"}, headers={"Idempotency-Key": "c1"})
    assert (part.status_code, part.json()["status"], part.json()["captured"]) == (200, "partially_captured", "60.00")
    rest = api.post(f"/api/v1/payments/{pid}/capture", headers={"Idempotency-Key": "c2"})
    assert (rest.json()["status"], rest.json()["captured"]) == ("captured", "110.47")
    refunded = api.post(f"/api/v1/payments/{pid}/refunds", json={"amount": "10.47", "reason": "late"},
                        headers={"Idempotency-Key": "r1"})
    assert (refunded.status_code, refunded.json()["status"], refunded.json()["refunded"]) == (
        201, "partially_refunded", "10.47")
    listed = api.get(f"/api/v1/orders/{order_id}/payments").json()
    assert listed["balance_due"] == "10.47"
    other = pay(api, order_id, {"method": "cash", "amount": "5.00"}, "cash-1").json()
    assert other["status"] == "captured"
    refused_void = api.post(f"/api/v1/payments/{other['id']}/void", headers={"Idempotency-Key": "v1"})
    assert refused_void.status_code == 409 and refused_void.json()["error"]["code"] == "invalid_transition"


def test_a_replayed_capture_says_so_and_captures_once(api, order_id, app) -> None:  # type: ignore[no-untyped-def]
    pid = pay(api, order_id, {"method": "card", "card": CARD}, "p1").json()["id"]
    first = api.post(f"/api/v1/payments/{pid}/capture", json={"amount": "1.00"}, headers={"Idempotency-Key": "c"})
    again = api.post(f"/api/v1/payments/{pid}/capture", json={"amount": "1.00"}, headers={"Idempotency-Key": "c"})
    assert (first.status_code, again.status_code, again.headers["Idempotent-Replayed"]) == (200, 200, "true")
    assert again.json()["captured"] == "1.00"
    other = api.post(f"/api/v1/payments/{pid}/capture", json={"amount": "2.00"}, headers={"Idempotency-Key": "c"})
    assert (other.status_code, other.json()["error"]["code"]) == (422, "idempotency_key_reused")
    assert len(app.state.payment_gateway.operations("capture")) == 1


def test_twenty_concurrent_capture_requests_with_one_key_capture_once(api, order_id, app) -> None:  # type: ignore[no-untyped-def]
    pid = pay(api, order_id, {"method": "card", "card": CARD}, "p1").json()["id"]

    def attempt(_: int) -> int:
        return int(api.post(f"/api/v1/payments/{pid}/capture", headers={"Idempotency-Key": "same"}).status_code)

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(attempt, range(20)))
    assert set(codes) <= {200, 409} and 200 in codes
    assert [op["amount"] for op in app.state.payment_gateway.operations("capture")] == [11047]
    assert api.get(f"/api/v1/payments/{pid}").json()["captured"] == "110.47"


def test_twenty_concurrent_capture_requests_with_their_own_keys_capture_once(api, order_id, app) -> None:  # type: ignore[no-untyped-def]
    pid = pay(api, order_id, {"method": "card", "card": CARD}, "p1").json()["id"]

    def attempt(i: int) -> tuple[int, str | None]:
        answer = api.post(f"/api/v1/payments/{pid}/capture", headers={"Idempotency-Key": f"click-{i}"})
        return answer.status_code, answer.json().get("error", {}).get("code")

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(attempt, range(20)))
    assert answers.count((200, None)) == 1
    assert set(answers) <= {(200, None), (409, "payment_in_progress"), (409, "invalid_transition")}
    assert [op["amount"] for op in app.state.payment_gateway.operations("capture")] == [11047]


def test_the_store_payment_mode_is_set_over_http(api, order_id) -> None:  # type: ignore[no-untyped-def]
    changed = api.patch("/api/v1/store", json={"payment_mode": "authorize_and_capture",
                                               "declined_stock_hold_minutes": 15}, headers={"Idempotency-Key": "s"})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["payment_mode"], changed.json()["declined_stock_hold_minutes"]) == (
        "authorize_and_capture", 15)
    assert pay(api, order_id, {"method": "card", "card": CARD}, "p1").json()["status"] == "captured"
    refused = api.patch("/api/v1/store", json={"payment_mode": "later"}, headers={"Idempotency-Key": "s2"})
    assert (refused.status_code, refused.json()["error"]["field"]) == (422, "payment_mode")


def test_an_offline_payment_over_http(api, order_id) -> None:  # type: ignore[no-untyped-def]
    made = pay(api, order_id, {"method": "check", "amount": "100.00", "reference": "CHK-1042"}, "o1")
    assert made.status_code == 201
    assert {k: made.json()[k] for k in ("method", "status", "captured", "reference", "card")} == {
        "method": "check", "status": "captured", "captured": "100.00", "reference": "CHK-1042", "card": None}
    assert api.get(f"/api/v1/orders/{order_id}").json()["payment_status"] == "partially_paid"
    assert api.get(f"/api/v1/orders/{order_id}/payments").json()["balance_due"] == "10.47"


@pytest.mark.parametrize(("body", "status", "code", "field"), [
    ({"method": "card"}, 422, "validation_failed", "card"),
    ({"method": "card", "card": {**CARD, "number": "4242424242424241"}}, 422, "validation_failed", "card.number"),
    ({"method": "card", "card": CARD, "amount": "1.234"}, 422, "validation_failed", "amount"),
    ({"method": "card", "card": CARD, "amount": "500.00"}, 422, "amount_too_large", "amount"),
    ({"method": "check", "amount": "1.00"}, 422, "validation_failed", "reference"),
    ({"method": "bitcoin"}, 422, "validation_failed", "method"),
])
def test_bad_payment_requests_get_a_clear_4xx_and_write_nothing(api, order_id, body, status, code,
                                                                 field) -> None:  # type: ignore[no-untyped-def]
    refused = pay(api, order_id, body, "bad")
    assert refused.status_code == status, refused.text
    error = refused.json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert api.get(f"/api/v1/orders/{order_id}/payments").json()["payments"] == []


def test_payment_route_errors_have_the_house_shape(api, order_id, app, new_uow) -> None:  # type: ignore[no-untyped-def]
    no_key = api.post(f"/api/v1/orders/{order_id}/payments", json={"method": "cash"})
    assert (no_key.status_code, no_key.json()["error"]["field"]) == (422, "Idempotency-Key")
    missing = api.post("/api/v1/payments/not-a-uuid/capture", headers={"Idempotency-Key": "x"})
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")
    assert api.get("/api/v1/orders/00000000-0000-0000-0000-000000000000/payments").status_code == 404
    pid = pay(api, order_id, {"method": "card", "card": CARD, "capture": True}, "p").json()["id"]
    too_much = api.post(f"/api/v1/payments/{pid}/refunds", json={"amount": "200.00", "reason": "x"},
                        headers={"Idempotency-Key": "r"})
    assert (too_much.status_code, too_much.json()["error"]["code"]) == (422, "refund_exceeds_captured")
    twice = api.post(f"/api/v1/payments/{pid}/capture", headers={"Idempotency-Key": "c"})
    assert twice.status_code == 409
    assert twice.json()["error"]["details"] == {"from": "captured", "to": "captured", "action": "capture"}
    from orderworks.core.apikeys import create_api_key

    packer = create_api_key(new_uow(), name="packer", role="fulfillment").key
    with TestClient(app, headers={"Authorization": f"Bearer {packer}"}) as weak:
        forbidden = weak.post(f"/api/v1/payments/{pid}/refunds", json={"reason": "x"},
                              headers={"Idempotency-Key": "w"})
    assert (forbidden.status_code, forbidden.json()["error"]["code"]) == (403, "forbidden")
