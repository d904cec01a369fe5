"""`orderworks webhooks list | deliveries ID | send-due` against a temporary SQLite database and a real receiver."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orderworks.cli import app
from orderworks.cli_console import console
from orderworks.core.db import make_engine, make_session_factory
from orderworks.core.relay import relay_until_idle
from orderworks.core.settings import get_settings
from orderworks.core.uow import UnitOfWork
from orderworks.notifications.webhooks import service
from orderworks.subscribers import SUBSCRIBERS
from tests.notifications.receiver import running_receiver
from tests.notifications.test_webhooks_delivery import _place


@pytest.fixture
def cli_factory(tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    path = tmp_path / "cli.db"
    shutil.copy(sqlite_template, path)
    monkeypatch.setenv("ORDERWORKS_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setattr(console, "width", 200)  # the console exists already: COLUMNS is read once
    get_settings.cache_clear()
    engine = make_engine(f"sqlite:///{path}")
    yield make_session_factory(engine)
    engine.dispose()
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["webhooks", *args])
    return result.exit_code, result.output


def test_list_deliveries_and_send_what_is_due(cli_factory) -> None:  # type: ignore[no-untyped-def]
    new_uow = lambda: UnitOfWork(cli_factory)
    with running_receiver() as receiver:
        endpoint = service.create_endpoint(new_uow(), url=receiver.url, events=["*"])
        receiver.secret, receiver.script = endpoint.secret, [500]
        _place(new_uow)
        relay_until_idle(cli_factory, SUBSCRIBERS)

        code, out = run("list")
        assert code == 0 and receiver.url in out and "yes" in out
        code, out = run("deliveries", str(endpoint.id))
        assert code == 0 and "order.placed" in out and "pending" in out and "500" in out
        code, out = run("send-due")  # not due yet: the first retry waits 10 s
        assert code == 0 and "Made 0 attempt(s)" in out
        code, out = run("deliveries", "nope")
        assert code != 0 and "No webhook endpoint" in out
