"""Money is an integer count of minor units plus an ISO 4217 code. Exponents come from babel.

`Decimal` appears only inside tax and proration maths, and every such result goes through `round_half_up`.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from babel.numbers import format_currency, get_currency_precision, list_currencies

from orderworks.core.errors import ValidationFailed

AMOUNT_PATTERN = r"^-?\d{1,12}(\.\d{1,4})?$"
# Amounts live in INTEGER columns (32-bit on PostgreSQL): $21,474,836.47, or 2,147,483,647 yen, at most.
MAX_MINOR = 2**31 - 1
_AMOUNT_RE = re.compile(AMOUNT_PATTERN)


@cache
def known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def check_currency(code: str, *, field: str = "currency") -> str:
    if not isinstance(code, str) or code.upper() != code or code not in known_currencies():
        raise ValidationFailed(f"'{code}' is not an ISO 4217 currency code", field=field)
    return code


@cache
def exponent(currency: str) -> int:
    return int(get_currency_precision(currency))


def round_half_up(value: Decimal) -> int:
    """The one rounding function: a Decimal amount of minor units to a whole number, halves away from zero."""
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def parse_amount(text: str, currency: str, *, field: str = "amount", allow_negative: bool = False) -> int:
    """'19.99' in USD -> 1999. Refuses more decimals than the currency has, and anything not a plain number."""
    if not isinstance(text, str) or not _AMOUNT_RE.match(text):
        raise ValidationFailed(f"'{text}' is not an amount: write it like 19.99", field=field)
    try:
        value = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already guards this
        raise ValidationFailed(f"'{text}' is not an amount", field=field) from exc
    exp = exponent(currency)
    minor = value.scaleb(exp)
    if minor != minor.to_integral_value():
        raise ValidationFailed(f"{currency} amounts have {exp} decimal places at most, got '{text}'", field=field)
    if minor < 0 and not allow_negative:
        raise ValidationFailed("The amount cannot be negative", field=field)
    if abs(minor) > MAX_MINOR:
        raise ValidationFailed(f"The amount is more than {to_decimal_string(MAX_MINOR, currency)} {currency}, "
                               "the most one amount can be", field=field)
    return int(minor)


def to_decimal_string(minor: int, currency: str) -> str:
    """1999 in USD -> '19.99'; 500 in JPY -> '500'."""
    exp = exponent(currency)
    if exp == 0:
        return str(minor)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**exp)
    return f"{sign}{whole}.{frac:0{exp}d}"


def format_money(minor: int, currency: str, locale: str = "en_US") -> str:
    """For people: 1999 USD -> '$19.99' (en_US), '19,99 $US' (fr_FR)."""
    return format_currency(Decimal(minor).scaleb(-exponent(currency)), currency, locale=locale)
