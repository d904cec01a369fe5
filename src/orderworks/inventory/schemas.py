"""Inventory API models."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from orderworks.catalog.importing import Outcome
from orderworks.inventory.importing import ImportReport
from orderworks.inventory.models import StockLocation

Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")]
Country = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$", examples=["US"])]
Bin = Annotated[str, Field(min_length=1, max_length=32)]


class LocationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Code
    name: Annotated[str, Field(min_length=1, max_length=200)]
    country: Country
    kind: Annotated[str, Field(pattern=r"^(warehouse|store)$")] = "warehouse"
    region: Annotated[str, Field(max_length=64)] | None = None
    priority: Annotated[int, Field(strict=True, ge=0, le=1_000_000)] = 100


class LocationPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    country: Country | None = None
    region: Annotated[str, Field(max_length=64)] | None = None
    priority: Annotated[int, Field(strict=True, ge=0, le=1_000_000)] | None = None
    active: StrictBool | None = None


class LocationOut(BaseModel):
    id: str
    code: str
    name: str
    kind: str
    country: str
    region: str | None
    priority: int
    active: bool

    @classmethod
    def from_model(cls, loc: StockLocation) -> LocationOut:
        return cls(id=str(loc.id), code=loc.code, name=loc.name, kind=loc.kind, country=loc.country,
                   region=loc.region, priority=loc.priority, active=loc.active)


class AdjustmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: Annotated[str, Field(min_length=1, max_length=64)]
    location: Code
    quantity: Annotated[int, Field(strict=True, ge=-1_000_000_000, le=1_000_000_000,
                                   description="Signed: a receipt is positive, a write-off negative")]
    reason: Annotated[str, Field(max_length=300)] = ""
    bin: Bin | None = None


class CountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: Annotated[str, Field(min_length=1, max_length=64)]
    location: Code
    counted: Annotated[int, Field(strict=True, ge=0, le=1_000_000_000)]
    reason: Annotated[str, Field(max_length=300)] = ""
    bin: Bin | None = None


class StockChangeOut(BaseModel):
    sku: str
    location: str
    on_hand: int
    reserved: int
    available: int


class LocationStockOut(BaseModel):
    location: str
    location_name: str
    on_hand: int
    reserved: int
    available: int
    bin: str | None


class StockOut(BaseModel):
    sku: str
    on_hand: int
    reserved: int
    available: int
    locations: list[LocationStockOut]


class ImportRowOut(BaseModel):
    row: int = Field(description="The line in the file (the header is line 1)")
    sku: str
    outcome: str = Field(description="created, updated, unchanged or refused")
    code: str | None = None
    field: str | None = None
    message: str | None = None


class ImportReportOut(BaseModel):
    dry_run: bool
    created: int
    updated: int
    unchanged: int
    refused: int
    rows: list[ImportRowOut]

    @classmethod
    def from_report(cls, report: ImportReport) -> ImportReportOut:
        return cls(dry_run=report.dry_run, created=report.count(Outcome.CREATED),
                   updated=report.count(Outcome.UPDATED), unchanged=report.count(Outcome.UNCHANGED),
                   refused=report.count(Outcome.REFUSED), rows=[ImportRowOut(**vars(r)) for r in report.rows])
