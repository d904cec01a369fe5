"""Where placing an order spends its time: cProfile over N orders, in one process, on a fresh bench database.

    .venv/bin/python bench/profile_placement.py                       # service layer, SQLite
    .venv/bin/python bench/profile_placement.py --layer http --database pg --orders 200

`http` drives the ASGI app directly in this thread (FastAPI's threadpool bypassed) so the profile holds the whole
request: auth, idempotency, placement, the response. It prints the Python function calls per order (the same
from run to run, unlike times on a busy machine) and the orderworks functions by cumulative time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import sys
import uuid
import warnings
from collections.abc import Callable
from typing import Any

from workload import BENCH, DEFAULT_PG, Workload, order_command, order_json, prepare, sqlite_url


def service_placer(workload: Workload) -> Callable[[], None]:
    from orderworks.core.db import make_engine, make_session_factory
    from orderworks.core.uow import UnitOfWork
    from orderworks.orders.service.placement import place_order

    factory = make_session_factory(make_engine(workload.url))
    cmd = order_command()

    def place() -> None:
        place_order(UnitOfWork(factory), cmd, actor=BENCH)

    return place


def http_placer(workload: Workload) -> Callable[[], None]:
    import fastapi.dependencies.utils
    import fastapi.routing

    from orderworks.api.app import create_app
    from orderworks.core.settings import Settings

    async def in_this_thread(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    fastapi.routing.run_in_threadpool = in_this_thread  # type: ignore[attr-defined]
    fastapi.dependencies.utils.run_in_threadpool = in_this_thread  # type: ignore[attr-defined]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        app = create_app(Settings(database_url=workload.url))
    body = json.dumps(order_json()).encode()
    return lambda: asyncio.run(_post(app, body, workload.api_key))


async def _post(app: Any, body: bytes, api_key: str) -> None:
    headers = [(b"authorization", f"Bearer {api_key}".encode()), (b"idempotency-key", uuid.uuid4().hex.encode()),
               (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    scope = {"type": "http", "method": "POST", "path": "/api/v1/orders", "raw_path": b"/api/v1/orders",
             "query_string": b"", "headers": headers, "http_version": "1.1", "scheme": "http",
             "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 1), "root_path": "", "asgi": {"version": "3.0"}}
    messages: list[dict[str, Any]] = []
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if delivered:
            await asyncio.sleep(3600)  # the app never asks again once it has the body
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    await app(scope, receive, send)
    if messages[0]["status"] != 201:
        raise RuntimeError(f"HTTP {messages[0]['status']}: {messages[-1].get('body', b'')[:300]!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layer", choices=("service", "http"), default="service")
    parser.add_argument("--database", choices=("sqlite", "pg", "postgresql"), default="sqlite")
    parser.add_argument("--orders", type=int, default=100)
    parser.add_argument("--top", type=int, default=30, help="how many functions to list")
    args = parser.parse_args(argv)
    url = sqlite_url() if args.database == "sqlite" else os.environ.get("ORDERWORKS_BENCH_DATABASE_URL", DEFAULT_PG)
    workload = prepare(url)
    place = (http_placer if args.layer == "http" else service_placer)(workload)
    for _ in range(20):  # warm: statement caches, pools, first imports
        place()
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.orders):
        place()
    profile.disable()
    stats = pstats.Stats(profile)
    print(f"{args.layer} on {args.database}: {stats.total_calls // args.orders} Python function calls per order, "
          f"{stats.total_tt * 1000 / args.orders:.1f} ms per order under the profiler")
    stats.sort_stats("cumulative").print_stats(r"orderworks/", args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
