"""The two product layers the bench drives: the service function in-process, and the HTTP API of a real server.

Service: each client process has its own engine and calls `place_order` on a fresh unit of work per order, as an
API process does. HTTP: `orderworks.api.asgi:app` under uvicorn (one process, as `orderworks serve` runs it), and
each client process posts with its own httpx connection, an API key and a new Idempotency-Key per order.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from workload import BENCH, order_command, order_json

PlaceOne = Callable[[], None]


def service_client(url: str) -> Callable[[], PlaceOne]:
    def build() -> PlaceOne:
        from orderworks.core.db import make_engine, make_session_factory
        from orderworks.core.uow import UnitOfWork
        from orderworks.orders.service.placement import place_order

        factory = make_session_factory(make_engine(url, pool_size=2))
        cmd = order_command()

        def place() -> None:
            place_order(UnitOfWork(factory), cmd, actor=BENCH)

        return place

    return build


def http_client(base_url: str, api_key: str) -> Callable[[], PlaceOne]:
    def build() -> PlaceOne:
        import httpx

        client = httpx.Client(base_url=base_url, timeout=60, headers={"Authorization": f"Bearer {api_key}"})
        body = order_json()

        def place() -> None:
            answer = client.post("/api/v1/orders", json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
            if answer.status_code != 201:
                raise RuntimeError(f"HTTP {answer.status_code}: {answer.text[:300]}")

        return place

    return build


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(url: str) -> Iterator[str]:
    """A uvicorn server for the database at `url` on a free port; yields its base URL, stops it after."""
    import httpx

    port = free_port()
    env = {**os.environ, "ORDERWORKS_DATABASE_URL": url}
    # No access log: one line per request would measure the terminal, not orderworks.
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "orderworks.api.asgi:app", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning", "--no-access-log"], env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"the server did not start (exit code {server.poll()})")
            time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
