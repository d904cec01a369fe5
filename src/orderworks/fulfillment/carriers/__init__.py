"""Carriers behind one port: the built-in carrier (real PDF labels, no account needed) and EasyPost."""

from __future__ import annotations

import re
from urllib.parse import quote

from orderworks.core.settings import Settings
from orderworks.fulfillment.carriers.port import (
    Carrier,
    CarrierError,
    LabelAddress,
    LabelRequest,
    Parcel,
    PurchasedLabel,
    TrackingStatus,
    TrackingUpdate,
)

__all__ = [
    "CARRIERS",
    "Carrier",
    "CarrierError",
    "LabelAddress",
    "LabelRequest",
    "Parcel",
    "PurchasedLabel",
    "TrackingStatus",
    "TrackingUpdate",
    "get_carrier",
    "tracking_url_for",
]

# Where a customer follows a parcel, per carrier code (lower case); {n} is the URL-quoted tracking number.
TRACKING_URLS: dict[str, str] = {
    "builtin": "{base}/parcels/{n}",
    "ups": "https://www.ups.com/track?tracknum={n}",
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={n}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={n}",
    "dhl": "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id={n}",
    "dhl_express": "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id={n}",
    "dhl_ecommerce": "https://webtrack.dhlecs.com/?trackingnumber={n}",
    "canada_post": "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={n}",
    "royal_mail": "https://www.royalmail.com/track-your-item#/tracking-results/{n}",
    "dpd": "https://tracking.dpd.de/parcelstatus?query={n}",
    "gls": "https://gls-group.com/track/{n}",
    "postnl": "https://jouw.postnl.nl/track-and-trace/{n}",
    "australia_post": "https://auspost.com.au/mypost/track/details/{n}",
}
# Names people and EasyPost use for the same carrier.
ALIASES = {"ups": "ups", "usps": "usps", "fedex": "fedex", "fedexdefault": "fedex", "dhlexpress": "dhl_express",
           "dhl": "dhl", "dhlecommerce": "dhl_ecommerce", "dhlecs": "dhl_ecommerce", "canadapost": "canada_post",
           "royalmail": "royal_mail", "dpd": "dpd", "dpduk": "dpd", "gls": "gls", "postnl": "postnl",
           "australiapost": "australia_post", "builtin": "builtin", "orderworkspost": "builtin"}

# The carriers get_carrier knows: code -> name.
CARRIERS = {"builtin": "orderworks Post", "easypost": "EasyPost"}

BUILTIN_TRACKING_BASE = "http://127.0.0.1:8000"


def normalize_carrier(code: str) -> str:
    """"FedEx", "fedex_default", "DHL Express" -> fedex, fedex, dhl_express; an unknown code comes back lowered."""
    squashed = "".join(ch for ch in code.lower() if ch.isalnum())
    return ALIASES.get(squashed, code.strip().lower())


# Number shapes that name their carrier, for carriers reached through an aggregator (EasyPost) with no code.
NUMBER_SHAPES = [
    (re.compile(r"1Z[0-9A-Z]{16}"), "ups"),
    (re.compile(r"OW\d{17}"), "builtin"),
    (re.compile(r"(9[1-5]\d{18,20})|(82\d{8})|([A-Z]{2}\d{9}US)"), "usps"),
    (re.compile(r"\d{12}|\d{15}|\d{20}"), "fedex"),
    (re.compile(r"\d{10,11}|JJD\d{18}|JVGL\d{16,20}"), "dhl"),
]


def guess_carrier(tracking_number: str) -> str | None:
    """The carrier a tracking number belongs to, from its shape (UPS 1Z..., USPS 9x... 20-22 digits, ...)."""
    number = tracking_number.strip().upper().replace(" ", "")
    return next((code for shape, code in NUMBER_SHAPES if shape.fullmatch(number)), None)


def tracking_url_for(carrier_code: str, tracking_number: str, *, base_url: str | None = None) -> str | None:
    """The public tracking page for a number at a carrier, or None for a carrier we have no page for.
    "easypost" (an aggregator) is resolved to the carrier the number's shape names."""
    code = normalize_carrier(carrier_code)
    if code == "easypost":
        code = guess_carrier(tracking_number) or code
    template = TRACKING_URLS.get(code)
    if template is None or not tracking_number.strip():
        return None
    return template.format(n=quote(tracking_number.strip(), safe=""),
                           base=(base_url or BUILTIN_TRACKING_BASE).rstrip("/"))


def get_carrier(code: str, settings: Settings) -> Carrier:
    """The carrier adapter for a code ("builtin" or "easypost"); CarrierError("unknown_carrier") otherwise."""
    if code == "builtin":
        from orderworks.fulfillment.carriers.builtin import BuiltinCarrier

        return BuiltinCarrier(tracking_base_url=settings.public_base_url)
    if code == "easypost":
        from orderworks.fulfillment.carriers.easypost import EasyPostCarrier

        if not settings.easypost_api_key:
            raise CarrierError("carrier_not_configured", "EasyPost needs ORDERWORKS_EASYPOST_API_KEY")
        return EasyPostCarrier(api_key=settings.easypost_api_key, api_base=settings.easypost_api_base,
                               webhook_secret=settings.easypost_webhook_secret)
    raise CarrierError("unknown_carrier", f"unknown carrier {code!r}: use one of {', '.join(CARRIERS)}")
