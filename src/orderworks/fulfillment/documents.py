"""Warehouse documents: packing slip, pick list and dispatch manifest. Pure renderers: data in, PDF bytes out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from orderworks.fulfillment.carriers.port import LabelAddress


@dataclass(frozen=True)
class PackingSlipLine:
    sku: str
    name: str
    ordered: int
    in_this_package: int
    shipped_earlier: int
    to_follow: int


@dataclass(frozen=True)
class PackingSlip:
    store_name: str
    store_address: LabelAddress | None
    order_number: str
    order_date: datetime
    shipment_ref: str
    ship_to: LabelAddress
    lines: list[PackingSlipLine]
    locale: str
    note: str | None = None


@dataclass(frozen=True)
class PickListEntry:
    location_code: str
    location_name: str
    bin: str | None
    sku: str
    name: str
    quantity: int
    order_number: str
    shipment_ref: str


@dataclass(frozen=True)
class PickList:
    ref: str
    created_at: datetime
    entries: list[PickListEntry]
    locale: str


@dataclass(frozen=True)
class ManifestPackage:
    tracking_number: str
    order_number: str
    shipment_ref: str
    weight_grams: int | None


@dataclass(frozen=True)
class ManifestDoc:
    number: str
    carrier: str
    carrier_name: str
    location_code: str
    location_name: str
    closed_at: datetime
    packages: list[ManifestPackage]
    locale: str


def render_packing_slip(slip: PackingSlip) -> bytes:
    raise NotImplementedError


def render_pick_list(pick_list: PickList) -> bytes:
    raise NotImplementedError


def render_manifest(manifest: ManifestDoc) -> bytes:
    raise NotImplementedError
