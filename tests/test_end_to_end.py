"""What a newcomer does after `make demo`: a real server process, an order placed over HTTP with the printed API
key, and `orderworks orders show` printing it with its lines, totals, statuses and history."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.builders import ORDER_JSON

CLI = [sys.executable, "-m", "orderworks.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def demo_env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "ORDERWORKS_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}", "COLUMNS": "200"}


@pytest.fixture
def server(demo_env: dict[str, str], tmp_path: Path) -> Iterator[tuple[str, str]]:
    loaded = subprocess.run([*CLI, "demo", "--no-serve"], env=demo_env, cwd=tmp_path, capture_output=True,
                            text=True, timeout=120, check=True)
    key = loaded.stdout.strip().splitlines()[-1]
    port = _free_port()
    proc = subprocess.Popen([*CLI, "serve", "--port", str(port)], env=demo_env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
        yield base, key
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_an_order_placed_over_http_is_shown_by_the_cli(server, demo_env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    base, key = server
    assert key.startswith("ow_")
    placed = httpx.post(f"{base}/api/v1/orders", json=ORDER_JSON, timeout=10,
                        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": "e2e-1"})
    assert placed.status_code == 201, placed.text
    number = placed.json()["number"]
    assert number == "1004"  # the demo placed 1001-1003

    shown = subprocess.run([*CLI, "orders", "show", number], env=demo_env, cwd=tmp_path, capture_output=True,
                           text=True, timeout=60, check=True).stdout
    assert f"Order {number}" in shown
    assert "Status: pending   Payment: unpaid   Fulfilment: unfulfilled" in shown
    assert "RED-CHAIR" in shown and "Red chair" in shown
    assert f"Total: ${placed.json()['totals']['total']}" in shown
    assert "placed" in shown and "demo owner (api_key)" in shown
