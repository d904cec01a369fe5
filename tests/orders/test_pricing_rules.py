"""The pure pricing maths: properties that hold for any order (hypothesis), and the shipping rules by example."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from orderworks.orders.rules.pricing import (
    DiscountInput,
    DiscountKind,
    LineInput,
    NoShippingRate,
    ShippingInput,
    allocate_proportionally,
    calculate_discount,
    calculate_order,
    calculate_shipping,
    calculate_tax,
)

RATES_PPM = st.sampled_from([0, 50_000, 72_500, 88_750, 100_000, 200_000, 250_000, 1_000_000])
LINES = st.lists(st.builds(LineInput, unit_price=st.integers(0, 500_000), quantity=st.integers(1, 50),
                           tax_rate_ppm=RATES_PPM, unit_weight_grams=st.integers(0, 20_000),
                           shippable=st.booleans()), min_size=1, max_size=8)
DISCOUNTS = st.none() | st.builds(DiscountInput, kind=st.just(DiscountKind.PERCENTAGE),
                                  percent_bp=st.integers(1, 10_000)) | st.builds(
    DiscountInput, kind=st.just(DiscountKind.FIXED), amount=st.integers(1, 10_000_000))
SHIPPING = st.none() | st.builds(ShippingInput, flat=st.integers(0, 5_000), free_over=st.none() | st.integers(0, 10**6),
                                 tax_rate_ppm=RATES_PPM)


@given(total=st.integers(0, 10**9), weights=st.lists(st.integers(0, 10**7), min_size=1, max_size=20))
def test_a_proportional_split_adds_up_exactly_and_never_gives_a_line_more_than_its_subtotal(
        total: int, weights: list[int]) -> None:
    assume(total <= sum(weights))
    shares = allocate_proportionally(total, weights)
    assert sum(shares) == total
    assert all(0 <= share <= weight for share, weight in zip(shares, weights))


def test_a_split_by_largest_remainder_gives_the_odd_cent_to_the_biggest_remainder() -> None:
    assert allocate_proportionally(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate_proportionally(10, [700, 300]) == [7, 3]
    assert allocate_proportionally(5, [0, 0]) == [0, 0]


@given(items=st.integers(0, 10**9), discount=DISCOUNTS)
def test_a_discount_never_exceeds_the_items(items: int, discount: DiscountInput | None) -> None:
    assert 0 <= calculate_discount(items, discount) <= items


@given(lines=LINES, discount=DISCOUNTS, shipping=SHIPPING, included=st.booleans())
def test_the_total_is_items_less_discount_plus_shipping_plus_tax_when_prices_exclude_it(
        lines: list[LineInput], discount: DiscountInput | None, shipping: ShippingInput | None,
        included: bool) -> None:
    p = calculate_order(lines, discount=discount, shipping=shipping, prices_include_tax=included)
    assert p.items == sum(line.unit_price * line.quantity for line in lines)
    assert p.total == p.items - p.discount + p.shipping + (0 if included else p.tax)
    assert sum(line.discount for line in p.lines) == p.discount
    assert sum(line.total for line in p.lines) + p.shipping + (0 if included else p.shipping_tax) == p.total


@given(lines=LINES, discount=DISCOUNTS, shipping=SHIPPING, included=st.booleans())
def test_per_line_tax_adds_up_to_the_tax_breakdown(lines: list[LineInput], discount: DiscountInput | None,
                                                   shipping: ShippingInput | None, included: bool) -> None:
    p = calculate_order(lines, discount=discount, shipping=shipping, prices_include_tax=included)
    assert sum(line.tax for line in p.lines) + p.shipping_tax == p.tax
    assert sum(amount for _, amount in p.tax_breakdown) == p.tax
    assert all(amount > 0 for _, amount in p.tax_breakdown)


@given(lines=LINES, discount=DISCOUNTS, shipping=SHIPPING)
def test_with_tax_included_the_tax_is_never_more_than_the_price(lines: list[LineInput], discount: DiscountInput | None,
                                                                shipping: ShippingInput | None) -> None:
    p = calculate_order(lines, discount=discount, shipping=shipping, prices_include_tax=True)
    assert all(0 <= line.tax <= line.subtotal - line.discount for line in p.lines)
    assert 0 <= p.shipping_tax <= p.shipping


@given(price=st.integers(1, 10**8), rate=RATES_PPM.filter(bool))
def test_tax_included_in_a_price_is_the_part_that_a_price_without_tax_would_add(price: int, rate: int) -> None:
    included = calculate_tax(price, rate, included=True)
    net = price - included
    assert abs(calculate_tax(net, rate, included=False) - included) <= 1


def test_tax_is_rounded_half_up_once_per_line() -> None:
    # 7.25% of 9800 = 710.5 -> 711; of 500 = 36.25 -> 36; 20% included in 1000 = 166.67 -> 167
    assert calculate_tax(9800, 72_500, included=False) == 711
    assert calculate_tax(500, 72_500, included=False) == 36
    assert calculate_tax(1000, 200_000, included=True) == 167


TABLE = ShippingInput(weight_table=((1000, 500), (5000, 900), (20_000, 1500)))


@pytest.mark.parametrize(("grams", "price"), [(0, 500), (1000, 500), (1001, 900), (5000, 900), (20_000, 1500)])
def test_a_weight_table_charges_the_first_row_the_weight_fits(grams: int, price: int) -> None:
    assert calculate_shipping(TABLE, weight_grams=grams, items_after_discount=100, any_shippable=True) == price


def test_a_weight_above_the_last_row_has_no_rate() -> None:
    with pytest.raises(NoShippingRate):
        calculate_shipping(TABLE, weight_grams=20_001, items_after_discount=100, any_shippable=True)


def test_a_flat_rate_does_not_depend_on_weight() -> None:
    flat = ShippingInput(flat=500)
    assert {calculate_shipping(flat, weight_grams=g, items_after_discount=1, any_shippable=True)
            for g in (0, 10**6)} == {500}


@pytest.mark.parametrize(("items", "shipping"), [(9999, 500), (10_000, 0), (50_000, 0)])
def test_shipping_is_free_at_or_over_the_threshold_after_discount(items: int, shipping: int) -> None:
    method = ShippingInput(flat=500, free_over=10_000)
    assert calculate_shipping(method, weight_grams=0, items_after_discount=items, any_shippable=True) == shipping


def test_the_threshold_counts_items_after_the_discount() -> None:
    lines = [LineInput(unit_price=10_000, quantity=1)]
    method = ShippingInput(flat=500, free_over=10_000)
    assert calculate_order(lines, shipping=method).shipping == 0
    discounted = calculate_order(lines, shipping=method, discount=DiscountInput(DiscountKind.FIXED, amount=1))
    assert discounted.shipping == 500


def test_nothing_to_ship_costs_no_shipping() -> None:
    digital = [LineInput(unit_price=1000, quantity=1, unit_weight_grams=0, shippable=False)]
    assert calculate_order(digital, shipping=ShippingInput(flat=500)).shipping == 0


def test_a_percentage_discount_is_rounded_half_up_and_a_fixed_one_is_capped_at_the_items() -> None:
    assert calculate_discount(1005, DiscountInput(DiscountKind.PERCENTAGE, percent_bp=1000)) == 101  # 100.5
    assert calculate_discount(1000, DiscountInput(DiscountKind.FIXED, amount=2500)) == 1000
