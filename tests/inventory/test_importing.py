"""The products CSV import: good rows go in, each bad row is refused with its reason and writes nothing, the stock
levels are counts the ledger agrees with, and importing the same file again changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from orderworks.catalog.importing import ImportFileInvalid, Outcome
from orderworks.catalog.models import Variant
from orderworks.catalog.service import ProductSpec, create_product, create_vendor, get_product
from orderworks.core.errors import Forbidden
from orderworks.core.outbox import OutboxEvent
from orderworks.inventory.importing import import_products
from orderworks.inventory.models import StockMovement
from orderworks.inventory.service import adjust_stock, create_location, ledger_mismatches, stock_for_sku
from tests.builders import STAFF

HEADER = "sku,name,price,currency,weight_grams,shippable,backorderable,tax_class,vendor,active,description,location,on_hand,bin"
MIXED = "\n".join([
    HEADER,
    "RED-CHAIR,Red chair,49.00,USD,4500,yes,no,standard,ACME,true,Beech chair,MAIN,40,A-01",   # 2 created
    "OLD-LAMP,Old lamp,22.50,USD,,,,,,,,MAIN,4,",                                              # 3 updated
    "VENDORLESS,Thing,10.00,USD,100,yes,no,standard,NOPE,yes,,,,",                             # 4 unknown vendor
    "PRICEY,Thing,ten,USD,100,yes,no,standard,,yes,,,,",                                       # 5 bad price
    "FOREIGN,Thing,10.00,XYZ,100,yes,no,standard,,yes,,,,",                                    # 6 unknown currency
    "FEATHER,Thing,10.00,USD,-5,yes,no,standard,,yes,,,,",                                     # 7 negative weight
    "NOWHERE,Thing,10.00,USD,100,yes,no,standard,,yes,,ATTIC,3,",                              # 8 unknown location
    "MAYBE,Thing,10.00,USD,100,perhaps,no,standard,,yes,,,,",                                  # 9 bad boolean
    "RED-CHAIR,Red chair again,50.00,USD,4500,yes,no,standard,,yes,,MAIN,1,",                  # 10 duplicate SKU
    "",                                                                                        # 11 blank line
    "GIFT-25,Gift card,25.00,USD,0,no,no,exempt,,1,,,,",                                       # 12 created
]) + "\n"
REFUSED = [
    (4, "VENDORLESS", "not_found", "vendor"),
    (5, "PRICEY", "validation_failed", "price"),
    (6, "FOREIGN", "validation_failed", "currency"),
    (7, "FEATHER", "validation_failed", "weight_grams"),
    (8, "NOWHERE", "not_found", "location"),
    (9, "MAYBE", "validation_failed", "shippable"),
    (10, "RED-CHAIR", "duplicate_sku", "sku"),
]


@pytest.fixture
def shop(new_uow):  # type: ignore[no-untyped-def]
    """Vendor ACME, location MAIN, and OLD-LAMP already listed at 20.00 with 10 on hand."""
    create_vendor(new_uow(), code="ACME", name="Acme")
    create_location(new_uow(), code="MAIN", name="Main warehouse", country="US")
    create_product(new_uow(), ProductSpec(sku="OLD-LAMP", name="Old lamp", price="20.00", currency="USD",
                                          weight_grams=900))
    adjust_stock(new_uow(), sku="OLD-LAMP", location="MAIN", quantity=10, reason="receipt", actor=STAFF)
    return new_uow


def _events(uow) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with uow:
        return {str(i): t for i, t in uow.session.execute(select(OutboxEvent.id, OutboxEvent.type))}


def _count(uow, model) -> int:  # type: ignore[no-untyped-def]
    with uow:
        return int(uow.session.execute(select(func.count()).select_from(model)).scalar_one())


def _skus(uow) -> set[str]:  # type: ignore[no-untyped-def]
    with uow:
        return set(uow.session.execute(select(Variant.sku)).scalars())


def _on_hand(new_uow, sku: str) -> dict[str, tuple[int, str | None]]:  # type: ignore[no-untyped-def]
    return {r.location: (r.on_hand, r.bin) for r in stock_for_sku(new_uow(), sku)}


def test_good_rows_go_in_and_each_bad_row_is_refused_with_its_reason(shop) -> None:  # type: ignore[no-untyped-def]
    events_before = _events(shop())
    report = import_products(shop, MIXED.encode(), actor=STAFF)

    assert [(r.row, r.sku, r.outcome) for r in report.rows if r.outcome != Outcome.REFUSED] == [
        (2, "RED-CHAIR", Outcome.CREATED), (3, "OLD-LAMP", Outcome.UPDATED), (12, "GIFT-25", Outcome.CREATED)]
    assert [(r.row, r.sku, r.code, r.field) for r in report.refused] == REFUSED
    assert all(r.message for r in report.refused)
    assert (report.count(Outcome.CREATED), report.count(Outcome.UPDATED), report.count(Outcome.REFUSED)) == (2, 1, 7)
    assert _skus(shop()) == {"RED-CHAIR", "OLD-LAMP", "GIFT-25"}  # NOWHERE's product was rolled back with its stock

    chair = get_product(shop(), "RED-CHAIR")
    assert (chair.default_vendor.code, chair.description, chair.variants[0].weight_grams) == ("ACME", "Beech chair", 4500)
    lamp = get_product(shop(), "OLD-LAMP")
    assert [(p.currency, p.amount) for p in lamp.variants[0].prices] == [("USD", 2250)]
    assert lamp.variants[0].weight_grams == 900  # a blank cell keeps what the product has
    gift = get_product(shop(), "GIFT-25")
    assert (gift.shippable, gift.tax_class) == (False, "exempt")

    assert _on_hand(shop, "RED-CHAIR") == {"MAIN": (40, "A-01")}
    assert _on_hand(shop, "OLD-LAMP") == {"MAIN": (4, None)}  # a count: 10 on hand became 4
    assert _on_hand(shop, "GIFT-25") == {}
    assert ledger_mismatches(shop()) == []
    uow = shop()
    with uow:
        counts = list(uow.session.execute(select(StockMovement.kind, StockMovement.on_hand_delta)
                                          .where(StockMovement.kind == "count").order_by(StockMovement.on_hand_delta)))
    assert [tuple(c) for c in counts] == [("count", -6), ("count", 40)]
    new_events = [t for i, t in _events(shop()).items() if i not in events_before]
    assert sorted(new_events) == ["ProductCreated", "ProductCreated", "ProductUpdated", "StockChanged",
                                  "StockChanged"]


def test_importing_the_same_file_again_changes_nothing(shop) -> None:  # type: ignore[no-untyped-def]
    import_products(shop, MIXED.encode(), actor=STAFF)
    movements, events = _count(shop(), StockMovement), _count(shop(), OutboxEvent)

    again = import_products(shop, MIXED.encode(), actor=STAFF)

    assert [(r.sku, r.outcome) for r in again.rows if r.outcome != Outcome.REFUSED] == [
        ("RED-CHAIR", Outcome.UNCHANGED), ("OLD-LAMP", Outcome.UNCHANGED), ("GIFT-25", Outcome.UNCHANGED)]
    assert [(r.row, r.sku, r.code, r.field) for r in again.refused] == REFUSED
    assert (_count(shop(), StockMovement), _count(shop(), OutboxEvent)) == (movements, events)
    assert ledger_mismatches(shop()) == []


def test_a_changed_cell_updates_only_that_product(shop) -> None:  # type: ignore[no-untyped-def]
    import_products(shop, MIXED.encode(), actor=STAFF)
    events = _count(shop(), OutboxEvent)

    changed = MIXED.replace("Beech chair,MAIN,40", "Beech chair,MAIN,38")
    report = import_products(shop, changed.encode(), actor=STAFF)

    assert [(r.sku, r.outcome) for r in report.rows if r.outcome != Outcome.REFUSED] == [
        ("RED-CHAIR", Outcome.UPDATED), ("OLD-LAMP", Outcome.UNCHANGED), ("GIFT-25", Outcome.UNCHANGED)]
    assert _on_hand(shop, "RED-CHAIR") == {"MAIN": (38, "A-01")}
    assert _count(shop(), OutboxEvent) == events + 1  # one StockChanged, no ProductUpdated
    assert ledger_mismatches(shop()) == []


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(shop) -> None:  # type: ignore[no-untyped-def]
    movements, events = _count(shop(), StockMovement), _count(shop(), OutboxEvent)

    report = import_products(shop, MIXED.encode(), actor=STAFF, dry_run=True)

    assert report.dry_run
    assert (report.count(Outcome.CREATED), report.count(Outcome.UPDATED), report.count(Outcome.REFUSED)) == (2, 1, 7)
    assert _skus(shop()) == {"OLD-LAMP"}
    assert _on_hand(shop, "OLD-LAMP") == {"MAIN": (10, None)}
    assert (_count(shop(), StockMovement), _count(shop(), OutboxEvent)) == (movements, events)


def test_a_missing_required_column_refuses_the_whole_file(shop) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportFileInvalid) as refused:
        import_products(shop, b"sku,name,currency\nNEW,New,USD\n", actor=STAFF)
    assert refused.value.field == "price"
    assert _skus(shop()) == {"OLD-LAMP"}


@pytest.mark.parametrize(("data", "field", "words"), [
    (b"", "file", "empty"),
    (b"\n\n", "file", "empty"),
    (b"sku;name;price;currency\nA;B;1.00;USD\n", "file", "semicolons"),
    (b"sku,name,price,currency,colour\nA,B,1.00,USD,red\n", "colour", "Unknown column"),
    (b"sku,name,price,currency,SKU\n", "sku", "twice"),
    ("sku,name,price,currency\nCAFE,Caf\u00e9,1.00,USD\n".encode("latin-1"), "file", "UTF-8"),
    (b"sku,name,price,currency\nA,B\x00,1.00,USD\n", "file", "NUL"),
    ("sku,name,price,currency\nA,B,1.00,USD\n".encode("utf-16"), "file", "UTF-8"),
])
def test_an_unreadable_file_is_refused_with_a_clear_message(shop, data, field, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportFileInvalid) as refused:
        import_products(shop, data, actor=STAFF)
    assert refused.value.field == field
    assert words in refused.value.message


def test_a_spreadsheet_export_with_bom_crlf_and_header_in_capitals_imports(shop) -> None:  # type: ignore[no-untyped-def]
    data = "\ufeffSKU,Name,Price,Currency,Location,On_Hand\r\nCAFE,Caf\u00e9 cup,3.50,USD,MAIN,12\r\n\r\n"
    report = import_products(shop, data.encode("utf-8"), actor=STAFF)
    assert [(r.row, r.sku, r.outcome) for r in report.rows] == [(2, "CAFE", Outcome.CREATED)]
    assert get_product(shop(), "CAFE").name == "Caf\u00e9 cup"
    assert _on_hand(shop, "CAFE") == {"MAIN": (12, None)}


def test_a_header_only_file_imports_nothing(shop) -> None:  # type: ignore[no-untyped-def]
    report = import_products(shop, (HEADER + "\n").encode(), actor=STAFF)
    assert report.rows == []


@pytest.mark.parametrize(("row", "code", "field"), [
    ("A,,1.00,USD,,", "validation_failed", "name"),
    (",Nameless,1.00,USD,,", "validation_failed", "sku"),
    ("A B,Spaced,1.00,USD,,", "validation_failed", "sku"),
    ("A,Thing,1.00,USD,,5", "validation_failed", "location"),
    ("A,Thing,1.00,USD,MAIN,", "validation_failed", "on_hand"),
    ("A,Thing,1.00,USD,MAIN,-1", "validation_failed", "on_hand"),
    ("A,Thing,1.00,USD,MAIN,2.5", "validation_failed", "on_hand"),
    ("A,Thing,1.00,USD,MAIN,1,extra", "validation_failed", "row"),
    ("A,Thing,1.001,USD,,", "validation_failed", "price"),
    ("A,Thing,1.00,USD,MAIN,1000000001", "validation_failed", "on_hand"),
    (f"A,{'n' * 301},1.00,USD,,", "validation_failed", "name"),
    (f"{'A' * 65},Thing,1.00,USD,,", "validation_failed", "sku"),
])
def test_a_bad_cell_refuses_its_row(shop, row: str, code: str, field: str) -> None:  # type: ignore[no-untyped-def]
    report = import_products(shop, f"sku,name,price,currency,location,on_hand\n{row}\n".encode(), actor=STAFF)
    assert [(r.row, r.outcome, r.code, r.field) for r in report.rows] == [(2, Outcome.REFUSED, code, field)]
    assert _skus(shop()) == {"OLD-LAMP"}


def test_a_caller_who_may_not_change_stock_cannot_import_stock_columns(shop) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden):
        import_products(shop, MIXED.encode(), actor=STAFF, may_count_stock=False)
    assert _skus(shop()) == {"OLD-LAMP"}
    report = import_products(shop, b"sku,name,price,currency\nMUG,Mug,8.00,USD\n", actor=STAFF, may_count_stock=False)
    assert [(r.sku, r.outcome) for r in report.rows] == [("MUG", Outcome.CREATED)]
