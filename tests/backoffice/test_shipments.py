"""The order page's shipments panel: Ready after payment, Ship with a tracking number, a label from the built-in
carrier, Mark delivered, the packing slip; and the role check."""

from __future__ import annotations

import subprocess

from sqlalchemy import select

from orderworks.fulfillment.models import Shipment
from orderworks.orders.models import Order
from orderworks.payments.service.offline import record_offline_payment
from tests.builders import STAFF

HX = {"hx-request": "true"}


def _paid_order(placed, new_uow, relay):  # type: ignore[no-untyped-def]
    order = placed()
    relay()  # allocation
    record_offline_payment(new_uow(), order.id, method="cash", actor=STAFF)
    relay()  # the shipment becomes ready
    return order


def _shipment(factory, order) -> Shipment:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.execute(select(Shipment).where(Shipment.order_id == order.id)).scalar_one()


def test_an_unpaid_order_shows_its_shipment_waiting(staff_client, placed, relay):
    order = placed()
    relay()
    page = staff_client("fulfillment").get(f"/admin/orders/{order.id}").text
    assert f'data-shipment="{order.number}-1"' in page or "Waiting" in page
    assert ">Ship</summary>" not in page


def test_ship_with_a_tracking_number(staff_client, placed, new_uow, relay, factory):
    order = _paid_order(placed, new_uow, relay)
    client = staff_client("fulfillment")
    page = client.get(f"/admin/orders/{order.id}").text
    assert ">Ready<" in page and ">Ship</summary>" in page
    shipment = _shipment(factory, order)
    shipped = client.post(f"/admin/orders/{order.id}/shipments/{shipment.id}/ship",
                          data={"carrier": "ups", "tracking_number": "1Z999AA10123456784"}, headers=HX)
    assert shipped.status_code == 200, shipped.text
    text = shipped.text
    assert "1Z999AA10123456784" in text and 'id="fulfillment-status">Shipped<' in text
    assert 'data-action="shipment_shipped"' in text
    delivered = client.post(f"/admin/orders/{order.id}/shipments/{shipment.id}/deliver", headers=HX)
    assert 'id="fulfillment-status">Delivered<' in delivered.text
    with factory() as session:
        assert session.get(Order, order.id).fulfillment_status == "delivered"


def test_buy_a_label_then_ship_with_its_tracking_number(staff_client, placed, new_uow, relay, factory):
    order = _paid_order(placed, new_uow, relay)
    client = staff_client("owner")
    shipment = _shipment(factory, order)
    bought = client.post(f"/admin/orders/{order.id}/shipments/{shipment.id}/label", headers=HX)
    assert bought.status_code == 200 and "Label bought" in bought.text
    label = client.get(f"/admin/shipments/{shipment.id}/label.pdf")
    assert label.status_code == 200 and label.content.startswith(b"%PDF-")
    slip = client.get(f"/admin/shipments/{shipment.id}/packing-slip.pdf")
    text = subprocess.run(["pdftotext", "-", "-"], input=slip.content, capture_output=True, check=True).stdout
    assert order.number.encode() in text and b"RED-CHAIR" in text


def test_a_role_without_fulfilment_may_not_ship(staff_client, placed, new_uow, relay, factory):
    order = _paid_order(placed, new_uow, relay)
    client = staff_client("finance")
    assert ">Ship</summary>" not in client.get(f"/admin/orders/{order.id}").text
    shipment = _shipment(factory, order)
    refused = client.post(f"/admin/orders/{order.id}/shipments/{shipment.id}/ship",
                          data={"carrier": "ups", "tracking_number": "1Z1"}, headers=HX)
    assert refused.status_code == 403
    assert _shipment(factory, order).status == "ready"
