"""The everyday flow: an order paid in full, its shipment made ready, shipped with a tracking number, and the
order fulfilled and completed."""

from __future__ import annotations

from orderworks.fulfillment.service.shipping import deliver_shipment, ship_shipment
from orderworks.orders.service.placement import place_order
from tests.builders import STAFF, basic_store, order_cmd
from tests.fulfillment.conftest import outbox_types


def test_paid_order_ships_and_completes(new_uow, relay, pay, shipments, reload):
    basic_store(new_uow, stock=10)
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 2)), actor=STAFF)
    relay()
    [pending] = shipments(order)
    assert pending.shipment.status == "pending" and pending.location_code == "MAIN"
    assert [(line.sku, line.quantity) for line in pending.shipment.lines] == [("RED-CHAIR", 2)]

    pay(order)
    [ready] = shipments(order)
    assert ready.shipment.status == "ready"

    ship_shipment(new_uow(), ready.shipment.id, carrier="ups", tracking_numbers=["1Z999AA10123456784"], actor=STAFF)
    [shipped] = shipments(order)
    assert shipped.shipment.status == "shipped"
    assert shipped.shipment.tracking_numbers == ["1Z999AA10123456784"]
    after = reload(order)
    assert after.fulfillment_status == "fulfilled"
    assert after.status == "completed"
    types = outbox_types(new_uow, order)
    assert {"ShipmentReady", "ShipmentShipped", "OrderFulfilled", "OrderCompleted"} <= set(types)

    deliver_shipment(new_uow(), shipped.shipment.id, actor=STAFF)
    assert reload(order).fulfillment_status == "delivered"
    assert "ShipmentDelivered" in outbox_types(new_uow, order)
