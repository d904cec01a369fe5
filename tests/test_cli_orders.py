"""`orderworks orders cancel | hold | release | reorder NUMBER` against a temporary SQLite database."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orderworks.cli import app
from orderworks.core.db import make_engine, make_session_factory
from orderworks.core.settings import get_settings
from orderworks.core.uow import UnitOfWork
from orderworks.inventory.service import stock_for_sku
from orderworks.orders.service.placement import place_order
from orderworks.orders.service.queries import get_order_by_number
from tests.builders import STAFF, basic_store, order_cmd


@pytest.fixture
def new_uow(tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    path = tmp_path / "cli.db"
    shutil.copy(sqlite_template, path)
    monkeypatch.setenv("ORDERWORKS_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    engine = make_engine(f"sqlite:///{path}")
    factory = make_session_factory(engine)
    yield lambda: UnitOfWork(factory)
    engine.dispose()
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["orders", *args])
    return result.exit_code, result.output


def test_hold_release_cancel_and_reorder_an_order_by_number(new_uow) -> None:  # type: ignore[no-untyped-def]
    basic_store(new_uow)
    number = place_order(new_uow(), order_cmd(("RED-CHAIR", 3)), actor=STAFF).number

    code, output = run("hold", number, "--reason", "fraud check")
    held = get_order_by_number(new_uow(), number).order
    assert (code, output) == (0, f"Order {number} put on hold: status on_hold, version {held.version}.\n")
    assert run("release", number)[0] == 0
    assert get_order_by_number(new_uow(), number).order.status == "pending"
    code, output = run("cancel", number, "--reason", "customer asked")
    assert (code, "canceled" in output) == (0, True)
    assert stock_for_sku(new_uow(), "RED-CHAIR")[0].reserved == 0

    code, output = run("reorder", number)
    assert code == 0, output
    view = get_order_by_number(new_uow(), number)
    assert [h.action for h in view.history] == ["placed", "held", "released", "canceled", "reordered"]
    assert all(h.actor_name == "orderworks cli" for h in view.history[1:])
    draft = get_order_by_number(new_uow(), view.history[-1].data["draft_number"]).order
    assert (draft.status, [(line.sku, line.quantity) for line in draft.lines]) == ("draft", [("RED-CHAIR", 3)])
    assert f"Order {draft.number} created as a draft" in output


def test_a_refused_change_says_why_and_exits_non_zero(new_uow) -> None:  # type: ignore[no-untyped-def]
    basic_store(new_uow)
    number = place_order(new_uow(), order_cmd(("RED-CHAIR", 1)), actor=STAFF).number
    code, output = run("release", number)
    assert (code, "invalid_transition" in output) == (1, True)
    code, output = run("cancel", "no-such-number", "--reason", "x")
    assert (code, "not_found" in output) == (1, True)
    assert run("cancel", number)[0] == 2  # --reason is required
