"""Editing an order before payment: re-priced and re-reserved in one transaction, or refused with nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from orderworks.catalog.service import update_product
from orderworks.core.errors import DomainError
from orderworks.inventory.models import StockMovement
from orderworks.orders.addresses import Address
from orderworks.orders.models import DiscountCode, Order
from orderworks.orders.pricing_setup import create_discount_code
from orderworks.orders.quote import LineRequest
from orderworks.orders.service.editing import OrderChanges, edit_order
from orderworks.orders.service.lifecycle import cancel_order, place_draft
from orderworks.orders.service.placement import place_order
from orderworks.orders.service.queries import get_order
from tests.builders import ADDRESS, NY_ADDRESS, STAFF, order_cmd, two_location_store
from tests.orders.stock_checks import assert_ledger_rebuilds, levels, outbox_types, times_used, written_state


@pytest.fixture
def store(new_uow):  # type: ignore[no-untyped-def]
    two_location_store(new_uow)


def lines(*items: tuple[str, int]) -> list[LineRequest]:
    return [LineRequest(sku, quantity) for sku, quantity in items]


def edit(new_uow, order: Order, *, version: int | None = None, **changes: object) -> Order:  # type: ignore[no-untyped-def]
    return edit_order(new_uow(), order.id, actor=STAFF, changes=OrderChanges(**changes),  # type: ignore[arg-type]
                      expected_version=order.version if version is None else version)


def test_edit_up_reserves_more_across_locations_and_reprices(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 2)), actor=STAFF)
    line_id = order.lines[0].id

    edited = edit(new_uow, order, lines=lines(("RED-CHAIR", 12)))

    assert levels(new_uow, "RED-CHAIR") == {"MAIN": (10, 10, 0), "EAST": (5, 2, 3)}
    assert (edited.items_total, edited.shipping_total, edited.tax_total) == (58800, 500, 4263 + 36)
    assert edited.total == 58800 + 500 + 4299
    assert edited.version == order.version + 1
    assert [line.id for line in edited.lines] == [line_id]  # the line stays the same line
    entry = get_order(new_uow(), order.id).history[-1]
    assert entry.action == "edited"
    assert entry.data["lines"] == {"before": [{"sku": "RED-CHAIR", "quantity": 2}],
                                   "after": [{"sku": "RED-CHAIR", "quantity": 12}]}
    assert entry.data["totals"]["before"]["total"] == order.total
    assert entry.data["totals"]["after"]["total"] == edited.total
    assert outbox_types(new_uow) == ["OrderPlaced", "OrderUpdated"]
    assert_ledger_rebuilds(new_uow)


def test_edit_down_gives_the_stock_back(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 12)), actor=STAFF)
    edit(new_uow, order, lines=lines(("RED-CHAIR", 3)))
    assert levels(new_uow, "RED-CHAIR") == {"MAIN": (10, 3, 7), "EAST": (5, 0, 5)}
    assert_ledger_rebuilds(new_uow)


def test_removing_a_line_releases_its_stock_and_keeps_the_other_line(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 1), ("BLUE-LAMP", 6)), actor=STAFF)
    assert levels(new_uow, "BLUE-LAMP") == {"MAIN": (5, 5, 0), "EAST": (3, 1, 2)}
    chair_id = order.lines[0].id

    edited = edit(new_uow, order, lines=lines(("RED-CHAIR", 1)))

    assert [(line.sku, line.id) for line in edited.lines] == [("RED-CHAIR", chair_id)]
    assert edited.items_total == 4900
    assert levels(new_uow, "BLUE-LAMP") == {"MAIN": (5, 0, 5), "EAST": (3, 0, 3)}
    assert levels(new_uow, "RED-CHAIR") == {"MAIN": (10, 1, 9), "EAST": (5, 0, 5)}
    assert len(get_order(new_uow(), order.id).order.lines) == 1
    assert_ledger_rebuilds(new_uow)


def test_adding_a_line_reserves_it(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 1)), actor=STAFF)
    edited = edit(new_uow, order, lines=lines(("BLUE-LAMP", 2), ("RED-CHAIR", 1)))
    assert [(line.sku, line.position) for line in edited.lines] == [("BLUE-LAMP", 0), ("RED-CHAIR", 1)]
    assert edited.lines[1].id == order.lines[0].id
    assert edited.items_total == 4000 + 4900
    assert levels(new_uow, "BLUE-LAMP") == {"MAIN": (5, 2, 3), "EAST": (3, 0, 3)}
    assert_ledger_rebuilds(new_uow)


def test_a_new_address_in_another_tax_region_reprices_the_tax(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 1)), actor=STAFF)
    assert order.tax_total == 355 + 36  # CA 7.25% of 49.00 and of 5.00 shipping

    edited = edit(new_uow, order, shipping_address=NY_ADDRESS)

    assert edited.tax_total == 435 + 44  # NY 8.875%
    assert edited.lines[0].tax_rate_ppm == 88750
    assert edited.shipping_address["region"] == "NY"
    assert edited.billing_address["region"] == "CA"  # billing was not part of the edit
    entry = get_order(new_uow(), order.id).history[-1]
    assert sorted(entry.data) == ["shipping_address", "totals"]
    assert entry.data["shipping_address"]["after"]["city"] == "New York"
    assert levels(new_uow, "RED-CHAIR")["MAIN"] == (10, 1, 9)
    assert_ledger_rebuilds(new_uow)


def test_another_shipping_method_reprices_shipping(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 1)), actor=STAFF)
    edited = edit(new_uow, order, shipping_method="express")
    assert (edited.shipping_method, edited.shipping_method_name, edited.shipping_total) == ("express", "Express", 1500)
    assert edited.tax_total == 355 + 109
    data = get_order(new_uow(), order.id).history[-1].data
    assert data["shipping_method"] == {"before": "standard", "after": "express"}


def test_setting_changing_and_removing_a_discount_code_keeps_usage_counts_right(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 2)), actor=STAFF)
    placed_version = order.version

    order = edit(new_uow, order, discount_code="save10")
    assert (order.discount_code, order.discount_total) == ("SAVE10", 980)
    assert (times_used(new_uow, "SAVE10"), times_used(new_uow, "FIVEOFF")) == (1, 0)

    order = edit(new_uow, order, discount_code="FIVEOFF")
    assert (order.discount_code, order.discount_total) == ("FIVEOFF", 500)
    assert (times_used(new_uow, "SAVE10"), times_used(new_uow, "FIVEOFF")) == (0, 1)

    order = edit(new_uow, order, discount_code=None)
    assert (order.discount_code, order.discount_total) == (None, 0)
    assert (times_used(new_uow, "SAVE10"), times_used(new_uow, "FIVEOFF")) == (0, 0)
    assert order.version == placed_version + 3


def test_a_code_at_its_limit_stays_with_the_order_that_holds_it_and_expiry_does_not_void_it(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    create_discount_code(new_uow(), code="ONCE", kind="percentage", percent="10", usage_limit=1)
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 2), discount_code="ONCE"), actor=STAFF)
    uow = new_uow()
    with uow:
        uow.session.execute(update(DiscountCode).where(DiscountCode.code == "ONCE")
                            .values(ends_at=order.placed_at + timedelta(milliseconds=1)))
        uow.commit()

    edited = edit(new_uow, order, lines=lines(("RED-CHAIR", 3)))

    assert (edited.discount_code, edited.discount_total) == ("ONCE", 1470)
    assert times_used(new_uow, "ONCE") == 1


def test_a_backorderable_line_can_be_edited_past_stock(new_uow) -> None:  # type: ignore[no-untyped-def]
    two_location_store(new_uow, lamp_backorderable=True)
    order = place_order(new_uow(), order_cmd(("BLUE-LAMP", 2)), actor=STAFF)

    edited = edit(new_uow, order, lines=lines(("BLUE-LAMP", 11)))

    assert edited.backordered is True
    assert edited.lines[0].backordered_quantity == 3
    assert levels(new_uow, "BLUE-LAMP") == {"MAIN": (5, 5, 0), "EAST": (3, 3, 0)}
    edited = edit(new_uow, edited, lines=lines(("BLUE-LAMP", 4)))
    assert (edited.backordered, edited.lines[0].backordered_quantity) == (False, 0)
    assert levels(new_uow, "BLUE-LAMP") == {"MAIN": (5, 4, 1), "EAST": (3, 0, 3)}
    assert_ledger_rebuilds(new_uow)


def test_a_draft_is_edited_without_reserving_stock_or_counting_its_code(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    draft = place_order(new_uow(), order_cmd(("RED-CHAIR", 1), draft=True), actor=STAFF)

    draft = edit(new_uow, draft, lines=lines(("RED-CHAIR", 30)), discount_code="SAVE10")

    assert (draft.status, draft.items_total, draft.discount_total) == ("draft", 147000, 14700)
    assert levels(new_uow, "RED-CHAIR")["MAIN"] == (10, 0, 10)
    assert times_used(new_uow, "SAVE10") == 0
    draft = edit(new_uow, draft, lines=lines(("RED-CHAIR", 3)))
    placed = place_draft(new_uow(), draft.id, actor=STAFF)
    assert placed.status == "pending"
    assert levels(new_uow, "RED-CHAIR")["MAIN"] == (10, 3, 7)
    assert times_used(new_uow, "SAVE10") == 1
    assert_ledger_rebuilds(new_uow)


def test_contact_and_notes_change_without_touching_stock(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 1)), actor=STAFF)
    uow = new_uow()
    with uow:
        movements = len(uow.session.execute(select(StockMovement.id)).all())

    edited = edit(new_uow, order, customer_email="Grace@Example.com", customer_name="Grace Hopper",
                  customer_phone="(650) 253-0000", notes="leave at the door")

    assert (edited.customer_email, edited.customer_name, edited.search_name) == (
        "Grace@example.com", "Grace Hopper", "grace hopper")
    assert (edited.customer_phone, edited.notes) == ("+16502530000", "leave at the door")
    assert edited.total == order.total
    with uow:
        assert len(uow.session.execute(select(StockMovement.id)).all()) == movements
    data = get_order(new_uow(), order.id).history[-1].data
    assert sorted(data) == ["customer_email", "customer_name", "customer_phone", "notes"]
    assert edit(new_uow, edited, customer_phone=None).customer_phone is None


def test_an_edit_that_changes_nothing_writes_nothing(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 2)), actor=STAFF)
    before = written_state(new_uow)
    same = edit(new_uow, order, lines=lines(("RED-CHAIR", 2)), shipping_address=ADDRESS, shipping_method="standard")
    assert same.version == order.version
    assert written_state(new_uow) == before


def test_cancel_and_edit_restore_and_re_reserve_stock_exactly(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 12), ("BLUE-LAMP", 1)), actor=STAFF)
    assert levels(new_uow, "RED-CHAIR") == {"MAIN": (10, 10, 0), "EAST": (5, 2, 3)}
    assert_ledger_rebuilds(new_uow)

    order = edit(new_uow, order, lines=lines(("BLUE-LAMP", 7), ("RED-CHAIR", 4)))
    assert levels(new_uow, "RED-CHAIR") == {"MAIN": (10, 4, 6), "EAST": (5, 0, 5)}
    assert levels(new_uow, "BLUE-LAMP") == {"MAIN": (5, 5, 0), "EAST": (3, 2, 1)}
    assert_ledger_rebuilds(new_uow)

    other = place_order(new_uow(), order_cmd(("RED-CHAIR", 6)), actor=STAFF)
    assert levels(new_uow, "RED-CHAIR") == {"MAIN": (10, 10, 0), "EAST": (5, 0, 5)}

    cancel_order(new_uow(), order.id, actor=STAFF, reason="customer asked")
    assert levels(new_uow, "RED-CHAIR") == {"MAIN": (10, 6, 4), "EAST": (5, 0, 5)}
    assert levels(new_uow, "BLUE-LAMP") == {"MAIN": (5, 0, 5), "EAST": (3, 0, 3)}
    assert_ledger_rebuilds(new_uow)

    cancel_order(new_uow(), other.id, actor=STAFF, reason="duplicate")
    assert levels(new_uow, "RED-CHAIR") == {"MAIN": (10, 0, 10), "EAST": (5, 0, 5)}
    assert_ledger_rebuilds(new_uow)


def _authorized(new_uow, order: Order) -> None:  # type: ignore[no-untyped-def]
    # Payments do not exist yet: set what they will derive, directly.
    uow = new_uow()
    with uow:
        uow.execute(update(Order.__table__).where(Order.__table__.c.id == order.id).values(payment_status="authorized"))
        uow.commit()


def _canceled(new_uow, order: Order) -> Order:  # type: ignore[no-untyped-def]
    return cancel_order(new_uow(), order.id, actor=STAFF, reason="customer asked")


def _price_raised(new_uow, order: Order) -> None:  # type: ignore[no-untyped-def]
    update_product(new_uow(), "RED-CHAIR", {"price": "55.00", "currency": "USD"})


@pytest.mark.parametrize(("prepare", "changes", "version", "code", "field"), [
    (_authorized, {"lines": lines(("RED-CHAIR", 3))}, None, "order_not_editable", "payment_status"),
    (_canceled, {"lines": lines(("RED-CHAIR", 3))}, None, "order_not_editable", "status"),
    (None, {"lines": lines(("RED-CHAIR", 3))}, 7, "stale_version", "version"),
    (None, {"lines": lines(("BLUE-LAMP", 1), ("RED-CHAIR", 16))}, None, "insufficient_stock", "lines[1].quantity"),
    (None, {"lines": lines(("RED-CHAIR", 1), ("NOPE", 1))}, None, "unknown_sku", "lines[1].sku"),
    (_price_raised, {"shipping_method": "express"}, None, "price_changed", "lines[0].unit_price"),
    (None, {"shipping_address": Address(name="Ada", line1="1 Main St", city="Springfield", region="ZZ",
                                        postal_code="1", country="US")}, None, "invalid_address",
     "shipping_address.region"),
    (None, {"discount_code": "NOSUCH"}, None, "discount_code_invalid", "discount_code"),
    (None, {"lines": []}, None, "validation_failed", "lines"),
])
def test_a_refused_edit_writes_nothing(store, new_uow, prepare, changes, version, code, field) -> None:  # type: ignore[no-untyped-def]
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 2), discount_code="SAVE10"), actor=STAFF)
    if prepare:
        prepare(new_uow, order)
        order = get_order(new_uow(), order.id).order
    before = written_state(new_uow)

    with pytest.raises(DomainError) as refused:
        edit(new_uow, order, version=version, **changes)

    assert (refused.value.code, refused.value.field) == (code, field)
    assert written_state(new_uow) == before
    assert_ledger_rebuilds(new_uow)


def test_a_raised_price_is_accepted_by_sending_it(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 2)), actor=STAFF)
    update_product(new_uow(), "RED-CHAIR", {"price": "55.00", "currency": "USD"})
    edited = edit(new_uow, order, lines=[LineRequest("RED-CHAIR", 2, unit_price="55.00")])
    assert (edited.lines[0].unit_price, edited.items_total) == (5500, 11000)
