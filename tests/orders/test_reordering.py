"""Reordering: a new draft from an old order, at today's prices, leaving out what is no longer for sale."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from orderworks.catalog.service import update_product
from orderworks.core.errors import DomainError
from orderworks.core.outbox import OutboxEvent
from orderworks.orders.service.lifecycle import cancel_order, place_draft
from orderworks.orders.service.placement import place_order
from orderworks.orders.service.queries import get_order
from orderworks.orders.service.reordering import reorder
from tests.builders import STAFF, order_cmd, two_location_store
from tests.orders.stock_checks import assert_ledger_rebuilds, levels, written_state


@pytest.fixture
def store(new_uow):  # type: ignore[no-untyped-def]
    two_location_store(new_uow)


def test_a_reorder_is_a_draft_with_the_same_lines_at_todays_prices(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    old = place_order(new_uow(), order_cmd(("RED-CHAIR", 2), ("BLUE-LAMP", 1), channel="phone"), actor=STAFF)
    update_product(new_uow(), "RED-CHAIR", {"price": "55.00", "currency": "USD"})
    stock_before = levels(new_uow, "RED-CHAIR")

    draft = reorder(new_uow(), old.id, actor=STAFF)

    assert (draft.status, draft.channel, draft.source_order_id) == ("draft", "phone", old.id)
    assert draft.number != old.number
    assert [(line.sku, line.quantity, line.unit_price) for line in draft.lines] == [
        ("RED-CHAIR", 2, 5500), ("BLUE-LAMP", 1, 2000)]
    assert draft.items_total == 13000
    assert (draft.customer_email, draft.customer_name) == (old.customer_email, old.customer_name)
    assert (draft.shipping_address, draft.billing_address) == (old.shipping_address, old.billing_address)
    assert draft.shipping_method == old.shipping_method
    assert levels(new_uow, "RED-CHAIR") == stock_before  # a draft holds no stock
    drafted = get_order(new_uow(), draft.id)
    assert [h.action for h in drafted.history] == ["draft_created", "reordered_from"]
    assert drafted.history[-1].data == {"source_order_id": str(old.id), "source_number": old.number,
                                        "left_out": []}
    source = get_order(new_uow(), old.id)
    assert source.history[-1].action == "reordered"
    assert source.history[-1].data["draft_number"] == draft.number
    uow = new_uow()
    with uow:
        event = uow.session.execute(select(OutboxEvent).where(OutboxEvent.type == "OrderDraftCreated")).scalar_one()
    assert event.payload["source_order_id"] == str(old.id)


def test_a_product_no_longer_for_sale_is_left_out_and_listed_then_placing_reserves_stock(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    old = place_order(new_uow(), order_cmd(("RED-CHAIR", 3), ("BLUE-LAMP", 2)), actor=STAFF)
    cancel_order(new_uow(), old.id, actor=STAFF, reason="customer asked")
    update_product(new_uow(), "BLUE-LAMP", {"active": False})

    draft = reorder(new_uow(), old.id, actor=STAFF)

    assert [(line.sku, line.quantity) for line in draft.lines] == [("RED-CHAIR", 3)]
    entry = get_order(new_uow(), draft.id).history[-1]
    assert entry.data["left_out"] == [{"sku": "BLUE-LAMP", "quantity": 2, "reason": "inactive"}]
    placed = place_draft(new_uow(), draft.id, actor=STAFF)
    assert placed.status == "pending"
    assert levels(new_uow, "RED-CHAIR") == {"MAIN": (10, 3, 7), "EAST": (5, 0, 5)}
    assert_ledger_rebuilds(new_uow)


def test_a_reorder_with_nothing_for_sale_is_refused_and_writes_nothing(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    old = place_order(new_uow(), order_cmd(("BLUE-LAMP", 1)), actor=STAFF)
    update_product(new_uow(), "BLUE-LAMP", {"active": False})
    before = written_state(new_uow)

    with pytest.raises(DomainError) as refused:
        reorder(new_uow(), old.id, actor=STAFF)

    assert (refused.value.code, refused.value.status) == ("nothing_to_reorder", 409)
    assert written_state(new_uow) == before
