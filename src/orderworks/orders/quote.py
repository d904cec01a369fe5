"""Pricing an order from what the customer asked for: look up variants, prices, shipping, tax and the discount
code (a few queries, none per line), check them, and run the pure pricing maths. Used by placement and edits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from orderworks.catalog.models import Price, Product, Variant
from orderworks.core.errors import Conflict, ValidationFailed
from orderworks.core.money import MAX_MINOR, parse_amount, to_decimal_string
from orderworks.core.store import Store
from orderworks.orders.models import DiscountCode, ShippingMethod, ShippingZone, TaxRate
from orderworks.orders.rules.pricing import (
    DiscountInput,
    DiscountKind,
    LineInput,
    LinePricing,
    NoShippingRate,
    OrderPricing,
    ShippingInput,
    calculate_order,
)


class CurrencyNotSold(ValidationFailed):
    code = "currency_not_sold"


class UnknownSku(ValidationFailed):
    code = "unknown_sku"


class SkuInactive(ValidationFailed):
    code = "sku_inactive"


class PriceUnavailable(ValidationFailed):
    code = "price_unavailable"


class PriceChanged(Conflict):
    code = "price_changed"


class ShippingMethodUnavailable(ValidationFailed):
    code = "shipping_method_unavailable"


class ShippingAddressRequired(ValidationFailed):
    code = "shipping_address_required"

    def __init__(self) -> None:
        super().__init__("A shipping address is needed for items that ship", field="shipping_address")


class DiscountCodeInvalid(ValidationFailed):
    code = "discount_code_invalid"


class DiscountCodeExpired(ValidationFailed):
    code = "discount_code_expired"


class DiscountCodeUsedUp(Conflict):
    code = "discount_code_used_up"


class DiscountCodeNotApplicable(ValidationFailed):
    code = "discount_code_not_applicable"


class OrderTooLarge(ValidationFailed):
    code = "order_too_large"


@dataclass(frozen=True)
class LineRequest:
    sku: str
    quantity: int
    unit_price: str | None = None  # the price the customer saw, checked against the catalog
    field: str = "lines[0]"


@dataclass(frozen=True)
class QuotedLine:
    variant_id: uuid.UUID
    sku: str
    name: str
    quantity: int
    unit_price: int
    tax_class: str
    tax_rate_ppm: int
    shippable: bool
    backorderable: bool
    unit_weight_grams: int
    pricing: LinePricing
    field: str


@dataclass(frozen=True)
class Quote:
    lines: list[QuotedLine]
    pricing: OrderPricing
    shipping_method: ShippingMethod | None
    discount: DiscountCode | None


def build_quote(session: Session, *, store: Store, currency: str, lines: Sequence[LineRequest],
                ship_country: str | None, ship_region: str, shipping_method: str | None,
                discount_code: str | None, at: datetime) -> Quote:
    if currency not in store.currencies:
        raise CurrencyNotSold(f"This store does not sell in {currency}; it sells in {', '.join(store.currencies)}",
                              field="currency")
    catalog = _catalog_rows(session, [line.sku for line in lines], currency)
    rates = _tax_rates(session, ship_country, ship_region) if ship_country else {}
    inputs, partial = [], []
    for line in lines:
        variant, product, price = _checked_line(catalog, line, currency)
        rate = rates.get(product.tax_class, 0)
        inputs.append(LineInput(unit_price=price, quantity=line.quantity, tax_rate_ppm=rate,
                                unit_weight_grams=variant.weight_grams, shippable=product.shippable))
        partial.append((line, variant, product, price, rate))
    any_shippable = any(i.shippable for i in inputs)
    method = _shipping_method(session, shipping_method, ship_country, any_shippable)
    discount = _discount(session, discount_code, at) if discount_code else None
    shipping_input = _shipping_input(method, currency, rates) if method else None
    discount_input = _discount_input(discount, currency, sum(i.unit_price * i.quantity for i in inputs))
    try:
        pricing = calculate_order(inputs, discount=discount_input, shipping=shipping_input,
                                  prices_include_tax=store.prices_include_tax)
    except NoShippingRate as exc:
        raise ShippingMethodUnavailable(f"'{shipping_method}' does not ship {exc.args[0]} g", field="shipping_method")
    _check_fits(lines, pricing, currency)
    quoted = [QuotedLine(variant_id=v.id, sku=v.sku, name=v.name, quantity=line.quantity, unit_price=price,
                         tax_class=p.tax_class, tax_rate_ppm=rate, shippable=p.shippable,
                         backorderable=p.backorderable, unit_weight_grams=v.weight_grams, pricing=lp,
                         field=line.field)
              for (line, v, p, price, rate), lp in zip(partial, pricing.lines)]
    return Quote(quoted, pricing, method, discount)


def _check_fits(lines: Sequence[LineRequest], pricing: OrderPricing, currency: str) -> None:
    """Amounts and weights are stored in INTEGER columns: refuse an order whose sums would not fit, as a 422."""
    most = f"{to_decimal_string(MAX_MINOR, currency)} {currency}"
    for line, priced in zip(lines, pricing.lines):
        if max(priced.subtotal, priced.total) > MAX_MINOR:
            raise OrderTooLarge(f"SKU {line.sku}: {line.quantity} units come to more than {most}; split the order",
                                field=f"{line.field}.quantity")
    if max(pricing.items, pricing.total) > MAX_MINOR:
        raise OrderTooLarge(f"The order comes to more than {most}; split it", field="lines")
    if pricing.weight_grams > MAX_MINOR:
        raise OrderTooLarge(f"The order weighs more than {MAX_MINOR} g; split it", field="lines")


def _catalog_rows(session: Session, skus: list[str], currency: str) -> dict[str, tuple[Variant, Product, int | None]]:
    stmt = (
        select(Variant, Product, Price.amount)
        .join(Product, Product.id == Variant.product_id)
        .outerjoin(Price, (Price.variant_id == Variant.id) & (Price.currency == currency))
        .where(Variant.sku.in_(set(skus)))
    )
    return {v.sku: (v, p, amount) for v, p, amount in session.execute(stmt)}


def _checked_line(catalog: dict[str, tuple[Variant, Product, int | None]], line: LineRequest,
                  currency: str) -> tuple[Variant, Product, int]:
    row = catalog.get(line.sku)
    if row is None:
        raise UnknownSku(f"No product with SKU '{line.sku}'", field=f"{line.field}.sku")
    variant, product, price = row
    if not (variant.active and product.active):
        raise SkuInactive(f"SKU '{line.sku}' is not for sale", field=f"{line.field}.sku")
    if price is None:
        raise PriceUnavailable(f"SKU '{line.sku}' has no price in {currency}", field=f"{line.field}.sku")
    if line.unit_price is not None:
        seen = parse_amount(line.unit_price, currency, field=f"{line.field}.unit_price")
        if seen != price:
            raise PriceChanged(
                f"SKU {line.sku} costs {to_decimal_string(price, currency)} {currency} now, "
                f"not {line.unit_price}", field=f"{line.field}.unit_price",
                details={"catalog_price": to_decimal_string(price, currency)})
    return variant, product, price


def _tax_rates(session: Session, country: str, region: str) -> dict[str, int]:
    """Rate per tax class at this address: a region's own rate wins over the country-wide one."""
    rows = session.execute(select(TaxRate).where(TaxRate.country == country, TaxRate.region.in_(["", region]))).scalars()
    rates: dict[str, int] = {}
    for rate in sorted(rows, key=lambda r: r.region != ""):
        rates[rate.tax_class] = rate.rate_ppm
    return rates


def _shipping_method(session: Session, code: str | None, country: str | None,
                     any_shippable: bool) -> ShippingMethod | None:
    if not any_shippable:
        return None
    if country is None:  # no address to ship to: say so, not "does not ship to None"
        raise ShippingAddressRequired()
    if not code:
        raise ShippingMethodUnavailable("Choose a shipping method for the items to ship", field="shipping_method")
    rows = session.execute(
        select(ShippingMethod, ShippingZone.countries)
        .join(ShippingZone, ShippingZone.id == ShippingMethod.zone_id)
        .where(ShippingMethod.code == code, ShippingMethod.active.is_(True))
    ).all()
    exact = [m for m, countries in rows if country in countries]
    rest = [m for m, countries in rows if "*" in countries]
    if not exact and not rest:
        raise ShippingMethodUnavailable(f"Shipping method '{code}' does not ship to {country}",
                                        field="shipping_method")
    return (exact or rest)[0]


def _shipping_input(method: ShippingMethod, currency: str, rates: dict[str, int]) -> ShippingInput:
    rate = method.rates.get(currency)
    if rate is None:
        raise ShippingMethodUnavailable(f"Shipping method '{method.code}' has no price in {currency}",
                                        field="shipping_method")
    free_over = method.free_over.get(currency)
    tax = rates.get(method.tax_class, 0)
    if method.kind == "flat":
        return ShippingInput(flat=int(rate), free_over=free_over, tax_rate_ppm=tax)
    return ShippingInput(weight_table=tuple((int(g), int(p)) for g, p in rate), free_over=free_over,
                         tax_rate_ppm=tax)


def _discount(session: Session, code: str, at: datetime) -> DiscountCode:
    discount = session.execute(
        select(DiscountCode).where(DiscountCode.code == code.strip().upper())).scalar_one_or_none()
    if discount is None or not discount.active:
        raise DiscountCodeInvalid(f"'{code}' is not a valid discount code", field="discount_code")
    if (discount.starts_at and at < discount.starts_at) or (discount.ends_at and at >= discount.ends_at):
        raise DiscountCodeExpired(f"Discount code '{code}' is not valid today", field="discount_code")
    if discount.usage_limit is not None and discount.times_used >= discount.usage_limit:
        raise DiscountCodeUsedUp(f"Discount code '{code}' has been used up", field="discount_code")
    return discount


def _discount_input(discount: DiscountCode | None, currency: str, items: int) -> DiscountInput | None:
    if discount is None:
        return None
    minimum = discount.min_subtotal.get(currency)
    if minimum is not None and items < minimum:
        raise DiscountCodeNotApplicable(
            f"Discount code '{discount.code}' needs {to_decimal_string(minimum, currency)} {currency} of items",
            field="discount_code")
    if discount.kind == DiscountKind.PERCENTAGE:
        return DiscountInput(DiscountKind.PERCENTAGE, percent_bp=discount.percent_bp)
    amount = discount.amounts.get(currency)
    if amount is None:
        raise DiscountCodeNotApplicable(f"Discount code '{discount.code}' does not apply to {currency} orders",
                                        field="discount_code")
    return DiscountInput(DiscountKind.FIXED, amount=amount)


def count_discount_use(session: Session, discount: DiscountCode, delta: int = 1) -> bool:
    """Take (or give back) one use of a code; False when the limit was reached meanwhile."""
    stmt = update(DiscountCode).where(DiscountCode.id == discount.id)
    if delta > 0:
        stmt = stmt.where((DiscountCode.usage_limit.is_(None)) | (DiscountCode.times_used < DiscountCode.usage_limit))
    else:
        stmt = stmt.where(DiscountCode.times_used > 0)
    result = session.execute(stmt.values(times_used=DiscountCode.times_used + delta)
                             .execution_options(synchronize_session=False))
    return bool(result.rowcount)
