"""Embedded: `orderworks serve` runs the worker inside the server process (SqliteHuey in a file beside the SQLite
database), and `orderworks jobs list|run` show and run the scheduled jobs."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from orderworks.cli import app
from orderworks.core.db import make_engine, make_session_factory
from orderworks.core.settings import Settings, get_settings
from orderworks.core.uow import UnitOfWork
from orderworks.worker import queue_path, start_embedded_worker
from tests.worker.conftest import ROOT, wait_for
from tests.worker.test_worker_process import _effects, _emit, _pending


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def sqlite_db(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "shop.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def test_serve_delivers_events_with_its_embedded_worker(sqlite_db: str, tmp_path: Path) -> None:
    factory = make_session_factory(make_engine(sqlite_db))
    new_uow = lambda: UnitOfWork(factory)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERWORKS_")}
    env.update({"ORDERWORKS_DATABASE_URL": sqlite_db, "ORDERWORKS_SUBSCRIBERS": "tests.worker.plugin:REGISTRY",
                "ORDERWORKS_VAR_DIR": str(tmp_path / "var"), "PYTHONPATH": str(ROOT)})
    proc = subprocess.Popen([sys.executable, "-m", "orderworks.cli", "serve", "--port", str(port)], env=env,
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def up() -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False
        wait_for(up, seconds=60, what="the server")
        _emit(new_uow, 0, 20)
        wait_for(lambda: _pending(new_uow) == 0, seconds=30, what="the embedded worker's deliveries")
        assert _effects(new_uow, "first") == {n: 1 for n in range(20)}
        assert (tmp_path / "shop-queue.db").exists()  # the queue file beside the database
    finally:
        proc.send_signal(signal.SIGTERM)
        # uvicorn shuts down, then re-raises SIGTERM; the worker's threads end with the process (an open delivery
        # would roll back and be delivered again after its lease, as after a crash)
        assert proc.wait(timeout=30) in (0, -signal.SIGTERM)


def test_an_embedded_worker_started_in_process_delivers_and_stops(sqlite_db: str, tmp_path: Path) -> None:
    settings = Settings(database_url=sqlite_db, var_dir=tmp_path, subscribers="tests.worker.plugin:REGISTRY")
    factory = make_session_factory(make_engine(sqlite_db))
    new_uow = lambda: UnitOfWork(factory)
    stop = start_embedded_worker(settings, factory=factory)
    try:
        _emit(new_uow, 0, 5)
        wait_for(lambda: _pending(new_uow) == 0, seconds=30, what="the deliveries")
        assert _effects(new_uow, "second") == {n: 1 for n in range(5)}
    finally:
        stop()
    assert queue_path(settings) == tmp_path / "shop-queue.db"


def test_jobs_list_and_run(sqlite_db: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ORDERWORKS_DATABASE_URL", sqlite_db)
    monkeypatch.setenv("ORDERWORKS_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    try:
        listed = CliRunner().invoke(app, ["jobs", "list"])
        assert listed.exit_code == 0
        assert "cancel-unpaid-orders" in listed.output and "*/5 * * * *" in listed.output
        ran = CliRunner().invoke(app, ["jobs", "run", "cancel-unpaid-orders"])
        assert ran.exit_code == 0 and "Job cancel-unpaid-orders: 0 done." in ran.output
        unknown = CliRunner().invoke(app, ["jobs", "run", "nope"])
        assert unknown.exit_code == 1 and "no job 'nope'" in unknown.output
    finally:
        get_settings.cache_clear()
