"""Allocation: one location, several locations, a line split across two, the store's strategies, backorders
allocated automatically when stock is received (oldest order first), and the reservations following the plan."""

from __future__ import annotations

from sqlalchemy import select

from orderworks.catalog.service import ProductSpec, create_product
from orderworks.core.store import get_store
from orderworks.inventory import reservations
from orderworks.inventory.models import StockLevel
from orderworks.inventory.service import adjust_stock, create_location, ledger_mismatches
from orderworks.orders.service.placement import place_order
from tests.builders import STAFF, basic_store, order_cmd, two_location_store
from tests.fulfillment.conftest import outbox_types


def _lines(view):
    return sorted((line.sku, line.quantity) for line in view.shipment.lines)


def _levels(new_uow):
    uow = new_uow()
    with uow:
        return {(r.variant_id, r.location_id): (r.on_hand, r.reserved)
                for r in uow.session.execute(select(StockLevel)).scalars()}


def test_one_location_one_shipment(new_uow, relay, shipments):
    basic_store(new_uow, stock=10)
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 3)), actor=STAFF)
    relay()
    [view] = shipments(order)
    assert view.location_code == "MAIN" and _lines(view) == [("RED-CHAIR", 3)]
    assert ledger_mismatches(new_uow()) == []


def test_fewest_shipments_beats_priority(new_uow, relay, shipments):
    # MAIN (priority 10) has the chair only; EAST (20) has chair and lamp: one shipment from EAST beats two.
    basic_store(new_uow, stock=10)
    create_location(new_uow(), code="EAST", name="East", country="US", priority=20)
    create_product(new_uow(), ProductSpec(sku="BLUE-LAMP", name="Blue lamp", price="20.00", currency="USD",
                                          weight_grams=1000))
    adjust_stock(new_uow(), sku="RED-CHAIR", location="EAST", quantity=5, reason="r", actor=STAFF)
    adjust_stock(new_uow(), sku="BLUE-LAMP", location="EAST", quantity=5, reason="r", actor=STAFF)
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 2), ("BLUE-LAMP", 1)), actor=STAFF)
    relay()
    [view] = shipments(order)
    assert view.location_code == "EAST"
    assert _lines(view) == [("BLUE-LAMP", 1), ("RED-CHAIR", 2)]
    uow = new_uow()
    with uow:
        held = reservations.reservations_of(uow.session, order.id)
    assert sum(held.values()) == 3 and len({loc for _, loc in held}) == 1  # the holds moved to EAST
    assert ledger_mismatches(new_uow()) == []


def test_priority_strategy_ships_from_two_locations(new_uow, relay, shipments):
    basic_store(new_uow, stock=10)
    uow = new_uow()
    with uow:
        get_store(uow.session).allocation_strategy = "priority"
        uow.commit()
    create_location(new_uow(), code="EAST", name="East", country="US", priority=20)
    create_product(new_uow(), ProductSpec(sku="BLUE-LAMP", name="Blue lamp", price="20.00", currency="USD",
                                          weight_grams=1000))
    adjust_stock(new_uow(), sku="RED-CHAIR", location="EAST", quantity=5, reason="r", actor=STAFF)
    adjust_stock(new_uow(), sku="BLUE-LAMP", location="EAST", quantity=5, reason="r", actor=STAFF)
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 2), ("BLUE-LAMP", 1)), actor=STAFF)
    relay()
    views = shipments(order)
    assert {v.location_code: _lines(v) for v in views} == {"MAIN": [("RED-CHAIR", 2)], "EAST": [("BLUE-LAMP", 1)]}


def test_a_line_split_across_locations(new_uow, relay, shipments):
    two_location_store(new_uow)  # RED-CHAIR: 10 at MAIN, 5 at EAST
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 12)), actor=STAFF)
    relay()
    views = shipments(order)
    assert {v.location_code: _lines(v) for v in views} == {"MAIN": [("RED-CHAIR", 10)], "EAST": [("RED-CHAIR", 2)]}
    assert ledger_mismatches(new_uow()) == []


def test_backorder_then_allocated_on_receipt_oldest_first(new_uow, relay, shipments, reload):
    basic_store(new_uow, stock=2, backorderable=True)
    first = place_order(new_uow(), order_cmd(("RED-CHAIR", 3)), actor=STAFF)
    second = place_order(new_uow(), order_cmd(("RED-CHAIR", 2)), actor=STAFF)
    relay()
    assert [_lines(v) for v in shipments(first)] == [[("RED-CHAIR", 2)]]
    assert shipments(second) == []
    assert reload(first).backordered and reload(second).backordered
    assert "OrderBackordered" in outbox_types(new_uow, first)
    assert "OrderBackordered" in outbox_types(new_uow, second)

    adjust_stock(new_uow(), sku="RED-CHAIR", location="MAIN", quantity=2, reason="receipt", actor=STAFF)
    relay()
    # The oldest order gets its last unit first; the second gets the one left and waits for one more.
    assert sum(q for v in shipments(first) for _, q in _lines(v)) == 3
    assert sum(q for v in shipments(second) for _, q in _lines(v)) == 1
    assert not reload(first).backordered
    assert reload(second).backordered
    assert ledger_mismatches(new_uow()) == []


def test_canceled_order_cancels_its_shipments(new_uow, relay, shipments):
    from orderworks.orders.service.lifecycle import cancel_order

    basic_store(new_uow, stock=5)
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 2)), actor=STAFF)
    relay()
    cancel_order(new_uow(), order.id, actor=STAFF, reason="customer asked")
    relay()
    assert [v.shipment.status for v in shipments(order)] == ["canceled"]
    levels = _levels(new_uow)
    assert list(levels.values()) == [(5, 0)]


def test_an_edit_reallocates_and_the_holds_follow(new_uow, relay, shipments):
    from orderworks.orders.quote import LineRequest
    from orderworks.orders.service.editing import OrderChanges, edit_order

    two_location_store(new_uow)
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 2)), actor=STAFF)
    relay()
    [first] = shipments(order)
    edit_order(new_uow(), order.id, actor=STAFF, expected_version=_version(new_uow, order),
               changes=OrderChanges(lines=[LineRequest(sku="RED-CHAIR", quantity=1, field="lines[0]"),
                                           LineRequest(sku="BLUE-LAMP", quantity=2, field="lines[1]")]))
    relay()
    views = shipments(order)
    assert [v.shipment.status for v in views if v.shipment.id == first.shipment.id] == ["canceled"]
    live = [v for v in views if v.shipment.status != "canceled"]
    assert [(v.location_code, _lines(v)) for v in live] == [("MAIN", [("BLUE-LAMP", 2), ("RED-CHAIR", 1)])]
    uow = new_uow()
    with uow:
        held = reservations.reservations_of(uow.session, order.id)
    assert sum(held.values()) == 3
    assert ledger_mismatches(new_uow()) == []


def _version(new_uow, order):
    from orderworks.orders.models import Order

    uow = new_uow()
    with uow:
        return uow.session.get(Order, order.id).version
