"""Warehouse work over the API, with the real carrier and renderers: a pick list for a batch, packing, a label
bought from the built-in carrier (claimed once: a retry gets the same label), ship with the label's tracking number,
the carrier's webhook delivering it, and the day's manifest; every PDF read back and its barcode decoded."""

from __future__ import annotations

import json

from sqlalchemy import update

from orderworks.core.store import Store
from orderworks.inventory.models import StockLevel
from orderworks.orders.service.placement import place_order
from orderworks.payments.service.offline import record_offline_payment
from tests.builders import STAFF, basic_store, order_cmd
from tests.fulfillment.conftest import barcodes, pdf_text


def _key(n: object) -> dict[str, str]:
    return {"Idempotency-Key": f"wh-{n}"}


def _ready_orders(new_uow, relay, count: int):
    basic_store(new_uow, stock=20)
    uow = new_uow()
    with uow:
        uow.session.execute(update(StockLevel).values(bin="A-03-2"))
        uow.session.execute(update(Store).values(address={"name": "Chairs and Co", "line1": "1 Market St",
                                                          "city": "San Francisco", "region": "CA",
                                                          "postal_code": "94105", "country": "US"}))
        uow.commit()
    orders = [place_order(new_uow(), order_cmd(("RED-CHAIR", 2)), actor=STAFF) for _ in range(count)]
    relay()
    for order in orders:
        record_offline_payment(new_uow(), order.id, method="cash", actor=STAFF)
    relay()
    return orders


def test_pick_pack_label_ship_deliver_manifest(client, new_uow, relay):
    orders = _ready_orders(new_uow, relay, 2)
    ids = [client.get(f"/api/v1/orders/{o.id}").json()["shipments"][0]["id"] for o in orders]

    pick_list = client.post("/api/v1/pick-lists", headers=_key("pl"), json={"order_ids": [str(o.id) for o in orders]})
    assert pick_list.status_code == 201, pick_list.text
    assert sorted(pick_list.json()["shipment_ids"]) == sorted(ids)
    pdf = client.get(f"/api/v1/pick-lists/{pick_list.json()['id']}.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "RED-CHAIR" in text and "A-03-2" in text and orders[0].number in text
    assert ("CODE128", pick_list.json()["ref"]) in [(f.upper().replace("_", ""), t) for f, t in barcodes(pdf.content)]

    sid = ids[0]
    assert client.post(f"/api/v1/shipments/{sid}/pick", headers=_key("pick")).json()["status"] == "picked"
    packed = client.post(f"/api/v1/shipments/{sid}/pack", headers=_key("pack"),
                         json={"packages": [{"weight_grams": 10200, "length_mm": 600, "width_mm": 400,
                                             "height_mm": 400}]})
    assert packed.json()["status"] == "packed" and packed.json()["packages"][0]["weight_grams"] == 10200

    labelled = client.post(f"/api/v1/shipments/{sid}/label?carrier=builtin", headers=_key("label"))
    assert labelled.status_code == 200, labelled.text
    package = labelled.json()["packages"][0]
    assert package["label_status"] == "purchased" and package["tracking_number"]
    again = client.post(f"/api/v1/shipments/{sid}/label?carrier=builtin", headers=_key("label-2"))
    assert again.json()["packages"] == labelled.json()["packages"]  # claimed once: no second label
    label = client.get(f"/api/v1/shipments/{sid}/label.pdf")
    assert label.status_code == 200
    assert package["tracking_number"] in [t for _, t in barcodes(label.content)]

    slip = client.get(f"/api/v1/shipments/{sid}/packing-slip.pdf")
    assert slip.status_code == 200
    assert orders[0].number in pdf_text(slip.content) and "RED-CHAIR" in pdf_text(slip.content)

    number = package["tracking_number"]
    shipped = client.post(f"/api/v1/shipments/{sid}/ship", headers=_key("ship"),
                          json={"carrier": "builtin", "tracking_numbers": [number]})
    assert shipped.status_code == 200, shipped.text
    assert shipped.json()["tracking_url"] and number in shipped.json()["tracking_url"]
    # the built-in carrier's tracking link is our own public parcel page: its progress, nothing personal
    parcel_path = "/" + shipped.json()["tracking_url"].split("/", 3)[3]
    assert parcel_path == f"/parcels/{number}"
    parcel = client.get(parcel_path)
    assert parcel.status_code == 200 and "Label created, waiting for the carrier" in parcel.text
    assert "Ada" not in parcel.text and "Amphitheatre" not in parcel.text
    assert client.get("/parcels/OW0000000000000000").status_code == 404

    hook = {"tracking_number": number, "status": "delivered", "occurred_at": "2030-01-02T10:00:00+00:00"}
    answer = client.post("/api/v1/carriers/builtin/webhook", content=json.dumps(hook).encode(),
                         headers={"Authorization": ""})
    assert answer.status_code == 200, answer.text
    assert answer.json()["applied"] == 1
    assert client.get(f"/api/v1/shipments/{sid}").json()["status"] == "delivered"
    assert "Delivered" in client.get(parcel_path).text
    broken = client.post("/api/v1/carriers/builtin/webhook", content=b"not json")
    assert broken.status_code == 400

    manifest = client.post("/api/v1/manifests", headers=_key("mf"), json={"carrier": "builtin", "location": "MAIN"})
    assert manifest.status_code == 201, manifest.text
    assert manifest.json()["tracking_numbers"] == [number]
    again = client.post("/api/v1/manifests", headers=_key("mf-2"), json={"carrier": "builtin", "location": "MAIN"})
    assert again.status_code == 409  # everything shipped is on a manifest already
    pdf = client.get(f"/api/v1/manifests/{manifest.json()['id']}.pdf")
    assert pdf.status_code == 200 and number in pdf_text(pdf.content)
    assert manifest.json()["number"] in [t for _, t in barcodes(pdf.content)]
