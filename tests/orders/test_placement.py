"""Placing an order: priced, numbered, stock reserved, history and outbox written; refused whole otherwise."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from orderworks.core.errors import DomainError
from orderworks.core.outbox import OutboxEvent
from orderworks.inventory.service import ledger_mismatches, stock_for_sku
from orderworks.orders.models import Order
from orderworks.orders.quote import LineRequest
from orderworks.orders.service.placement import place_order
from orderworks.orders.service.queries import get_order
from tests.builders import STAFF, basic_store, order_cmd


@pytest.fixture
def store(new_uow):  # type: ignore[no-untyped-def]
    basic_store(new_uow)


def outbox_types(uow) -> list[str]:  # type: ignore[no-untyped-def]
    with uow:
        return list(uow.session.execute(select(OutboxEvent.type).where(OutboxEvent.aggregate_type == "order")
                                        .order_by(OutboxEvent.created_at)).scalars())


def test_placing_an_order_prices_it_reserves_stock_and_records_it(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 2)), actor=STAFF)

    assert order.number == "1001"
    assert (order.status, order.payment_status, order.fulfillment_status) == ("pending", "unpaid", "unfulfilled")
    # 2 x 49.00 = 98.00; shipping 5.00 flat; CA 7.25% on items only (shipping is standard class too): 
    assert order.items_total == 9800
    assert order.shipping_total == 500
    assert order.tax_total == 711 + 36  # round(9800 x 7.25%) + round(500 x 7.25%)
    assert order.total == 9800 + 500 + 747
    [level] = stock_for_sku(new_uow(), "RED-CHAIR")
    assert (level.on_hand, level.reserved, level.available) == (10, 2, 8)
    view = get_order(new_uow(), order.id)
    assert [h.action for h in view.history] == ["placed"]
    assert view.history[0].actor_name == "Sam Staff"
    assert outbox_types(new_uow()) == ["OrderPlaced"]
    assert ledger_mismatches(new_uow()) == []


def test_order_numbers_are_sequential(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    numbers = [place_order(new_uow(), order_cmd(), actor=STAFF).number for _ in range(3)]
    assert numbers == ["1001", "1002", "1003"]


@pytest.mark.parametrize(("change", "code", "field"), [
    ({"lines": [LineRequest("NOPE", 1, field="lines[0]")]}, "unknown_sku", "lines[0].sku"),
    ({"lines": [LineRequest("RED-CHAIR", 11, field="lines[0]")]}, "insufficient_stock", "lines[0].quantity"),
    ({"lines": [LineRequest("RED-CHAIR", 1, unit_price="45.00", field="lines[0]")]}, "price_changed",
     "lines[0].unit_price"),
    ({"currency": "GBP"}, "currency_not_sold", "currency"),
    ({"shipping_method": "teleport"}, "shipping_method_unavailable", "shipping_method"),
    ({"discount_code": "NOSUCH"}, "discount_code_invalid", "discount_code"),
    ({"channel": "carrier-pigeon"}, "validation_failed", "channel"),
])
def test_a_refused_order_writes_nothing(store, new_uow, change, code, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as refused:
        place_order(new_uow(), order_cmd(**change), actor=STAFF)
    assert (refused.value.code, refused.value.field) == (code, field)
    uow = new_uow()
    with uow:
        assert uow.session.execute(select(func.count()).select_from(Order)).scalar() == 0
    [level] = stock_for_sku(new_uow(), "RED-CHAIR")
    assert level.reserved == 0
    assert outbox_types(new_uow()) == []


def test_a_backorderable_product_takes_the_order_and_backorders_the_rest(new_uow) -> None:  # type: ignore[no-untyped-def]
    basic_store(new_uow, stock=3, backorderable=True)
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 5)), actor=STAFF)
    assert order.backordered is True
    assert order.lines[0].backordered_quantity == 2
    [level] = stock_for_sku(new_uow(), "RED-CHAIR")
    assert (level.reserved, level.available) == (3, 0)
