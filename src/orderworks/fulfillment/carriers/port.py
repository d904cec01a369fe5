"""The port every carrier implements: buy a label for a parcel, tell where a tracking number is followed, and read
the carrier's tracking webhooks. `buy_label` takes the idempotency key of the shipment's label claim: a carrier
answers a repeated key with the first label, never charges for a second one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class TrackingStatus(StrEnum):
    """The carrier's own view of a parcel, kept apart from the shipment's status."""

    PRE_TRANSIT = "pre_transit"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    EXCEPTION = "exception"
    RETURNED_TO_SENDER = "returned_to_sender"


@dataclass(frozen=True)
class LabelAddress:
    name: str
    company: str | None
    line1: str
    line2: str | None
    city: str
    region: str | None
    postal_code: str | None
    country: str  # ISO 3166-1 alpha-2
    phone: str | None


@dataclass(frozen=True)
class Parcel:
    weight_grams: int
    length_mm: int
    width_mm: int
    height_mm: int


@dataclass(frozen=True)
class LabelRequest:
    idempotency_key: str
    ship_from: LabelAddress
    ship_to: LabelAddress
    parcel: Parcel
    service: str | None  # None: the carrier's cheapest service
    reference: str  # order number / shipment ref printed on the label


@dataclass(frozen=True)
class PurchasedLabel:
    carrier: str  # the carrier that moves the parcel ("builtin", "usps", "ups", ...)
    service: str
    tracking_number: str
    label_pdf: bytes
    tracking_url: str
    cost: int | None  # minor units of `currency`
    currency: str | None
    carrier_reference: str | None  # the carrier's id of the shipment/label (EasyPost "shp_...")


@dataclass(frozen=True)
class TrackingUpdate:
    tracking_number: str
    status: str  # a TrackingStatus value
    occurred_at: datetime
    description: str


class CarrierError(Exception):
    """The carrier refused or failed. `retryable` is True when trying again later may work (carrier down, rate
    limited); False when the request itself is at fault (an address it cannot ship to, an overweight parcel)."""

    def __init__(self, code: str, message: str, *, retryable: bool = False):
        super().__init__(message)
        self.code = code
        self.message = message
        self.retryable = retryable


class Carrier(Protocol):
    code: str
    name: str

    def buy_label(self, request: LabelRequest) -> PurchasedLabel:
        """A label for the parcel; idempotent per `request.idempotency_key`."""
        ...

    def tracking_url(self, tracking_number: str) -> str: ...

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> list[TrackingUpdate]:
        """The tracking updates a carrier webhook carries; raises CarrierError for a body it cannot read."""
        ...
