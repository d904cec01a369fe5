"""Money: integer minor units, exponents from babel, one rounding function."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import orderworks
from orderworks.core.errors import ValidationFailed
from orderworks.core.money import MAX_MINOR, exponent, parse_amount, round_half_up, to_decimal_string

EXPONENTS = {"USD": 2, "EUR": 2, "JPY": 0, "BHD": 3, "KWD": 3}
CURRENCIES = st.sampled_from(sorted(EXPONENTS))
MINOR = st.integers(min_value=-MAX_MINOR, max_value=MAX_MINOR)


@pytest.mark.parametrize(("currency", "places"), sorted(EXPONENTS.items()))
def test_exponents_come_from_babel(currency: str, places: int) -> None:
    assert exponent(currency) == places


@given(minor=MINOR, currency=CURRENCIES)
def test_a_decimal_string_reads_back_as_the_same_minor_units(minor: int, currency: str) -> None:
    text = to_decimal_string(minor, currency)
    assert parse_amount(text, currency, allow_negative=True) == minor
    places = EXPONENTS[currency]
    assert ("." in text) == (places > 0)
    if places:
        assert len(text.split(".")[1]) == places


@given(currency=CURRENCIES, data=st.data())
def test_an_amount_typed_with_the_currency_s_decimals_round_trips_to_the_same_value(currency: str, data) -> None:  # type: ignore[no-untyped-def]
    places = EXPONENTS[currency]
    whole = data.draw(st.integers(min_value=0, max_value=20_000))
    frac = data.draw(st.text("0123456789", min_size=1, max_size=places)) if places else ""
    text = f"{whole}.{frac}" if frac else str(whole)
    minor = parse_amount(text, currency)
    assert Decimal(to_decimal_string(minor, currency)) == Decimal(text)


@pytest.mark.parametrize(("text", "currency"), [
    ("1.5", "JPY"), ("19.999", "USD"), ("1.0001", "BHD"), ("0.0005", "KWD"),
])
def test_more_decimals_than_the_currency_has_are_refused(text: str, currency: str) -> None:
    with pytest.raises(ValidationFailed, match="decimal places"):
        parse_amount(text, currency, field="price")


@pytest.mark.parametrize("text", ["19,99", "1e3", " 5", "5.", ".5", "--1", "NaN", "Infinity", ""])
def test_anything_but_a_plain_number_is_refused(text: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_amount(text, "USD", field="price")
    assert refused.value.field == "price"


def test_an_amount_too_big_for_an_integer_column_is_refused_not_overflowed() -> None:
    assert parse_amount("21474836.47", "USD") == MAX_MINOR
    with pytest.raises(ValidationFailed, match="the most one amount can be") as refused:
        parse_amount("21474836.48", "USD", field="price")
    assert refused.value.field == "price"
    with pytest.raises(ValidationFailed):
        parse_amount("999999999999", "JPY")


def test_negative_amounts_are_refused_unless_asked_for() -> None:
    with pytest.raises(ValidationFailed, match="negative"):
        parse_amount("-1.00", "USD")
    assert parse_amount("-1.00", "USD", allow_negative=True) == -100


@given(whole=st.integers(min_value=-10**9, max_value=10**9),
       fraction=st.integers(min_value=0, max_value=9999))
def test_rounding_is_half_up_away_from_zero(whole: int, fraction: int) -> None:
    magnitude = Decimal(abs(whole)) + Decimal(fraction) / 10_000
    expected = abs(whole) + (1 if fraction >= 5000 else 0)
    assert round_half_up(magnitude) == expected
    assert round_half_up(-magnitude) == -expected


SOURCE = Path(orderworks.__file__).parent
OTHER_ROUNDING = re.compile(r"\bROUND_[A-Z_]+|\.quantize\(|(?<![\w.])round\(")


def test_money_is_rounded_in_one_place_only() -> None:
    offenders = [str(path.relative_to(SOURCE)) for path in SOURCE.rglob("*.py")
                 if path.name != "money.py" and OTHER_ROUNDING.search(path.read_text())]
    assert offenders == []
