"""Setting up how orders are priced: the store's currencies and tax mode, shipping zones and methods, tax rates
and discount codes."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import available_timezones

import pycountry
from sqlalchemy import select

from orderworks.core.errors import AlreadyExists, NotFound, ValidationFailed
from orderworks.core.money import check_currency, parse_amount
from orderworks.core.store import Store, get_store
from orderworks.core.uow import UnitOfWork
from orderworks.orders.models import DiscountCode, ShippingMethod, ShippingZone, TaxRate

STORE_FIELDS = ("name", "email", "phone", "address", "country", "locale", "timezone", "default_currency",
                "currencies", "prices_include_tax", "order_number_prefix", "order_number_start",
                "payment_mode", "declined_stock_hold_minutes", "auto_invoice", "ship_promise_days",
                "unpaid_order_timeout_minutes", "authorization_expiry_days")
# Automation settings counted in whole minutes or days: none may be negative (the back office's settings screen).
WHOLE_NUMBER_FIELDS = ("declined_stock_hold_minutes", "ship_promise_days", "order_number_start",
                       "unpaid_order_timeout_minutes", "authorization_expiry_days")
UNPAID_TIMEOUT = "unpaid_order_timeout_minutes"
PAYMENT_MODES = ("authorize", "authorize_and_capture")


def _country(code: str, field: str) -> str:
    if code != "*" and pycountry.countries.get(alpha_2=code.upper()) is None:
        raise ValidationFailed(f"'{code}' is not an ISO 3166 country code", field=field)
    return code.upper()


def _amounts(values: dict[str, str], field: str) -> dict[str, int]:
    return {check_currency(c, field=f"{field}.{c}"): parse_amount(a, c, field=f"{field}.{c}") for c, a in values.items()}


def update_store(uow: UnitOfWork, changes: dict[str, Any]) -> Store:
    """Change the store's name, contact, currencies sold, tax mode or order numbering."""
    if "currencies" in changes and changes["currencies"] is not None:
        if not changes["currencies"]:
            raise ValidationFailed("Sell in at least one currency", field="currencies")
        for i, c in enumerate(changes["currencies"]):
            check_currency(c, field=f"currencies[{i}]")
    if changes.get("default_currency") is not None:
        check_currency(changes["default_currency"], field="default_currency")
    if changes.get("country") is not None:
        changes["country"] = _country(changes["country"], "country")
    if changes.get("timezone") is not None and changes["timezone"] not in available_timezones():
        raise ValidationFailed(f"'{changes['timezone']}' is not a time zone name like Europe/Paris", field="timezone")
    if changes.get("payment_mode") is not None and changes["payment_mode"] not in PAYMENT_MODES:
        raise ValidationFailed(f"payment_mode is one of {', '.join(PAYMENT_MODES)}", field="payment_mode")
    for name in WHOLE_NUMBER_FIELDS:
        value = changes.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise ValidationFailed(f"{name} is a whole number, 0 or more", field=name)
    with uow:
        store = get_store(uow.session)
        for name in STORE_FIELDS:
            if changes.get(name) is not None:
                setattr(store, name, changes[name])
        if UNPAID_TIMEOUT in changes:  # None (the settings screen's empty field) or 0 switches the rule off
            store.unpaid_order_timeout_minutes = changes[UNPAID_TIMEOUT] or None
        if store.default_currency not in store.currencies:
            raise ValidationFailed("The default currency must be one of the currencies sold", field="default_currency")
        uow.commit()
    return store


def get_store_settings(uow: UnitOfWork) -> Store:
    with uow:
        store = get_store(uow.session)
        uow.commit()  # the first read creates the row
    return store


def create_shipping_zone(uow: UnitOfWork, *, code: str, name: str, countries: list[str]) -> ShippingZone:
    """A set of countries that share shipping methods ('*' is everywhere else)."""
    if not countries:
        raise ValidationFailed("A zone needs at least one country", field="countries")
    normalized = [_country(c, f"countries[{i}]") for i, c in enumerate(countries)]
    with uow:
        if uow.session.execute(select(ShippingZone.id).where(ShippingZone.code == code)).first():
            raise AlreadyExists(f"Shipping zone '{code}' already exists", field="code")
        zone = ShippingZone(code=code, name=name, countries=normalized)
        uow.session.add(zone)
        uow.commit()
    return zone


def create_shipping_method(uow: UnitOfWork, *, zone: str, code: str, name: str, kind: str,
                           rates: dict[str, Any], free_over: dict[str, str] | None = None,
                           tax_class: str = "standard") -> ShippingMethod:
    """A flat-price method ({"USD": "5.00"}) or a weight table ({"USD": [[1000, "5.00"], [5000, "9.00"]]})."""
    if kind not in ("flat", "weight"):
        raise ValidationFailed("kind must be 'flat' or 'weight'", field="kind")
    stored = _rates(kind, rates)
    with uow:
        zone_row = uow.session.execute(select(ShippingZone).where(ShippingZone.code == zone)).scalar_one_or_none()
        if zone_row is None:
            raise NotFound(f"No shipping zone '{zone}'", field="zone")
        if uow.session.execute(select(ShippingMethod.id).where(ShippingMethod.zone_id == zone_row.id,
                                                               ShippingMethod.code == code)).first():
            raise AlreadyExists(f"Zone '{zone}' already has a method '{code}'", field="code")
        method = ShippingMethod(zone_id=zone_row.id, code=code, name=name, kind=kind, rates=stored,
                                free_over=_amounts(free_over or {}, "free_over"), tax_class=tax_class)
        uow.session.add(method)
        uow.commit()
    return method


def _rates(kind: str, rates: dict[str, Any]) -> dict[str, Any]:
    if not rates:
        raise ValidationFailed("Give a price in at least one currency", field="rates")
    if kind == "flat":
        if not all(isinstance(v, str) for v in rates.values()):
            raise ValidationFailed("A flat rate is an amount per currency, like {\"USD\": \"5.00\"}", field="rates")
        return _amounts(rates, "rates")
    stored: dict[str, Any] = {}
    for currency, table in rates.items():
        check_currency(currency, field=f"rates.{currency}")
        if not isinstance(table, list) or not table:
            raise ValidationFailed("A weight table is a list of [max grams, amount]", field=f"rates.{currency}")
        rows = []
        for i, row in enumerate(table):
            if not (isinstance(row, list | tuple) and len(row) == 2 and isinstance(row[0], int) and row[0] > 0
                    and isinstance(row[1], str)):
                raise ValidationFailed("Each row is [max grams, amount]", field=f"rates.{currency}[{i}]")
            rows.append([row[0], parse_amount(row[1], currency, field=f"rates.{currency}[{i}]")])
        stored[currency] = sorted(rows)
    return stored


def parse_rate_ppm(rate: str, *, field: str = "rate") -> int:
    """'8.875' (percent) -> 88750 millionths."""
    if not isinstance(rate, str) or not re.fullmatch(r"\d{1,3}(\.\d{1,4})?", rate) or Decimal(rate) > 100:
        raise ValidationFailed("rate is a percentage from 0 to 100 with at most 4 decimals, like 8.875", field=field)
    return int(Decimal(rate) * 10_000)


def set_tax_rate(uow: UnitOfWork, *, country: str, region: str = "", tax_class: str = "standard",
                 rate: str, name: str) -> TaxRate:
    """Set the tax rate (a percentage like '20' or '8.875') for a country or one of its regions."""
    country = _country(country, "country")
    ppm = parse_rate_ppm(rate)
    with uow:
        row = uow.session.execute(select(TaxRate).where(TaxRate.country == country, TaxRate.region == region,
                                                        TaxRate.tax_class == tax_class)).scalar_one_or_none()
        if row is None:
            row = TaxRate(country=country, region=region, tax_class=tax_class, rate_ppm=ppm, name=name)
            uow.session.add(row)
        else:
            row.rate_ppm, row.name = ppm, name
        uow.commit()
    return row


def create_discount_code(uow: UnitOfWork, *, code: str, kind: str, percent: str | None = None,
                         amounts: dict[str, str] | None = None, min_subtotal: dict[str, str] | None = None,
                         starts_at: datetime | None = None, ends_at: datetime | None = None,
                         usage_limit: int | None = None) -> DiscountCode:
    """A percentage code ('10' is 10% off items) or a fixed-amount code per currency, with dates and a limit."""
    if kind not in ("percentage", "fixed"):
        raise ValidationFailed("kind must be 'percentage' or 'fixed'", field="kind")
    percent_bp = 0
    if kind == "percentage":
        if percent is None:
            raise ValidationFailed("A percentage code needs 'percent'", field="percent")
        percent_bp = parse_amount(percent, "USD", field="percent")  # two decimals: basis points
        if not 0 < percent_bp <= 10_000:
            raise ValidationFailed("percent must be above 0 and at most 100", field="percent")
    fixed = _amounts(amounts or {}, "amounts")
    if kind == "fixed" and not fixed:
        raise ValidationFailed("A fixed code needs an amount per currency", field="amounts")
    if starts_at and ends_at and ends_at <= starts_at:
        raise ValidationFailed("ends_at must be after starts_at", field="ends_at")
    with uow:
        if uow.session.execute(select(DiscountCode.id).where(DiscountCode.code == code.upper())).first():
            raise AlreadyExists(f"Discount code '{code}' already exists", field="code")
        row = DiscountCode(code=code.upper(), kind=kind, percent_bp=percent_bp, amounts=fixed,
                           min_subtotal=_amounts(min_subtotal or {}, "min_subtotal"), starts_at=starts_at,
                           ends_at=ends_at, usage_limit=usage_limit)
        uow.session.add(row)
        uow.commit()
    return row


def list_pricing(uow: UnitOfWork) -> tuple[list[ShippingZone], list[ShippingMethod], list[TaxRate],
                                           list[DiscountCode]]:
    with uow:
        s = uow.session
        return (list(s.execute(select(ShippingZone).order_by(ShippingZone.code)).scalars()),
                list(s.execute(select(ShippingMethod).order_by(ShippingMethod.code)).scalars()),
                list(s.execute(select(TaxRate).order_by(TaxRate.country, TaxRate.region)).scalars()),
                list(s.execute(select(DiscountCode).order_by(DiscountCode.code)).scalars()))
