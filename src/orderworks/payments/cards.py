"""Card numbers, pure: Luhn check, brand, expiry. A number never leaves the request: only the gateway's token,
the brand, the last four digits and the expiry are kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from orderworks.core.errors import ValidationFailed

BRANDS = (  # (prefixes, brand): the first match wins
    (("34", "37"), "amex"),
    (("4",), "visa"),
    (("51", "52", "53", "54", "55", "22", "23", "24", "25", "26", "27"), "mastercard"),
    (("6011", "65", "644", "645", "646", "647", "648", "649"), "discover"),
    (("35",), "jcb"),
    (("36", "38", "30"), "diners"),
)


@dataclass(frozen=True)
class CardDetails:
    """What the customer typed. Lives only as long as the request."""

    number: str
    exp_month: int
    exp_year: int
    cvc: str

    def __repr__(self) -> str:  # never print a card number into a log
        return f"CardDetails(**** {self.number[-4:]}, {self.exp_month:02d}/{self.exp_year})"


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def brand_of(number: str) -> str:
    for prefixes, brand in BRANDS:
        if number.startswith(prefixes):
            return brand
    return "unknown"


def check_card(card: CardDetails, *, today: date) -> CardDetails:
    """A clean card: digits only, Luhn-valid, not expired, a CVC of the right length. 422 with the field otherwise."""
    number = card.number.replace(" ", "").replace("-", "")
    if not number.isdigit() or not 12 <= len(number) <= 19 or not luhn_ok(number):
        raise ValidationFailed("The card number is not valid; check the digits", field="card.number")
    if not 1 <= card.exp_month <= 12:
        raise ValidationFailed("The expiry month is 1 to 12", field="card.exp_month")
    year = card.exp_year + 2000 if card.exp_year < 100 else card.exp_year
    if (year, card.exp_month) < (today.year, today.month):
        raise ValidationFailed(f"The card expired at the end of {card.exp_month:02d}/{year}", field="card.exp_year")
    cvc_length = 4 if brand_of(number) == "amex" else 3
    if not card.cvc.isdigit() or len(card.cvc) != cvc_length:
        raise ValidationFailed(f"The security code (CVC) has {cvc_length} digits", field="card.cvc")
    return CardDetails(number, card.exp_month, year, card.cvc)
