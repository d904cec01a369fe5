"""Fulfilment API shapes: shipments (with lines, packages and tracking), ship requests, CSV results, pick lists
and manifests."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from orderworks.core.web import UtcDatetime
from orderworks.fulfillment.rules import AllocationStrategy, TrackingStatus
from orderworks.fulfillment.service.batch import ShipResult
from orderworks.fulfillment.service.queries import ShipmentView

UnpaidMethod = Literal["cod", "net_terms", "invoice", "bank_transfer", "check"]  # service/settings.UNPAID_METHODS


class ShipmentLineOut(BaseModel):
    order_line_id: str
    sku: str
    name: str
    quantity: int


class PackageOut(BaseModel):
    id: str
    weight_grams: int | None
    length_mm: int | None
    width_mm: int | None
    height_mm: int | None
    carrier: str | None
    tracking_number: str | None
    label_status: str
    manifest_id: str | None


class ShipmentOut(BaseModel):
    id: str
    ref: str
    order_id: str
    order_number: str
    status: str
    location: str
    lines: list[ShipmentLineOut]
    packages: list[PackageOut]
    carrier: str | None
    service: str | None
    tracking_numbers: list[str]
    tracking_status: str | None
    tracking_url: str | None
    pick_list_id: str | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime

    @classmethod
    def from_view(cls, v: ShipmentView) -> ShipmentOut:
        s = v.shipment
        return cls(
            id=str(s.id), ref=s.ref, order_id=str(s.order_id), order_number=v.order_number, status=s.status,
            location=v.location_code,
            lines=[ShipmentLineOut(order_line_id=str(x.order_line_id), sku=x.sku, name=x.name, quantity=x.quantity)
                   for x in s.lines],
            packages=[PackageOut(id=str(p.id), weight_grams=p.weight_grams, length_mm=p.length_mm,
                                 width_mm=p.width_mm, height_mm=p.height_mm, carrier=p.carrier,
                                 tracking_number=p.tracking_number, label_status=p.label_status,
                                 manifest_id=str(p.manifest_id) if p.manifest_id else None) for p in s.packages],
            carrier=s.carrier, service=s.service, tracking_numbers=list(s.tracking_numbers or []),
            tracking_status=s.tracking_status, tracking_url=s.tracking_url,
            pick_list_id=str(s.pick_list_id) if s.pick_list_id else None, shipped_at=s.shipped_at,
            delivered_at=s.delivered_at, created_at=s.created_at)


class ShipmentPage(BaseModel):
    items: list[ShipmentOut]
    next_cursor: str | None


class ShipIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    carrier: str = Field(min_length=1, max_length=32)
    tracking_numbers: list[str] = Field(default_factory=list, max_length=50)
    service: str | None = Field(default=None, max_length=64)


class DeliverIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    delivered_at: UtcDatetime | None = None


class PackageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    weight_grams: int | None = Field(default=None, ge=0, le=1_000_000)
    length_mm: int | None = Field(default=None, ge=0, le=10_000)
    width_mm: int | None = Field(default=None, ge=0, le=10_000)
    height_mm: int | None = Field(default=None, ge=0, le=10_000)


class PackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    packages: list[PackageIn] = Field(default_factory=list, max_length=50)


class TrackingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: TrackingStatus
    occurred_at: UtcDatetime | None = None
    description: str = Field(default="", max_length=2000)


class ShipOrdersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    order_ids: list[str] = Field(min_length=1, max_length=500)
    carrier: str = Field(min_length=1, max_length=32)
    tracking_numbers: dict[str, list[str]] = Field(default_factory=dict)


class ShipResultOut(BaseModel):
    row: int
    order_number: str
    status: str
    shipment_ids: list[str]
    error: dict[str, object] | None = None

    @classmethod
    def from_result(cls, r: ShipResult) -> ShipResultOut:
        return cls(row=r.row, order_number=r.order_number, status=r.status, shipment_ids=r.shipment_ids,
                   error=r.error)


class ShipResultsOut(BaseModel):
    shipped: int
    unchanged: int
    failed: int
    results: list[ShipResultOut]

    @classmethod
    def from_results(cls, results: list[ShipResult]) -> ShipResultsOut:
        return cls(shipped=sum(r.status in ("shipped", "tracking_added") for r in results),
                   unchanged=sum(r.status == "unchanged" for r in results),
                   failed=sum(r.status == "error" for r in results),
                   results=[ShipResultOut.from_result(r) for r in results])


class ShippingTermsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: str = Field(min_length=1, max_length=32)
    note: str = Field(default="", max_length=500)


class PickListIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    shipment_ids: list[str] = Field(default_factory=list, max_length=500)
    order_ids: list[str] = Field(default_factory=list, max_length=500)
    location: str | None = Field(default=None, max_length=64)


class PickListOut(BaseModel):
    id: str
    ref: str
    created_at: datetime
    shipment_ids: list[str]


class ManifestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    carrier: str = Field(min_length=1, max_length=32)
    location: str = Field(min_length=1, max_length=64)


class ManifestOut(BaseModel):
    id: str
    number: str
    carrier: str
    location: str
    closed_at: datetime
    package_count: int
    tracking_numbers: list[str]


class WebhookResultOut(BaseModel):
    received: int
    applied: int
    ignored: int


class FulfillmentSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    allocation_strategy: AllocationStrategy | None = None
    ship_unpaid_methods: list[UnpaidMethod] | None = Field(default=None, max_length=10)


class FulfillmentSettingsOut(BaseModel):
    allocation_strategy: str
    ship_unpaid_methods: list[str]
