"""`orderworks invoices ...` against a real database."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orderworks.cli import app
from orderworks.core.settings import get_settings


@pytest.fixture
def cli(engine, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ORDERWORKS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield lambda *args: CliRunner().invoke(app, list(args))
    get_settings.cache_clear()


def test_issue_list_show_and_download_an_invoice(cli, order, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    issued = cli("invoices", "issue", order.number)
    assert issued.exit_code == 0, issued.output
    number = issued.output.split()[1]
    assert number.startswith("INV-") and "$123.07" in issued.output

    listed = cli("invoices", "list")
    assert number in listed.output and "Ada Lovelace" in listed.output
    shown = cli("invoices", "show", number)
    assert "Chairs and Company LLC" in shown.output and "RED-CHAIR" in shown.output and "$7.47" in shown.output

    pdf = tmp_path / "invoice.pdf"
    written = cli("invoices", "pdf", number, "-o", str(pdf))
    assert written.exit_code == 0, written.output
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    assert number in text


def test_unknown_numbers_fail_with_the_error_code(cli, store) -> None:  # type: ignore[no-untyped-def]
    for args in (("invoices", "show", "INV-1999-000001"), ("invoices", "issue", "nope"),
                 ("invoices", "pdf", "CN-1999-000001", "-o", "/tmp/never.pdf")):
        result = cli(*args)
        assert result.exit_code == 1 and "not_found" in result.output
