"""Import products and stock levels from a CSV file, one transaction per row, with a report of every row.

A row creates its product when the SKU is new, updates what differs otherwise, and sets the stock level at its
location to the counted `on_hand` (the ledger gets the difference, as a stock count). A refused row writes
nothing and says why; the other rows still go in. Importing the same file again changes nothing: no ledger rows,
no outbox events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError

from orderworks.catalog.importing import (
    STOCK_COLUMNS,
    CsvRow,
    Outcome,
    ProductRow,
    StockCount,
    parse_row,
    read_csv,
    save_product,
)
from orderworks.catalog.models import Variant
from orderworks.core.actor import Actor
from orderworks.core.errors import DomainError, Forbidden, NotFound
from orderworks.core.uow import UnitOfWork
from orderworks.inventory.models import StockLevel, StockLocation
from orderworks.inventory.service import count_stock

IMPORT_REASON = "CSV import"


@dataclass(frozen=True)
class RowResult:
    row: int
    sku: str
    outcome: Outcome
    code: str | None = None
    field: str | None = None
    message: str | None = None


@dataclass
class ImportReport:
    dry_run: bool = False
    rows: list[RowResult] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def refused(self) -> list[RowResult]:
        return [r for r in self.rows if r.outcome == Outcome.REFUSED]


def import_products(new_uow: Callable[[], UnitOfWork], data: bytes, *, actor: Actor, dry_run: bool = False,
                    may_count_stock: bool = True, on_start: Callable[[int], None] | None = None,
                    on_row: Callable[[RowResult], None] | None = None) -> ImportReport:
    """Import a products CSV (see `catalog.importing` for the columns); each row is its own transaction.

    A dry run does every row's writes and rolls each one back, so it refuses exactly what a real run would
    (database checks included); rows never depend on one another, so rolling back loses nothing a later row needs.
    Raises `ImportFileInvalid` when the file itself is unreadable (encoding, header), and `Forbidden` when it has
    stock columns and the caller may not change stock: then nothing is imported.
    """
    csv_file = read_csv(data)
    if not may_count_stock and set(STOCK_COLUMNS) & set(csv_file.columns):
        raise Forbidden("The file sets stock levels (location, on_hand, bin) and this role may not change stock",
                        field="file")
    if on_start:
        on_start(len(csv_file.rows))
    report = ImportReport(dry_run=dry_run)
    for result in _import_rows(new_uow, csv_file.rows, actor=actor, dry_run=dry_run):
        report.rows.append(result)
        if on_row:
            on_row(result)
    return report


def _import_rows(new_uow: Callable[[], UnitOfWork], rows: Iterable[CsvRow], *, actor: Actor,
                 dry_run: bool) -> Iterable[RowResult]:
    first_seen: dict[str, int] = {}
    for row in rows:
        sku = row.values.get("sku", "")
        if sku and sku in first_seen:
            yield RowResult(row.number, sku, Outcome.REFUSED, "duplicate_sku", "sku",
                            f"SKU '{sku}' is already on row {first_seen[sku]}: one row per SKU")
            continue
        if sku:
            first_seen[sku] = row.number
        try:
            outcome = import_row(new_uow(), parse_row(row), actor=actor, dry_run=dry_run)
        except DomainError as exc:
            yield RowResult(row.number, sku, Outcome.REFUSED, exc.code, exc.field, exc.message)
        except (IntegrityError, DataError) as exc:  # a value the database refuses (or a SKU created meanwhile)
            yield RowResult(row.number, sku, Outcome.REFUSED, "rejected_by_database", None,
                            str(exc.orig).splitlines()[0])
        else:
            yield RowResult(row.number, sku, outcome)


def import_row(uow: UnitOfWork, row: ProductRow, *, actor: Actor, dry_run: bool = False) -> Outcome:
    """One row, one transaction: save the product, then count its stock at the row's location."""
    with uow:
        outcome = save_product(uow, row)
        if row.stock is not None and _count(uow, row.sku, row.stock, actor):
            outcome = Outcome.UPDATED if outcome == Outcome.UNCHANGED else outcome
        if not dry_run:
            uow.commit()
    return outcome


def _count(uow: UnitOfWork, sku: str, stock: StockCount, actor: Actor) -> bool:
    """Set the level to the counted quantity; False (and nothing written) when it already is that."""
    # One query for the location and the SKU's level there (none yet: nothing on hand).
    variant_id = select(Variant.id).where(Variant.sku == sku).scalar_subquery()
    found = uow.session.execute(
        select(StockLocation.id, StockLevel.on_hand, StockLevel.bin)
        .outerjoin(StockLevel, (StockLevel.location_id == StockLocation.id) & (StockLevel.variant_id == variant_id))
        .where(StockLocation.code == stock.location)).one_or_none()
    if found is None:
        raise NotFound(f"No stock location '{stock.location}'", field="location")
    _, on_hand, bin = found
    if (on_hand or 0) == stock.on_hand and stock.bin in (None, bin):
        return False
    count_stock(uow, sku=sku, location=stock.location, counted=stock.on_hand, reason=IMPORT_REASON, actor=actor,
                bin=stock.bin)
    return True

