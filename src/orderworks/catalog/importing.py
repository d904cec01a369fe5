"""Products from a CSV file: reading the file, checking its columns, turning each row into a product change, and
saving one product (create it, update it, or leave it as it is).

The row-by-row import, with stock levels and the per-row report, is `inventory.importing` (stock sits above the
catalog). Here a blank cell or a missing optional column means "keep what the product has" (the default for a
new product), so a partial sheet never wipes what it does not mention.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from orderworks.catalog.models import Product
from orderworks.catalog.service import (
    MAX_NAME_LENGTH,
    MAX_SKU_LENGTH,
    MAX_WEIGHT_GRAMS,
    ProductSpec,
    create_product,
    get_product,
    update_product,
)
from orderworks.core.errors import DomainError, NotFound, ValidationFailed
from orderworks.core.money import check_currency, parse_amount
from orderworks.core.uow import UnitOfWork

PRODUCT_COLUMNS = ("sku", "name", "price", "currency", "weight_grams", "shippable", "backorderable", "tax_class",
                   "vendor", "active", "description")
STOCK_COLUMNS = ("location", "on_hand", "bin")
REQUIRED_COLUMNS = ("sku", "name", "price", "currency")
BOOLEAN_COLUMNS = ("shippable", "backorderable", "active")
_TRUE, _FALSE = {"true", "yes", "1"}, {"false", "no", "0"}
_SKU_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$")
_LIMITS = {"sku": MAX_SKU_LENGTH, "name": MAX_NAME_LENGTH, "description": 10_000, "vendor": 64, "tax_class": 32,
           "location": 64, "bin": 32}
MAX_ON_HAND = 1_000_000_000


MAX_UPLOAD_BYTES = 10 * 1024 * 1024
CSV_CONTENT_TYPES = ("text/csv", "application/csv", "text/plain", "application/vnd.ms-excel")


class ImportFileInvalid(ValidationFailed):
    """The file as a whole cannot be read (encoding, empty, columns): nothing was imported."""

    code = "import_file_invalid"


class NotACsvFile(DomainError):
    code = "unsupported_media_type"
    status = 415


class ImportFileTooLarge(DomainError):
    code = "file_too_large"
    status = 413


def check_upload(*, content_type: str | None, filename: str | None, size: int) -> None:
    """An uploaded file must say it is CSV (by type, or by a .csv name when the type is generic) and fit."""
    media = (content_type or "").split(";")[0].strip().lower()
    named_csv = (filename or "").lower().endswith(".csv")
    if media not in CSV_CONTENT_TYPES and not (named_csv and media in ("", "application/octet-stream")):
        raise NotACsvFile(f"Send a CSV file (text/csv), not '{media or 'no content type'}'", field="file")
    if size > MAX_UPLOAD_BYTES:
        raise ImportFileTooLarge(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB: split it",
                                 field="file")


@dataclass(frozen=True)
class CsvRow:
    number: int  # the line the row starts on, counting the header as line 1, as a spreadsheet shows it
    values: dict[str, str]  # column -> stripped cell text; columns the file does not have are absent
    extra_cells: int = 0


@dataclass(frozen=True)
class CsvFile:
    columns: tuple[str, ...]
    rows: list[CsvRow]


def read_csv(data: bytes) -> CsvFile:
    """Decode (UTF-8, with or without a BOM), check the header and split the rows. Blank lines are skipped.

    Only commas separate columns: a file saved with semicolons is refused with a message that says so.
    """
    try:
        return _split(csv.reader(io.StringIO(_decode(data), newline="")))
    except csv.Error as exc:
        raise ImportFileInvalid(f"The file is not valid CSV: {exc}", field="file") from exc


def _split(reader: Any) -> CsvFile:
    header = next(reader, None)
    while header is not None and not any(cell.strip() for cell in header):
        header = next(reader, None)
    if header is None:
        raise ImportFileInvalid("The file is empty: it needs a header row such as 'sku,name,price,currency'",
                                field="file")
    columns = _check_header(header)
    rows: list[CsvRow] = []
    line = reader.line_num
    for cells in reader:
        start, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        values = {col: cell.strip() for col, cell in zip(columns, cells, strict=False)}
        rows.append(CsvRow(start, values, extra_cells=max(0, len(cells) - len(columns))))
    return CsvFile(columns, rows)


def _decode(data: bytes) -> str:
    if b"\x00" in data:  # valid UTF-8, but no text file holds it (and PostgreSQL cannot store it)
        raise ImportFileInvalid("The file holds NUL bytes, so it is not a CSV text file: export it as CSV UTF-8",
                                field="file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileInvalid(
            f"The file is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}): save it as "
            "'CSV UTF-8' from your spreadsheet", field="file") from exc


def _check_header(header: list[str]) -> tuple[str, ...]:
    columns = tuple(cell.strip().lower() for cell in header)
    if len(columns) == 1 and ";" in columns[0]:
        raise ImportFileInvalid("Columns must be separated by commas, not semicolons", field="file")
    known = PRODUCT_COLUMNS + STOCK_COLUMNS
    for name in columns:
        if name not in known:
            raise ImportFileInvalid(f"Unknown column '{name}': the columns are {', '.join(known)}", field=name)
        if columns.count(name) > 1:
            raise ImportFileInvalid(f"Column '{name}' appears twice in the header", field=name)
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            raise ImportFileInvalid(f"Column '{name}' is missing: {', '.join(REQUIRED_COLUMNS)} are required",
                                    field=name)
    return columns


@dataclass(frozen=True)
class StockCount:
    location: str
    on_hand: int
    bin: str | None


@dataclass(frozen=True)
class ProductRow:
    """One row, checked: the product's fields as given (blank ones left out) and the stock count, if any."""

    sku: str
    fields: dict[str, Any]
    stock: StockCount | None = None


def parse_row(row: CsvRow) -> ProductRow:
    """Check one row's cells and convert them (booleans, whole numbers); money stays a decimal string for the
    catalog to parse in the row's currency."""
    if row.extra_cells:
        raise ValidationFailed(f"The row has {row.extra_cells} more cell(s) than the header has columns",
                               field="row")
    given = {k: v for k, v in row.values.items() if v != ""}
    for name in REQUIRED_COLUMNS:
        if name not in given:
            raise ValidationFailed(f"{name} is required on every row", field=name)
    for name, limit in _LIMITS.items():
        if len(given.get(name, "")) > limit:
            raise ValidationFailed(f"{name} is longer than {limit} characters", field=name)
    if not _SKU_RE.match(given["sku"]):
        raise ValidationFailed("A SKU is letters, digits and . _ - / (starting with a letter or digit)", field="sku")
    fields: dict[str, Any] = {k: v for k, v in given.items() if k in PRODUCT_COLUMNS and k != "sku"}
    for name in BOOLEAN_COLUMNS:
        if name in fields:
            fields[name] = _boolean(fields[name], name)
    if "weight_grams" in fields:
        fields["weight_grams"] = _whole_number(fields["weight_grams"], "weight_grams", MAX_WEIGHT_GRAMS)
    return ProductRow(given["sku"], fields, _stock(given))


def _stock(given: dict[str, str]) -> StockCount | None:
    if not any(name in given for name in STOCK_COLUMNS):
        return None
    if "location" not in given:
        raise ValidationFailed("location is required when on_hand or bin is given", field="location")
    if "on_hand" not in given:
        raise ValidationFailed("on_hand (the counted quantity) is required when location is given", field="on_hand")
    return StockCount(given["location"], _whole_number(given["on_hand"], "on_hand", MAX_ON_HAND), given.get("bin"))


def _boolean(text: str, name: str) -> bool:
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise ValidationFailed(f"{name} must be true/false, yes/no or 1/0, got '{text}'", field=name)


def _whole_number(text: str, name: str, maximum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValidationFailed(f"{name} must be a whole number, got '{text}'", field=name) from None
    if value < 0:
        raise ValidationFailed(f"{name} cannot be negative, got {value}", field=name)
    if value > maximum:
        raise ValidationFailed(f"{name} is larger than {maximum:,}", field=name)
    return value


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


def save_product(uow: UnitOfWork, row: ProductRow) -> Outcome:
    """Create the product if its SKU is new, else change what differs; nothing differing writes nothing.

    Runs inside the caller's `with uow:` (the import makes each row one transaction with its stock count).
    """
    with uow:
        try:
            product = get_product(uow, row.sku)
        except NotFound:
            create_product(uow, ProductSpec(sku=row.sku, **row.fields))
            uow.commit()
            return Outcome.CREATED
        changes = product_changes(product, row)
        if not changes:
            return Outcome.UNCHANGED
        update_product(uow, row.sku, changes)
        uow.commit()
    return Outcome.UPDATED


def product_changes(product: Product, row: ProductRow) -> dict[str, object]:
    """What the row would change, in `update_product`'s terms (a price goes with its currency)."""
    variant = next(v for v in product.variants if v.sku == row.sku)
    currency = check_currency(row.fields["currency"])
    amount = parse_amount(row.fields["price"], currency, field="price")
    current = {
        "name": variant.name, "description": product.description, "tax_class": product.tax_class,
        "shippable": product.shippable, "backorderable": product.backorderable, "active": product.active,
        "weight_grams": variant.weight_grams,
        "vendor": product.default_vendor.code if product.default_vendor else None,
    }
    changes = {name: value for name, value in row.fields.items()
               if name in current and current[name] != value}
    if product.name != variant.name:  # update_product names product and variant alike
        changes["name"] = row.fields["name"]
    if next((p.amount for p in variant.prices if p.currency == currency), None) != amount:
        changes.update(price=row.fields["price"], currency=currency)
    return changes
