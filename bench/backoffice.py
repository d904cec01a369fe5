"""The back office's orders grid at scale: first page, filtered pages, searches and a deep keyset page, with
1,000,000 orders in PostgreSQL; median and p95 latency of each, for the query alone (`grid_page`, the service the
page calls) and for the whole page (GET /admin/orders signed in: session check, query, Jinja render, in-process
HTTP).

    .venv/bin/python bench/backoffice.py [--orders 1000000] [--repeat 40] [--pg postgresql+psycopg://...]

The database in --pg (default $ORDERWORKS_BENCH_DATABASE_URL, else .../orderworks_bench_backoffice) is DROPPED
and re-created, migrated, then filled with generated orders by one INSERT ... SELECT generate_series per 100,000
(orders only: the grid reads no other table). Orders are spread over a year, 6 channels, the payment and
fulfilment states a real shop has (about 1 in 7 authorized, 1 in 97 backordered, 2% on hold), 200,000 customers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import Boolean, Integer, String, Text, text
from sqlalchemy.types import JSON
from workload import recreate_postgres

from orderworks.backoffice.grid import GridQuery, grid_page
from orderworks.backoffice.service import create_staff
from orderworks.core.clock import now
from orderworks.core.db import make_engine, make_session_factory
from orderworks.core.migrate import upgrade
from orderworks.core.uow import UnitOfWork
from orderworks.orders.models import Order

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/orderworks_bench_backoffice"
CHUNK = 100_000
# How each orders column is generated from g (1..N); a column not named here gets NULL, 0, false, '' or '[]'.
EXPR = {
    "id": "(lpad(to_hex(g), 8, '0') || '-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid",
    "number": "(100000 + g)::text",
    "channel": "(ARRAY['web','web','phone','email','in_store','marketplace'])[1 + g % 6]",
    "status": "CASE WHEN g % 50 = 0 THEN 'on_hold' WHEN g % 41 = 0 THEN 'canceled' "
              "WHEN g % 3 = 0 THEN 'completed' ELSE 'pending' END",
    "payment_status": "CASE WHEN g % 7 = 0 THEN 'authorized' WHEN g % 11 = 0 THEN 'unpaid' ELSE 'paid' END",
    "fulfillment_status": "CASE WHEN g % 3 = 0 THEN 'fulfilled' WHEN g % 13 = 0 THEN 'partially_fulfilled' "
                          "ELSE 'unfulfilled' END",
    "backordered": "g % 97 = 0", "version": "1", "currency": "'USD'",
    "customer_email": "'customer' || (g % 200000) || '@example.com'",
    "customer_name": "'Customer ' || (g % 200000)", "search_name": "'customer ' || (g % 200000)",
    "items_total": "4900 + (g % 20) * 1000", "total": "5400 + (g % 20) * 1000", "shipping_total": "500",
    "created_at": "now() - (CAST(:n AS bigint) - g) * interval '31 seconds'",
    "placed_at": "now() - (CAST(:n AS bigint) - g) * interval '31 seconds'", "updated_at": "now() - (CAST(:n AS bigint) - g) * interval '31 seconds'",
}


def _default(column: Any) -> str:
    if column.nullable:
        return "NULL"
    kind = column.type
    if isinstance(kind, Boolean):
        return "false"
    if isinstance(kind, Integer):
        return "0"
    if isinstance(kind, JSON):
        return "'[]'"
    if isinstance(kind, (String, Text)):
        return "''"
    return "now()"


def fill(engine: Any, orders: int) -> float:
    columns = list(Order.__table__.columns)
    names = ", ".join(c.name for c in columns)
    values = ", ".join(EXPR.get(c.name, _default(c)) for c in columns)
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM orders"))
    for start in range(1, orders + 1, CHUNK):
        end = min(start + CHUNK - 1, orders)
        with engine.begin() as conn:
            conn.execute(text(f"INSERT INTO orders ({names}) SELECT {values} FROM generate_series(CAST(:a AS bigint), CAST(:b AS bigint)) AS g"),
                         {"a": start, "b": end, "n": orders})
        print(f"  {end:>9,} orders", flush=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE orders"))
    return time.perf_counter() - started


def measure(fn: Callable[[], Any], repeat: int) -> dict[str, float]:
    fn()  # warm: plans, caches
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return {"median_ms": round(statistics.median(samples), 2),
            "p95_ms": round(samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))], 2)}


def cases(factory: Any) -> dict[str, GridQuery]:
    deep = GridQuery()
    for _ in range(19):  # follow the cursor to page 20
        deep = GridQuery(cursor=grid_page(UnitOfWork(factory, read_only=True), deep, at=now()).next_cursor)
    return {
        "first page (newest 50)": GridQuery(),
        "page 20 (keyset cursor)": deep,
        "oldest first": GridQuery(sort="oldest"),
        "view: to capture": GridQuery(view="to_capture"),
        "view: ready to ship": GridQuery(view="ready_to_ship"),
        "view: on hold": GridQuery(view="on_hold"),
        "view: backordered": GridQuery(view="backordered"),
        "view: late": GridQuery(view="late"),
        "filter: channel=phone, payment=authorized": GridQuery(channel="phone", payment_status="authorized"),
        "search: order number": GridQuery(q="#612345"),
        "search: email": GridQuery(q="customer4242@example.com"),
        "search: name prefix": GridQuery(q="customer 4242"),
    }


def _query_string(q: GridQuery) -> str:
    from urllib.parse import urlencode

    params = {k: v for k, v in (("view", q.view), ("q", q.q), ("channel", q.channel),
                                ("payment_status", q.payment_status), ("cursor", q.cursor)) if v}
    if q.sort != "newest":
        params["sort"] = q.sort
    return urlencode(params)


def page_client(url: str, factory: Any) -> Any:
    from fastapi.testclient import TestClient

    from orderworks.api.app import create_app
    from orderworks.core.settings import Settings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        app = create_app(Settings(database_url=url))
    create_staff(UnitOfWork(factory), email="bench@shop.example", name="Bench", password="bench-password",
                 role="owner")
    client = TestClient(app, base_url="http://127.0.0.1")
    login = client.get("/admin/login")
    token = login.text.split('name="csrf_token" value="')[1].split('"')[0]
    done = client.post("/admin/login", data={"email": "bench@shop.example", "password": "bench-password",
                                             "csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303, done.text
    return client


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--pg", default=os.environ.get("ORDERWORKS_BENCH_DATABASE_URL", DEFAULT_PG))
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    args = parser.parse_args(argv)

    print(f"Preparing {args.orders:,} orders in PostgreSQL (the bench database is dropped and re-created)")
    recreate_postgres(args.pg)
    upgrade(args.pg)
    engine = make_engine(args.pg)
    factory = make_session_factory(engine)
    fill_seconds = fill(engine, args.orders)
    client = page_client(args.pg, factory)

    rows = []
    for name, q in cases(factory).items():
        query = measure(lambda q=q: grid_page(UnitOfWork(factory, read_only=True), q, at=now()), args.repeat)
        path = f"/admin/orders?{_query_string(q)}"
        assert client.get(path).status_code == 200
        page = measure(lambda path=path: client.get(path), args.repeat)
        shown = len(grid_page(UnitOfWork(factory, read_only=True), q, at=now()).items)
        rows.append({"case": name, "rows": shown, "query": query, "page": page})

    print(f"\nOrders grid, PostgreSQL, {args.orders:,} orders; {args.repeat} runs each after one warm-up; ms")
    print(f"{'case':<44} {'rows':>4}  {'query p50':>9} {'query p95':>9}  {'page p50':>8} {'page p95':>8}")
    for r in rows:
        print(f"{r['case']:<44} {r['rows']:>4}  {r['query']['median_ms']:>9} {r['query']['p95_ms']:>9}  "
              f"{r['page']['median_ms']:>8} {r['page']['p95_ms']:>8}")
    result = {"bench": "backoffice_grid", "database": "postgresql", "orders": args.orders, "repeat": args.repeat,
              "fill_seconds": round(fill_seconds, 1), "cases": rows, "python": platform.python_version(),
              "machine": platform.node(), "cpus": os.cpu_count(), "at": datetime.now(UTC).isoformat()}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"backoffice-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(result, indent=2))
    print(f"\nwritten {path}")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
