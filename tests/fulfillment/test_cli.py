"""`orderworks ship --csv`, `shipments list|show|deliver`, `pick-list` and `manifest close` on a temporary SQLite
database."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orderworks.cli import app
from orderworks.core.db import make_engine, make_session_factory
from orderworks.core.relay import relay_until_idle
from orderworks.core.settings import get_settings
from orderworks.core.uow import UnitOfWork
from orderworks.fulfillment.service.queries import shipments_for_order
from orderworks.orders.service.placement import place_order
from orderworks.payments.service.offline import record_offline_payment
from orderworks.subscribers import SUBSCRIBERS
from tests.builders import STAFF, basic_store, order_cmd


@pytest.fixture
def cli_db(tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    path = tmp_path / "cli.db"
    shutil.copy(sqlite_template, path)
    monkeypatch.setenv("ORDERWORKS_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    engine = make_engine(f"sqlite:///{path}")
    factory = make_session_factory(engine)
    yield factory
    engine.dispose()
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_ship_csv_then_list_deliver_and_manifest(cli_db, tmp_path: Path):
    new_uow = lambda: UnitOfWork(cli_db)  # noqa: E731
    basic_store(new_uow, stock=10)
    orders = [place_order(new_uow(), order_cmd(("RED-CHAIR", 1)), actor=STAFF) for _ in range(3)]
    relay_until_idle(cli_db, SUBSCRIBERS)
    for order in orders[:2]:
        record_offline_payment(new_uow(), order.id, method="cash", actor=STAFF)
    relay_until_idle(cli_db, SUBSCRIBERS)

    code, out = run("pick-list", "--location", "MAIN", "--out", str(tmp_path / "pl.pdf"))
    assert code == 0, out
    assert "2 shipments" in out and (tmp_path / "pl.pdf").read_bytes().startswith(b"%PDF")

    csv = tmp_path / "ship.csv"
    csv.write_text("order_number,carrier,tracking_number\n"
                   + "".join(f"{o.number},ups,1ZCLI{i}\n" for i, o in enumerate(orders)))
    code, out = run("ship", "--csv", str(csv))
    assert code == 1  # the unpaid third order is refused
    assert "shipped: 2" in out and "order_may_not_ship" in out
    code, out = run("ship", "--csv", str(csv))
    assert "shipped: 0" in out and "unchanged: 2" in out

    code, out = run("shipments", "list", "--status", "shipped")
    assert code == 0 and out.count("1ZCLI") == 2
    uow = new_uow()
    with uow:
        sid = shipments_for_order(uow, orders[0].id)[0].shipment.id
    code, out = run("shipments", "deliver", str(sid))
    assert code == 0 and "delivered" in out
    code, out = run("shipments", "show", str(sid))
    assert "delivered" in out and "1ZCLI0" in out

    code, out = run("manifest", "close", "--carrier", "ups", "--location", "MAIN", "--out", str(tmp_path / "m.pdf"))
    assert code == 0, out
    assert "2 packages" in out
    code, out = run("manifest", "close", "--carrier", "ups", "--location", "MAIN")
    assert code == 1 and "nothing_to_ship" in out
