"""Events the catalog emits, so storefronts and marketplaces can follow product and price changes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ProductCreated:
    aggregate_id: str  # the product id
    sku: str
    name: str
    aggregate_type: str = "product"


@dataclass(frozen=True)
class ProductUpdated:
    aggregate_id: str
    sku: str
    changes: list[str] = field(default_factory=list)
    aggregate_type: str = "product"


@dataclass(frozen=True)
class VendorSaved:
    aggregate_id: str  # the vendor id
    code: str
    created: bool
    aggregate_type: str = "vendor"
