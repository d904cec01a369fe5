"""The fulfilment API: the everyday flow over HTTP (the order answers its shipments), refusals with their codes,
and a CSV of 500 orders shipped on PostgreSQL with each row reported and a re-run changing nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from orderworks.core.outbox import OutboxEvent
from orderworks.fulfillment.models import Shipment
from orderworks.orders.service.placement import place_order
from orderworks.payments.service.offline import record_offline_payment
from tests.builders import ORDER_JSON, STAFF, basic_store, order_cmd


def _key(n: object) -> dict[str, str]:
    return {"Idempotency-Key": f"key-{n}"}


def test_everyday_flow_over_http(client, new_uow, relay):
    basic_store(new_uow, stock=10)
    placed = client.post("/api/v1/orders", json=ORDER_JSON, headers=_key("place"))
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["id"]
    relay()
    [shipment] = client.get(f"/api/v1/orders/{order_id}").json()["shipments"]
    assert shipment["status"] == "pending" and shipment["location"] == "MAIN"

    refused = client.post(f"/api/v1/shipments/{shipment['id']}/ship", headers=_key("early"),
                          json={"carrier": "ups", "tracking_numbers": ["1Z999AA10123456784"]})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "order_may_not_ship"

    record_offline_payment(new_uow(), order_id, method="cash", actor=STAFF)
    relay()
    assert client.get(f"/api/v1/shipments/{shipment['id']}").json()["status"] == "ready"
    body = {"carrier": "ups", "tracking_numbers": ["1Z999AA10123456784"]}
    shipped = client.post(f"/api/v1/shipments/{shipment['id']}/ship", headers=_key("ship"), json=body)
    assert shipped.status_code == 200, shipped.text
    again = client.post(f"/api/v1/shipments/{shipment['id']}/ship", headers=_key("ship"), json=body)
    assert again.headers.get("Idempotent-Replayed") == "true" and again.json() == shipped.json()
    assert shipped.json()["tracking_url"] == "https://www.ups.com/track?tracknum=1Z999AA10123456784"

    order = client.get(f"/api/v1/orders/{order_id}").json()
    assert (order["status"], order["fulfillment_status"], order["payment_status"]) == ("completed", "fulfilled",
                                                                                      "paid")
    view = order["shipments"][0]
    assert view["tracking_numbers"] == ["1Z999AA10123456784"] and view["carrier"] == "ups"
    assert view["lines"][0]["sku"] == "RED-CHAIR" and view["lines"][0]["quantity"] == 2

    delivered = client.post(f"/api/v1/shipments/{shipment['id']}/tracking", headers=_key("trk"),
                            json={"status": "delivered"})
    assert delivered.json()["status"] == "delivered"
    assert client.get(f"/api/v1/orders/{order_id}").json()["fulfillment_status"] == "delivered"


def test_refusals_have_codes(client, new_uow):
    basic_store(new_uow, stock=1)
    missing = client.post("/api/v1/shipments/00000000-0000-7000-8000-000000000000/ship", headers=_key(1),
                          json={"carrier": "ups", "tracking_numbers": []})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    bad = client.post("/api/v1/shipments/not-a-uuid/ship", headers=_key(2), json={"carrier": "ups"})
    assert bad.status_code == 404
    empty = client.post("/api/v1/shipments/ship-csv", headers=_key(3),
                        files={"file": ("ship.csv", b"order,carrier\n1,ups\n", "text/csv")})
    assert empty.status_code == 422 and empty.json()["error"]["field"] == "file"
    manifest = client.post("/api/v1/manifests", headers=_key(4), json={"carrier": "ups", "location": "MAIN"})
    assert manifest.status_code == 409 and manifest.json()["error"]["code"] == "nothing_to_ship"
    hook = client.post("/api/v1/carriers/nobody/webhook", content=b"{}")
    assert hook.status_code == 404


def _csv(numbers: list[str], *, start: int = 0) -> bytes:
    rows = ["order_number,carrier,tracking_number"]
    rows += [f"{n},ups,1ZCSV{i + start:08d}" for i, n in enumerate(numbers)]
    return ("\n".join(rows) + "\n").encode()


def test_500_orders_shipped_from_a_csv_on_postgresql(engine, client, new_uow, relay):
    if engine.dialect.name != "postgresql":
        pytest.skip("the 500-order CSV runs on PostgreSQL (the production database)")
    basic_store(new_uow, stock=600)
    orders = [place_order(new_uow(), order_cmd(("RED-CHAIR", 1)), actor=STAFF) for _ in range(500)]
    relay()
    for order in orders:
        record_offline_payment(new_uow(), order.id, method="cash", actor=STAFF)
    relay()
    data = _csv([o.number for o in orders] + ["NO-SUCH-ORDER"])

    first = client.post("/api/v1/shipments/ship-csv", headers=_key("csv-1"),
                        files={"file": ("ship.csv", data, "text/csv")})
    assert first.status_code == 200, first.text
    report = first.json()
    assert (report["shipped"], report["unchanged"], report["failed"]) == (500, 0, 1)
    assert len(report["results"]) == 501 and [r["row"] for r in report["results"]] == list(range(1, 502))
    assert report["results"][-1]["error"]["code"] == "not_found"

    uow = new_uow()
    with uow:
        shipped = uow.session.execute(select(func.count()).select_from(Shipment)
                                      .where(Shipment.status == "shipped")).scalar()
        events = uow.session.execute(select(func.count()).select_from(OutboxEvent)
                                     .where(OutboxEvent.type == "ShipmentShipped")).scalar()
    assert shipped == 500 and events == 500

    rerun = client.post("/api/v1/shipments/ship-csv", headers=_key("csv-2"),
                        files={"file": ("ship.csv", data, "text/csv")}).json()
    assert (rerun["shipped"], rerun["unchanged"], rerun["failed"]) == (0, 500, 1)
    uow = new_uow()
    with uow:
        assert uow.session.execute(select(func.count()).select_from(OutboxEvent)
                                   .where(OutboxEvent.type == "ShipmentShipped")).scalar() == 500


def test_fulfillment_settings(client):
    got = client.get("/api/v1/store/fulfillment").json()
    assert got == {"allocation_strategy": "fewest_shipments", "ship_unpaid_methods": []}
    changed = client.patch("/api/v1/store/fulfillment", headers=_key("set"),
                           json={"allocation_strategy": "nearest", "ship_unpaid_methods": ["cod", "net_terms"]})
    assert changed.json() == {"allocation_strategy": "nearest", "ship_unpaid_methods": ["cod", "net_terms"]}
    bad = client.patch("/api/v1/store/fulfillment", headers=_key("bad"), json={"allocation_strategy": "random"})
    assert bad.status_code == 422
