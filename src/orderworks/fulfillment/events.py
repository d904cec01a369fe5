"""Events the fulfilment area emits (contracts.md): every payload carries the order id and number. Lines are lists
of {sku, name, quantity}; `remaining` is what the order still has to ship (what a shipping email says follows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ShipmentReady:
    order_id: str
    number: str
    shipment_id: str
    location_code: str


@dataclass(frozen=True)
class ShipmentShipped:
    order_id: str
    number: str
    shipment_id: str
    carrier: str
    tracking_numbers: list[str]
    tracking_url: str | None
    lines: list[dict[str, Any]] = field(default_factory=list)
    remaining: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ShipmentDelivered:
    order_id: str
    number: str
    shipment_id: str
    delivered_at: str  # ISO-8601


@dataclass(frozen=True)
class ShipmentTrackingUpdated:
    order_id: str
    number: str
    shipment_id: str
    tracking_status: str
    previous: str | None
    description: str = ""


@dataclass(frozen=True)
class ShipmentCanceled:
    order_id: str
    number: str
    shipment_id: str
    reason: str


@dataclass(frozen=True)
class OrderBackordered:
    order_id: str
    number: str
    lines: list[dict[str, Any]]


@dataclass(frozen=True)
class OrderFulfilled:
    order_id: str
    number: str


@dataclass(frozen=True)
class OrderCompleted:
    order_id: str
    number: str


@dataclass(frozen=True)
class DigitalGoodsDelivered:
    order_id: str
    number: str
    items: list[dict[str, Any]]  # each {sku, name, download_url, licence_key}
