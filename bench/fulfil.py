"""Shipments allocated and shipped per second, one by one and in batches of 100, on SQLite and on PostgreSQL.

Each cell starts from a fresh, migrated database with N placed orders (not timed). Then, timed:
- allocate: one by one = `allocate_order` per order (one transaction each: lock the order, plan, move its
  reservations, create its shipment); batches of 100 = the outbox relay handing OrderPlaced events to the
  allocation subscriber 100 at a time (what the worker does after placement).
- ship: one by one = `ship_shipment` per shipment (lock order and shipment, take the stock off the shelf, tracking,
  fulfilment status, completion, events); batches of 100 = `ship_orders` over a selection of 100 orders (each
  order still its own transaction, so a refusal never undoes the others).
Payment between the two (offline receipts and the readiness subscriber) is not timed. Durability is the
production setting (SQLite synchronous=FULL, PostgreSQL synchronous_commit on).

    .venv/bin/python bench/fulfil.py [--orders 300] [--pg postgresql+psycopg://.../orderworks_bench_fulfil]
    .venv/bin/python bench/fulfil.py --quick          # 100 orders, SQLite and PostgreSQL

PostgreSQL: the database in --pg (default $ORDERWORKS_BENCH_FULFIL_URL or orderworks_bench_fulfil on 127.0.0.1)
is DROPPED and re-created. --no-pg runs SQLite only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from rich.console import Console
from rich.table import Table
from tests.builders import STAFF, basic_store, order_cmd
from workload import recreate_postgres

from orderworks.core.db import make_engine, make_session_factory
from orderworks.core.migrate import upgrade
from orderworks.core.relay import Subscriber, relay_once, relay_until_idle
from orderworks.core.uow import UnitOfWork
from orderworks.fulfillment import subscribers as fulfillment
from orderworks.fulfillment.service.allocation import allocate_order
from orderworks.fulfillment.service.batch import ship_orders
from orderworks.fulfillment.service.loading import shipments_of
from orderworks.fulfillment.service.shipping import ship_shipment
from orderworks.orders.service.placement import place_order
from orderworks.payments.service.offline import record_offline_payment

DEFAULT_PG = os.environ.get("ORDERWORKS_BENCH_FULFIL_URL",
                            "postgresql+psycopg://postgres@127.0.0.1/orderworks_bench_fulfil")
BATCH = 100
ALLOCATION_ONLY = {"OrderPlaced": (Subscriber("fulfillment.allocate_placed_order", fulfillment.allocate_placed_order),)}
READINESS_ONLY = {"PaymentCaptured": (Subscriber("fulfillment.ready_after_payment", fulfillment.ready_after_payment),)}


def cell(url: str, orders: int, mode: str) -> dict[str, object]:
    upgrade(url)
    engine = make_engine(url, pool_size=5)
    factory = make_session_factory(engine)
    new_uow = lambda: UnitOfWork(factory)
    basic_store(new_uow, stock=orders + 10)
    ids = [place_order(new_uow(), order_cmd(("RED-CHAIR", 1), email=f"f{i}@example.com"), actor=STAFF).id
           for i in range(orders)]

    started = time.perf_counter()
    if mode == "one":
        for order_id in ids:
            allocate_order(new_uow(), order_id, actor=STAFF)
    else:
        while relay_once(factory, ALLOCATION_ONLY, limit=BATCH):
            pass
    allocate_s = time.perf_counter() - started

    for order_id in ids:
        record_offline_payment(new_uow(), order_id, method="cash", actor=STAFF)
    relay_until_idle(factory, READINESS_ONLY)
    uow = new_uow()
    with uow:
        shipment_ids = [s.id for order_id in ids for s in shipments_of(uow.session, order_id)]
    assert len(shipment_ids) == orders, "every order has its shipment"

    started = time.perf_counter()
    if mode == "one":
        for i, sid in enumerate(shipment_ids):
            ship_shipment(new_uow(), sid, carrier="ups", tracking_numbers=[f"1ZB{i:08d}"], actor=STAFF)
        errors = 0
    else:
        errors = 0
        for start in range(0, orders, BATCH):
            chunk = [str(o) for o in ids[start:start + BATCH]]
            results = ship_orders(new_uow, chunk, carrier="ups", actor=STAFF,
                                  tracking_numbers={o: [f"1ZB{start + i:08d}"] for i, o in enumerate(chunk)})
            errors += sum(r.status == "error" for r in results)
    ship_s = time.perf_counter() - started
    engine.dispose()
    return {"database": engine.dialect.name, "mode": "one by one" if mode == "one" else f"batches of {BATCH}",
            "orders": orders, "allocate_seconds": round(allocate_s, 3),
            "allocated_per_second": round(orders / allocate_s, 1), "ship_seconds": round(ship_s, 3),
            "shipped_per_second": round(orders / ship_s, 1), "errors": errors}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="100 orders per cell")
    parser.add_argument("--pg", default=DEFAULT_PG)
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    orders = 100 if args.quick else args.orders
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for mode in ("one", "batch"):
            results.append(cell(f"sqlite:///{tmp}/fulfil-{mode}.db", orders, mode))
            if not args.no_pg:
                recreate_postgres(args.pg)
                results.append(cell(args.pg, orders, mode))
    table = Table("database", "mode", "orders", "allocated/s", "shipped/s", "errors",
                  title="Fulfilment: shipments allocated and shipped per second")
    for r in results:
        table.add_row(str(r["database"]), str(r["mode"]), str(r["orders"]), str(r["allocated_per_second"]),
                      str(r["shipped_per_second"]), str(r["errors"]))
    Console(width=120).print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"fulfil-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps({"at": datetime.now(UTC).isoformat(), "machine": platform.platform(),
                               "cpus": os.cpu_count(), "what": __doc__.split("\n\n")[0], "results": results},
                              indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
