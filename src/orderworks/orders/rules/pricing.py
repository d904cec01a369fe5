"""Pricing maths, pure and in integer minor units: line totals, discount, shipping, tax and order totals.

Tax is computed per line on the line's share of the discount, with one rounding per line. Prices are entered
either without tax (tax is added on top) or with tax included (tax is the part of the price that is tax).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from orderworks.core.money import round_half_up

PPM = 1_000_000
BP = 10_000


class DiscountKind(StrEnum):
    PERCENTAGE = "percentage"
    FIXED = "fixed"


@dataclass(frozen=True)
class LineInput:
    unit_price: int
    quantity: int
    tax_rate_ppm: int = 0
    unit_weight_grams: int = 0
    shippable: bool = True


@dataclass(frozen=True)
class DiscountInput:
    kind: DiscountKind
    percent_bp: int = 0  # percentage: basis points
    amount: int = 0  # fixed: minor units


@dataclass(frozen=True)
class ShippingInput:
    flat: int | None = None
    weight_table: tuple[tuple[int, int], ...] = ()  # (max grams, price), ascending
    free_over: int | None = None  # items after discount at or above this ship free
    tax_rate_ppm: int = 0


@dataclass(frozen=True)
class LinePricing:
    subtotal: int
    discount: int
    tax: int
    total: int


@dataclass(frozen=True)
class OrderPricing:
    lines: tuple[LinePricing, ...]
    items: int
    discount: int
    shipping: int
    shipping_tax: int
    tax: int
    total: int
    weight_grams: int
    tax_breakdown: tuple[tuple[int, int], ...]  # (rate ppm, tax amount), by rate


class NoShippingRate(Exception):
    """The weight table has no row for this weight."""


def calculate_discount(items: int, discount: DiscountInput | None) -> int:
    if discount is None or items <= 0:
        return 0
    if discount.kind == DiscountKind.PERCENTAGE:
        return min(items, round_half_up(Decimal(items) * discount.percent_bp / BP))
    return min(items, discount.amount)


def allocate_proportionally(total: int, weights: list[int]) -> list[int]:
    """Split `total` over `weights` in proportion, by largest remainder: the shares add up to `total` exactly
    and no share exceeds its weight when total <= sum(weights)."""
    whole = sum(weights)
    if total == 0 or whole == 0:
        return [0] * len(weights)
    shares = [total * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in remainders[: total - sum(shares)]:
        shares[i] += 1
    return shares


def calculate_tax(base: int, rate_ppm: int, *, included: bool) -> int:
    if base <= 0 or rate_ppm <= 0:
        return 0
    if included:
        return round_half_up(Decimal(base) * rate_ppm / (PPM + rate_ppm))
    return round_half_up(Decimal(base) * rate_ppm / PPM)


def calculate_shipping(shipping: ShippingInput | None, *, weight_grams: int, items_after_discount: int,
                       any_shippable: bool) -> int:
    if shipping is None or not any_shippable:
        return 0
    if shipping.free_over is not None and items_after_discount >= shipping.free_over:
        return 0
    if shipping.flat is not None:
        return shipping.flat
    for max_grams, price in shipping.weight_table:
        if weight_grams <= max_grams:
            return price
    raise NoShippingRate(weight_grams)


def calculate_order(lines: list[LineInput], *, discount: DiscountInput | None = None,
                    shipping: ShippingInput | None = None, prices_include_tax: bool = False) -> OrderPricing:
    subtotals = [line.unit_price * line.quantity for line in lines]
    items = sum(subtotals)
    discount_total = calculate_discount(items, discount)
    shares = allocate_proportionally(discount_total, subtotals)
    weight = sum(line.unit_weight_grams * line.quantity for line in lines if line.shippable)
    shipping_amount = calculate_shipping(shipping, weight_grams=weight, items_after_discount=items - discount_total,
                                         any_shippable=any(line.shippable for line in lines))
    by_rate: dict[int, int] = defaultdict(int)
    priced = []
    for line, subtotal, share in zip(lines, subtotals, shares):
        tax = calculate_tax(subtotal - share, line.tax_rate_ppm, included=prices_include_tax)
        by_rate[line.tax_rate_ppm] += tax
        net_total = subtotal - share + (0 if prices_include_tax else tax)
        priced.append(LinePricing(subtotal=subtotal, discount=share, tax=tax, total=net_total))
    shipping_rate = shipping.tax_rate_ppm if shipping else 0
    shipping_tax = calculate_tax(shipping_amount, shipping_rate, included=prices_include_tax)
    by_rate[shipping_rate] += shipping_tax
    tax_total = sum(by_rate.values())
    total = items - discount_total + shipping_amount + (0 if prices_include_tax else tax_total)
    breakdown = tuple(sorted((rate, amount) for rate, amount in by_rate.items() if amount))
    return OrderPricing(lines=tuple(priced), items=items, discount=discount_total, shipping=shipping_amount,
                        shipping_tax=shipping_tax, tax=tax_total, total=total, weight_grams=weight,
                        tax_breakdown=breakdown)
