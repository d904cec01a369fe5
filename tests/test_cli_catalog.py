"""The catalog commands, run as a seller runs them, against a database named by ORDERWORKS_DATABASE_URL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orderworks.catalog.service import get_product
from orderworks.cli import app
from orderworks.cli_console import console
from orderworks.core.settings import get_settings
from orderworks.inventory.service import ledger_mismatches, stock_for_sku

SAMPLE = Path(__file__).parents[1] / "docs" / "samples" / "products.csv"


@pytest.fixture
def cli(engine, monkeypatch) -> Iterator[CliRunner]:  # type: ignore[no-untyped-def]
    """A runner whose commands use the test database (SQLite, then PostgreSQL)."""
    monkeypatch.setenv("ORDERWORKS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setattr(console, "width", 200)  # wide enough that tables do not truncate SKUs
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def run(cli: CliRunner, *args: str, code: int = 0) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def _shop(cli: CliRunner) -> None:
    run(cli, "vendors", "create", "ACME", "Acme Furniture", "--email", "po@acme.example")
    run(cli, "locations", "create", "MAIN", "Main warehouse", "--country", "US", "--priority", "10")


def test_importing_the_sample_prints_the_counts_and_a_second_run_finds_all_unchanged(cli, new_uow) -> None:  # type: ignore[no-untyped-def]
    _shop(cli)
    assert "created: 4  updated: 0  unchanged: 0  refused: 0" in run(cli, "import", "products", str(SAMPLE))
    assert "created: 0  updated: 0  unchanged: 4  refused: 0" in run(cli, "import", "products", str(SAMPLE))
    assert [(s.location, s.on_hand, s.bin) for s in stock_for_sku(new_uow(), "OAK-TABLE")] == [("MAIN", 6, "B-12")]
    assert ledger_mismatches(new_uow()) == []


def test_refused_rows_are_listed_and_the_command_exits_1(cli, tmp_path, new_uow) -> None:  # type: ignore[no-untyped-def]
    _shop(cli)
    bad = tmp_path / "bad.csv"
    bad.write_text("sku,name,price,currency,vendor\nGOOD,Good,1.00,USD,ACME\nBAD,Bad,1.00,USD,NOPE\n")
    out = run(cli, "import", "products", str(bad), code=1)
    assert "created: 1  updated: 0  unchanged: 0  refused: 1" in out
    assert "│ 3   │ BAD │ not_found │ vendor │ No vendor with code 'NOPE' │" in out
    assert get_product(new_uow(), "GOOD").name == "Good"


def test_a_dry_run_saves_nothing(cli, new_uow) -> None:  # type: ignore[no-untyped-def]
    _shop(cli)
    out = run(cli, "import", "products", str(SAMPLE), "--dry-run")
    assert "Dry run, nothing saved. created: 4" in out
    assert "not_found: No product with SKU 'RED-CHAIR' (sku)" in run(cli, "products", "show", "RED-CHAIR", code=1)


def test_an_unreadable_file_prints_why_and_exits_1(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    semi = tmp_path / "semi.csv"
    semi.write_text("sku;name;price;currency\n")
    assert "import_file_invalid: Columns must be separated by commas" in run(cli, "import", "products", str(semi),
                                                                              code=1)


def test_products_are_created_changed_listed_and_shown(cli, new_uow) -> None:  # type: ignore[no-untyped-def]
    _shop(cli)
    run(cli, "products", "create", "LAMP", "Reading lamp", "24.50", "--weight", "1100", "--vendor", "ACME")
    run(cli, "products", "update", "LAMP", "--price", "26.00", "--backorderable", "--tax-class", "reduced")
    lamp = get_product(new_uow(), "LAMP")
    assert (lamp.backorderable, lamp.tax_class, lamp.variants[0].prices[0].amount) == (True, "reduced", 2600)
    assert "│ LAMP │ Reading lamp │ 26.00 USD │ 1100" in run(cli, "products", "list")
    assert "vendor: ACME" in run(cli, "products", "show", "LAMP")
    refused = run(cli, "products", "create", "LAMP", "Again", "1.00", code=1)
    assert "already_exists: SKU 'LAMP' already exists (sku)" in refused
    # What PostgreSQL's columns would refuse is refused on both databases, with the field (never a traceback).
    assert "(name)" in run(cli, "products", "update", "LAMP", "--name", "n" * 301, code=1)
    assert "(weight_grams)" in run(cli, "products", "create", "ANVIL", "Anvil", "9.00", "--weight", "99999999",
                                   code=1)


def test_stock_is_received_adjusted_counted_and_shown(cli, new_uow) -> None:  # type: ignore[no-untyped-def]
    _shop(cli)
    run(cli, "products", "create", "MUG", "Mug", "8.00")
    assert "on hand 10" in run(cli, "stock", "receive", "MUG", "MAIN", "10", "--reason", "PO 17")
    assert "on hand 8" in run(cli, "stock", "adjust", "MUG", "MAIN", "-2", "--reason", "broken")
    assert "on hand 9" in run(cli, "stock", "count", "MUG", "MAIN", "9", "--bin", "C-3")
    assert "│ MAIN     │ Main warehouse │ 9       │ 0        │ 9         │ C-3 │" in run(cli, "stock", "show", "MUG")
    too_many = run(cli, "stock", "adjust", "MUG", "MAIN", "-20", "--reason", "oops", code=1)
    assert "insufficient_stock" in too_many and "(quantity)" in too_many
    assert "not_found: No stock location 'ATTIC' (location)" in run(cli, "stock", "count", "MUG", "ATTIC", "1",
                                                                     code=1)
    assert ledger_mismatches(new_uow()) == []


def test_locations_and_vendors_are_created_changed_and_listed(cli) -> None:  # type: ignore[no-untyped-def]
    _shop(cli)
    run(cli, "locations", "update", "MAIN", "--name", "Reno warehouse", "--inactive")
    assert "│ MAIN │ Reno warehouse │ warehouse │ US      │        │ 10       │ no     │" in run(cli, "locations", "list")
    run(cli, "vendors", "update", "ACME", "--transmission", "edi")
    assert "│ ACME │ Acme Furniture │ po@acme.example │       │ edi          │ yes    │" in run(cli, "vendors", "list")
    assert "validation_failed" in run(cli, "locations", "create", "X", "X", "--country", "ZZ", code=1)


def test_a_fresh_sqlite_database_migrated_by_the_cli_takes_an_import(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ORDERWORKS_DATABASE_URL", f"sqlite:///{tmp_path / 'shop.db'}")
    monkeypatch.setattr(console, "width", 200)
    get_settings.cache_clear()
    try:
        cli = CliRunner()
        run(cli, "db", "upgrade")
        _shop(cli)
        assert "created: 4" in run(cli, "import", "products", str(SAMPLE))
        assert "│ GIFT-CARD-25 │ Gift card $25 │ 25.00 USD " in run(cli, "products", "list")
    finally:
        get_settings.cache_clear()
