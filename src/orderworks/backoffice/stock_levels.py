"""The stock screen's read: levels per SKU and location (on hand, reserved, available, bin), a keyset page at a
time in SKU then location order, optionally for a SKU prefix or one location."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from orderworks.catalog.models import Variant
from orderworks.core.pagination import check_limit, decode_cursor, encode_cursor
from orderworks.core.uow import UnitOfWork
from orderworks.inventory.models import StockLevel, StockLocation


@dataclass(frozen=True)
class LevelRow:
    sku: str
    name: str
    location: str
    location_name: str
    on_hand: int
    reserved: int
    bin: str | None

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


@dataclass(frozen=True)
class LevelPage:
    rows: list[LevelRow]
    next_cursor: str | None


def stock_levels(uow: UnitOfWork, *, sku: str = "", location: str = "", cursor: str | None = None,
                 limit: int = 50) -> LevelPage:
    check_limit(limit)
    stmt = (select(Variant.sku, Variant.name, StockLocation.code, StockLocation.name, StockLevel.on_hand,
                   StockLevel.reserved, StockLevel.bin)
            .join(Variant, Variant.id == StockLevel.variant_id)
            .join(StockLocation, StockLocation.id == StockLevel.location_id)
            .order_by(Variant.sku, StockLocation.code).limit(limit + 1))
    if sku.strip():
        term = sku.strip().upper().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Variant.sku.like(f"{term}%", escape="\\"))
    if location.strip():
        stmt = stmt.where(StockLocation.code == location.strip())
    if cursor:
        last_sku, last_code = decode_cursor(cursor, 2)
        stmt = stmt.where(or_(Variant.sku > last_sku, (Variant.sku == last_sku) & (StockLocation.code > last_code)))
    with uow:
        rows = [LevelRow(*r) for r in uow.session.execute(stmt).all()]
    more = len(rows) > limit
    rows = rows[:limit]
    return LevelPage(rows, encode_cursor(rows[-1].sku, rows[-1].location) if more else None)
