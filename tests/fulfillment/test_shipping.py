"""Shipping: only an order that may ship ships; partial shipments; unpaid terms; hold; tracking; digital goods;
refusals leave nothing half-written; two ships of one shipment ship once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from orderworks.catalog.service import ProductSpec, create_product
from orderworks.core.errors import DomainError, InvalidTransition, ValidationFailed
from orderworks.core.outbox import OutboxEvent
from orderworks.fulfillment.models import DigitalDelivery
from orderworks.fulfillment.service.errors import AlreadyShipped, OrderMayNotShip
from orderworks.fulfillment.service.readiness import set_shipping_terms
from orderworks.fulfillment.service.settings import update_fulfillment_settings
from orderworks.fulfillment.service.shipping import ship_shipment
from orderworks.fulfillment.service.tracking import update_tracking
from orderworks.inventory.models import StockLevel, StockMovement
from orderworks.inventory.service import ledger_mismatches
from orderworks.orders.service.lifecycle import hold_order, release_order
from orderworks.orders.service.placement import place_order
from tests.builders import STAFF, basic_store, order_cmd, two_location_store
from tests.fulfillment.conftest import outbox_types


def _stock(new_uow):
    uow = new_uow()
    with uow:
        return list(uow.session.execute(select(StockLevel.on_hand, StockLevel.reserved)
                                        .order_by(StockLevel.id)).all())


def test_unpaid_order_is_refused_and_nothing_changes(new_uow, relay, shipments):
    basic_store(new_uow, stock=5)
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 2)), actor=STAFF)
    relay()
    [view] = shipments(order)
    before = _stock(new_uow)
    with pytest.raises(OrderMayNotShip) as err:
        ship_shipment(new_uow(), view.shipment.id, carrier="ups", tracking_numbers=["1Z1"], actor=STAFF)
    assert err.value.code == "order_may_not_ship" and err.value.status == 409
    assert _stock(new_uow) == before
    assert shipments(order)[0].shipment.status == "pending"
    assert "ShipmentShipped" not in outbox_types(new_uow, order)


def test_bad_carrier_or_tracking_is_a_422(new_uow, relay, pay, shipments):
    basic_store(new_uow, stock=5)
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 1)), actor=STAFF)
    relay()
    pay(order)
    [view] = shipments(order)
    with pytest.raises(ValidationFailed) as err:
        ship_shipment(new_uow(), view.shipment.id, carrier=" ", tracking_numbers=[], actor=STAFF)
    assert err.value.field == "carrier"
    with pytest.raises(ValidationFailed) as err:
        ship_shipment(new_uow(), view.shipment.id, carrier="ups", tracking_numbers=["A", "A"], actor=STAFF)
    assert err.value.field == "tracking_numbers"
    assert shipments(order)[0].shipment.status == "ready"


def test_same_ship_again_changes_nothing_other_tracking_is_refused(new_uow, relay, pay, shipments):
    basic_store(new_uow, stock=5)
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 1)), actor=STAFF)
    relay()
    pay(order)
    sid = shipments(order)[0].shipment.id
    ship_shipment(new_uow(), sid, carrier="ups", tracking_numbers=["1Z1"], actor=STAFF)
    stock = _stock(new_uow)
    ship_shipment(new_uow(), sid, carrier="ups", tracking_numbers=["1Z1"], actor=STAFF)
    assert _stock(new_uow) == stock
    with pytest.raises(AlreadyShipped):
        ship_shipment(new_uow(), sid, carrier="ups", tracking_numbers=["1Z2"], actor=STAFF)
    assert outbox_types(new_uow, order).count("ShipmentShipped") == 1


def test_partial_shipments_and_what_follows(new_uow, relay, pay, shipments, reload):
    two_location_store(new_uow)
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 12)), actor=STAFF)  # 10 from MAIN, 2 from EAST
    relay()
    pay(order)
    views = {v.location_code: v for v in shipments(order)}
    ship_shipment(new_uow(), views["MAIN"].shipment.id, carrier="ups", tracking_numbers=["1ZMAIN"], actor=STAFF)
    after = reload(order)
    assert after.fulfillment_status == "partially_fulfilled" and after.status != "completed"
    uow = new_uow()
    with uow:
        payload = uow.session.execute(select(OutboxEvent.payload).where(OutboxEvent.type == "ShipmentShipped")
                                      ).scalar_one()
    assert payload["lines"] == [{"sku": "RED-CHAIR", "name": "Red chair", "quantity": 10}]
    assert payload["remaining"] == [{"sku": "RED-CHAIR", "name": "Red chair", "quantity": 2}]
    ship_shipment(new_uow(), views["EAST"].shipment.id, carrier="usps", tracking_numbers=["9400"], actor=STAFF)
    after = reload(order)
    assert after.fulfillment_status == "fulfilled" and after.status == "completed"
    assert ledger_mismatches(new_uow()) == []
    uow = new_uow()
    with uow:
        shipped = uow.session.execute(select(func.sum(StockMovement.on_hand_delta))
                                      .where(StockMovement.kind == "shipment")).scalar()
    assert shipped == -12


def test_cash_on_delivery_ships_unpaid_and_completes_when_paid(new_uow, relay, pay, shipments, reload):
    basic_store(new_uow, stock=5)
    update_fulfillment_settings(new_uow(), ship_unpaid_methods=["cod"])
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 1)), actor=STAFF)
    relay()
    with pytest.raises(ValidationFailed):
        set_shipping_terms(new_uow(), order.id, method="net_terms", actor=STAFF)
    set_shipping_terms(new_uow(), order.id, method="cod", actor=STAFF)
    [view] = shipments(order)
    assert view.shipment.status == "ready"
    ship_shipment(new_uow(), view.shipment.id, carrier="dhl", tracking_numbers=["JD01"], actor=STAFF)
    assert (reload(order).fulfillment_status, reload(order).status) == ("fulfilled", "processing")
    pay(order)  # the driver brought the money back
    assert reload(order).status == "completed"


def test_held_order_shipments_wait(new_uow, relay, pay, shipments):
    basic_store(new_uow, stock=5)
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 1)), actor=STAFF)
    relay()
    pay(order)
    assert shipments(order)[0].shipment.status == "ready"
    hold_order(new_uow(), order.id, actor=STAFF, reason="fraud check")
    relay()
    assert shipments(order)[0].shipment.status == "pending"
    with pytest.raises(OrderMayNotShip):
        ship_shipment(new_uow(), shipments(order)[0].shipment.id, carrier="ups", tracking_numbers=[], actor=STAFF)
    release_order(new_uow(), order.id, actor=STAFF)
    relay()
    assert shipments(order)[0].shipment.status == "ready"


def test_canceled_shipment_cannot_ship(new_uow, relay, pay, shipments):
    from orderworks.orders.service.lifecycle import cancel_order

    basic_store(new_uow, stock=5)
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 1)), actor=STAFF)
    relay()
    cancel_order(new_uow(), order.id, actor=STAFF, reason="changed mind")
    relay()
    with pytest.raises(DomainError) as err:
        ship_shipment(new_uow(), shipments(order)[0].shipment.id, carrier="ups", tracking_numbers=[], actor=STAFF)
    assert err.value.status == 409


def test_tracking_delivered_moves_the_shipment_once(new_uow, relay, pay, shipments, reload):
    basic_store(new_uow, stock=5)
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 1)), actor=STAFF)
    relay()
    pay(order)
    sid = shipments(order)[0].shipment.id
    with pytest.raises(ValidationFailed):
        update_tracking(new_uow(), sid, status="in_transit", actor=STAFF)  # not shipped yet
    ship_shipment(new_uow(), sid, carrier="ups", tracking_numbers=["1Z1"], actor=STAFF)
    update_tracking(new_uow(), sid, status="in_transit", actor=STAFF)
    assert shipments(order)[0].shipment.tracking_status == "in_transit"
    assert shipments(order)[0].shipment.status == "shipped"
    from datetime import UTC, datetime
    at = datetime(2030, 1, 2, 9, 0, tzinfo=UTC)
    update_tracking(new_uow(), sid, status="delivered", occurred_at=at, actor=STAFF)
    update_tracking(new_uow(), sid, status="delivered", occurred_at=at, actor=STAFF)  # webhook sent twice
    view = shipments(order)[0].shipment
    assert (view.status, view.tracking_status) == ("delivered", "delivered")
    assert reload(order).fulfillment_status == "delivered"
    types = outbox_types(new_uow, order)
    assert types.count("ShipmentDelivered") == 1 and types.count("ShipmentTrackingUpdated") == 2
    with pytest.raises(ValidationFailed):
        update_tracking(new_uow(), sid, status="lost_in_space", actor=STAFF)


def test_digital_goods_delivered_on_payment_without_a_shipment(new_uow, relay, pay, shipments, reload):
    basic_store(new_uow, stock=5)
    create_product(new_uow(), ProductSpec(sku="EBOOK", name="The e-book", price="9.00", currency="USD",
                                          shippable=False))
    order = place_order(new_uow(), order_cmd(("EBOOK", 1)), actor=STAFF)
    relay()
    assert shipments(order) == []
    pay(order)
    pay_again = outbox_types(new_uow, order).count("DigitalGoodsDelivered")
    uow = new_uow()
    with uow:
        [delivery] = uow.session.execute(select(DigitalDelivery)).scalars()
        payload = uow.session.execute(select(OutboxEvent.payload)
                                      .where(OutboxEvent.type == "DigitalGoodsDelivered")).scalar_one()
    assert pay_again == 1
    assert payload["items"][0]["licence_key"] == delivery.licence_key
    assert payload["items"][0]["download_url"].endswith(f"/downloads/{delivery.download_token}")
    after = reload(order)
    assert (after.fulfillment_status, after.status) == ("delivered", "completed")


def test_two_ships_of_one_shipment_ship_once(new_uow, relay, pay, shipments):
    basic_store(new_uow, stock=5)
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 2)), actor=STAFF)
    relay()
    pay(order)
    sid = shipments(order)[0].shipment.id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def ship(number: str) -> None:
        barrier.wait()
        try:
            ship_shipment(new_uow(), sid, carrier="ups", tracking_numbers=[number], actor=STAFF)
            outcomes.append("shipped")
        except AlreadyShipped:
            outcomes.append("already_shipped")

    threads = [threading.Thread(target=ship, args=(n,)) for n in ("1ZA", "1ZB")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["already_shipped", "shipped"]
    assert _stock(new_uow) == [(3, 0)]
    assert outbox_types(new_uow, order).count("ShipmentShipped") == 1
    assert ledger_mismatches(new_uow()) == []


def test_invalid_transition_has_a_stable_code():
    from orderworks.fulfillment import rules

    class S:
        status = "delivered"
    with pytest.raises(InvalidTransition):
        rules.ship(S())


def test_ship_right_after_payment_before_the_relay_runs(new_uow, relay, shipments, reload):
    from orderworks.payments.service.offline import record_offline_payment

    basic_store(new_uow, stock=5)
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 1)), actor=STAFF)
    relay()
    record_offline_payment(new_uow(), order.id, method="cash", actor=STAFF)  # PaymentCaptured not yet relayed
    sid = shipments(order)[0].shipment.id
    ship_shipment(new_uow(), sid, carrier="ups", tracking_numbers=["1Z1"], actor=STAFF)
    relay()  # the late readiness event changes nothing
    assert shipments(order)[0].shipment.status == "shipped"
    assert reload(order).status == "completed"
    assert outbox_types(new_uow, order).count("ShipmentReady") == 1
