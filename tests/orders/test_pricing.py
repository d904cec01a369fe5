"""Pricing at placement, on the real database: shipping methods, tax by country and region, prices with tax
included, discount codes (percentage, fixed, dates, limits, minimum)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from threading import Barrier

import pytest
import time_machine
from sqlalchemy import select

from orderworks.catalog.service import ProductSpec, create_product
from orderworks.core.errors import DomainError
from orderworks.inventory.service import adjust_stock, stock_for_sku
from orderworks.orders import pricing_setup as setup
from orderworks.orders.addresses import Address
from orderworks.orders.models import DiscountCode
from orderworks.orders.service.placement import place_order
from tests.builders import ADDRESS, STAFF, basic_store, order_cmd

NEW_YORK = Address(name="Ada Lovelace", line1="350 Fifth Avenue", city="New York", region="NY", postal_code="10118",
                   country="US")


@pytest.fixture
def store(new_uow):  # type: ignore[no-untyped-def]
    basic_store(new_uow)


def refusal(new_uow, cmd) -> tuple[str, str | None]:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as refused:
        place_order(new_uow(), cmd, actor=STAFF)
    return refused.value.code, refused.value.field


def weight_store(new_uow) -> None:  # type: ignore[no-untyped-def]
    setup.create_shipping_method(new_uow(), zone="US", code="ground", name="Ground", kind="weight",
                                 rates={"USD": [[10_000, "8.00"], [30_000, "15.00"]]})


def test_a_weight_table_charges_by_the_order_s_weight(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    weight_store(new_uow)
    assert place_order(new_uow(), order_cmd(("RED-CHAIR", 2), shipping_method="ground"), actor=STAFF
                       ).shipping_total == 800  # 10 kg: the first row, its limit included
    assert place_order(new_uow(), order_cmd(("RED-CHAIR", 3), shipping_method="ground"), actor=STAFF
                       ).shipping_total == 1500


def test_no_weight_row_for_the_order_is_a_4xx_and_writes_nothing(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    weight_store(new_uow)
    assert refusal(new_uow, order_cmd(("RED-CHAIR", 7), shipping_method="ground")) == (
        "shipping_method_unavailable", "shipping_method")  # 35 kg
    [level] = stock_for_sku(new_uow(), "RED-CHAIR")
    assert level.reserved == 0


def test_shipping_is_free_over_the_threshold(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    setup.create_shipping_method(new_uow(), zone="US", code="free100", name="Free over $100", kind="flat",
                                 rates={"USD": "5.00"}, free_over={"USD": "100.00"})
    assert place_order(new_uow(), order_cmd(("RED-CHAIR", 2), shipping_method="free100"), actor=STAFF
                       ).shipping_total == 500  # 98.00
    assert place_order(new_uow(), order_cmd(("RED-CHAIR", 3), shipping_method="free100"), actor=STAFF
                       ).shipping_total == 0  # 147.00


def test_a_region_s_own_rate_wins_over_the_country_rate(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    setup.set_tax_rate(new_uow(), country="US", rate="5", name="Federal (test)")
    in_ca = place_order(new_uow(), order_cmd(("RED-CHAIR", 2)), actor=STAFF)
    in_ny = place_order(new_uow(), order_cmd(("RED-CHAIR", 2), shipping_address=NEW_YORK), actor=STAFF)
    assert in_ca.lines[0].tax_rate_ppm == 72_500 and in_ca.tax_total == 711 + 36
    assert in_ny.lines[0].tax_rate_ppm == 50_000 and in_ny.tax_total == 490 + 25


def test_prices_entered_with_tax_included_keep_the_total_and_show_the_tax_inside_it(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    setup.update_store(new_uow(), {"prices_include_tax": True})
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 2)), actor=STAFF)
    assert order.total == 9800 + 500
    assert order.tax_total == 662 + 34  # 9800 x 7.25/107.25 = 662.47; 500 x 7.25/107.25 = 33.80
    assert order.lines[0].total == 9800


def test_a_percentage_code_takes_its_share_off_the_items_before_tax(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    setup.create_discount_code(new_uow(), code="tenoff", kind="percentage", percent="10")
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 2), discount_code=" TenOff "), actor=STAFF)
    assert (order.discount_code, order.discount_total) == ("TENOFF", 980)
    assert order.tax_total == 639 + 36  # 7.25% of 88.20 = 6.39; shipping 0.36
    assert order.total == 9800 - 980 + 500 + 675


def test_a_fixed_code_takes_its_amount_in_the_order_s_currency(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    setup.create_discount_code(new_uow(), code="FIVE", kind="fixed", amounts={"USD": "5.00"})
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 1), discount_code="FIVE"), actor=STAFF)
    assert order.discount_total == 500
    assert order.total == 4900 - 500 + 500 + 319 + 36


def test_a_fixed_code_without_an_amount_in_the_order_s_currency_is_refused(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    setup.create_discount_code(new_uow(), code="FIVE", kind="fixed", amounts={"EUR": "5.00"})
    assert refusal(new_uow, order_cmd(discount_code="FIVE")) == ("discount_code_not_applicable", "discount_code")


def test_a_code_with_a_minimum_subtotal_applies_from_that_subtotal(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    setup.create_discount_code(new_uow(), code="BIG", kind="percentage", percent="10", min_subtotal={"USD": "98.00"})
    assert refusal(new_uow, order_cmd(("RED-CHAIR", 1), discount_code="BIG")) == (
        "discount_code_not_applicable", "discount_code")
    assert place_order(new_uow(), order_cmd(("RED-CHAIR", 2), discount_code="BIG"), actor=STAFF).discount_total == 980


def test_a_code_is_valid_from_its_start_until_its_end(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    setup.create_discount_code(new_uow(), code="JUNE", kind="percentage", percent="10",
                               starts_at=datetime(2030, 6, 1, tzinfo=UTC), ends_at=datetime(2030, 7, 1, tzinfo=UTC))
    with time_machine.travel(datetime(2030, 5, 31, 23, 59, tzinfo=UTC), tick=False):
        assert refusal(new_uow, order_cmd(discount_code="JUNE")) == ("discount_code_expired", "discount_code")
    with time_machine.travel(datetime(2030, 6, 1, tzinfo=UTC), tick=False):
        assert place_order(new_uow(), order_cmd(discount_code="JUNE"), actor=STAFF).discount_total == 490
    with time_machine.travel(datetime(2030, 7, 1, tzinfo=UTC), tick=False):
        assert refusal(new_uow, order_cmd(discount_code="JUNE")) == ("discount_code_expired", "discount_code")


def times_used(new_uow, code: str) -> int:  # type: ignore[no-untyped-def]
    uow = new_uow()
    with uow:
        return uow.session.execute(select(DiscountCode.times_used).where(DiscountCode.code == code)).scalar_one()


def test_a_used_up_code_is_a_409(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    setup.create_discount_code(new_uow(), code="ONCE", kind="percentage", percent="10", usage_limit=1)
    place_order(new_uow(), order_cmd(discount_code="ONCE"), actor=STAFF)
    assert refusal(new_uow, order_cmd(discount_code="ONCE")) == ("discount_code_used_up", "discount_code")
    assert times_used(new_uow, "ONCE") == 1


def test_customers_racing_for_a_code_s_last_use_get_exactly_one_discount(store, new_uow) -> None:  # type: ignore[no-untyped-def]
    setup.create_discount_code(new_uow(), code="LAST", kind="percentage", percent="10", usage_limit=1)
    racers = 6
    start = Barrier(racers)

    def attempt(i: int) -> str:
        start.wait()
        try:
            place_order(new_uow(), order_cmd(discount_code="LAST", email=f"c{i}@example.com"), actor=STAFF)
            return "placed"
        except DomainError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=racers) as pool:
        outcomes = sorted(pool.map(attempt, range(racers)))
    assert outcomes == ["discount_code_used_up"] * (racers - 1) + ["placed"]
    assert times_used(new_uow, "LAST") == 1
    [level] = stock_for_sku(new_uow(), "RED-CHAIR")
    assert level.reserved == 1  # the losers reserved nothing


def test_a_digital_only_order_needs_no_address_or_shipping(new_uow) -> None:  # type: ignore[no-untyped-def]
    basic_store(new_uow)
    create_product(new_uow(), ProductSpec(sku="EBOOK", name="Chair care e-book", price="9.00", currency="USD",
                                          shippable=False))
    adjust_stock(new_uow(), sku="EBOOK", location="MAIN", quantity=1, reason="receipt", actor=STAFF)
    order = place_order(new_uow(), order_cmd(("EBOOK", 1), shipping_address=None, billing_address=ADDRESS,
                                             shipping_method=None), actor=STAFF)
    assert (order.shipping_total, order.total) == (0, 900 + 65)
