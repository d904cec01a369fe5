"""Warehouse documents: packing slip, pick list and dispatch manifest. Pure renderers: data in, PDF bytes out.

Each carries a Code128 barcode a scanner reads back (order number, pick list ref, manifest number); dates and numbers
are formatted by babel for the document's locale, on A4 or US Letter as printers in that country hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from orderworks.fulfillment.carriers.port import LabelAddress
from orderworks.fulfillment.picking import walk_order
from orderworks.fulfillment.rendering import render_html, render_pdf


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


@dataclass(frozen=True)
class PickBin:
    name: str | None
    entries: list[PickListEntry]


@dataclass(frozen=True)
class PickLocation:
    code: str
    name: str
    bins: list[PickBin] = field(default_factory=list)

    @property
    def units(self) -> int:
        return sum(e.quantity for b in self.bins for e in b.entries)


def pick_walk(entries: list[PickListEntry]) -> list[PickLocation]:
    """The entries grouped by location, then bin, in the order a picker walks them."""
    locations = []
    for (code, name), in_location in groupby(walk_order(entries), key=lambda e: (e.location_code, e.location_name)):
        bins = [PickBin(bin_name, list(in_bin)) for bin_name, in_bin in groupby(in_location, key=lambda e: e.bin)]
        locations.append(PickLocation(code, name, bins))
    return locations


def _packing_slip_context(slip: PackingSlip) -> dict[str, object]:
    return {"doc": slip, "in_package": sum(line.in_this_package for line in slip.lines),
            "to_follow": sum(line.to_follow for line in slip.lines),
            "follow_lines": [line for line in slip.lines if line.to_follow]}


def _pick_list_context(pick_list: PickList) -> dict[str, object]:
    return {"doc": pick_list, "locations": pick_walk(pick_list.entries),
            "units": sum(e.quantity for e in pick_list.entries),
            "orders": len({e.order_number for e in pick_list.entries})}


def _manifest_context(manifest: ManifestDoc) -> dict[str, object]:
    return {"doc": manifest, "total_grams": sum(p.weight_grams or 0 for p in manifest.packages),
            "unweighed": sum(1 for p in manifest.packages if p.weight_grams is None),
            "orders": len({p.order_number for p in manifest.packages})}


def packing_slip_html(slip: PackingSlip) -> str:
    return render_html("packing_slip.html", locale=slip.locale, **_packing_slip_context(slip))


def render_packing_slip(slip: PackingSlip) -> bytes:
    """The slip that goes in the box: what is in this package, what shipped earlier, and what follows later."""
    return render_pdf("packing_slip.html", locale=slip.locale, **_packing_slip_context(slip))


def pick_list_html(pick_list: PickList) -> str:
    return render_html("pick_list.html", locale=pick_list.locale, **_pick_list_context(pick_list))


def render_pick_list(pick_list: PickList) -> bytes:
    """The picker's sheet: by location, then bin in walking order, a checkbox per line."""
    return render_pdf("pick_list.html", locale=pick_list.locale, **_pick_list_context(pick_list))


def manifest_html(manifest: ManifestDoc) -> str:
    return render_html("manifest.html", locale=manifest.locale, **_manifest_context(manifest))


def render_manifest(manifest: ManifestDoc) -> bytes:
    """The sheet the driver signs at pickup: every package and tracking number, with the totals."""
    return render_pdf("manifest.html", locale=manifest.locale, **_manifest_context(manifest))
