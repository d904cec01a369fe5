"""Events the inventory area emits."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StockChanged:
    """On-hand stock of a SKU at a location changed by a receipt, an adjustment or a count."""

    aggregate_id: str  # the SKU
    sku: str
    location: str
    kind: str
    delta: int
    on_hand: int
    available: int
    reason: str
    aggregate_type: str = "stock"
