"""How long a CSV import of N products with stock takes, through the same use case as the CLI and the API.

    .venv/bin/python bench/import_products.py [--rows 5000] [--url postgresql+psycopg://postgres@127.0.0.1/db]

Without --url it uses a fresh SQLite file. The database is migrated from empty (PostgreSQL: its schema is DROPPED
and recreated, so never point it at data you keep). Imports the file twice (the second run finds every row
unchanged), prints a table and writes bench/results/import_products.json.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from orderworks.catalog.importing import Outcome
from orderworks.catalog.service import create_vendor
from orderworks.core.actor import Actor
from orderworks.core.db import make_engine, make_session_factory
from orderworks.core.migrate import upgrade
from orderworks.core.uow import UnitOfWork
from orderworks.inventory.importing import import_products
from orderworks.inventory.service import create_location

HEADER = "sku,name,price,currency,weight_grams,shippable,backorderable,tax_class,vendor,active,description,location,on_hand,bin"


def sample_csv(rows: int) -> bytes:
    lines = [HEADER] + [f"SKU-{i:06d},Product {i},{10 + i % 90}.{i % 100:02d},USD,{100 + i % 5000},yes,no,standard,"
                        f"{'ACME' if i % 3 == 0 else ''},yes,Item number {i},MAIN,{i % 50},A-{i % 20:02d}"
                        for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def fresh_database(url: str | None) -> str:
    if url is None:
        return f"sqlite:///{Path(tempfile.mkdtemp()) / 'import.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    url = fresh_database(args.url)
    upgrade(url)
    factory = make_session_factory(make_engine(url))
    new_uow = lambda: UnitOfWork(factory)
    create_vendor(new_uow(), code="ACME", name="Acme")
    create_location(new_uow(), code="MAIN", name="Main warehouse", country="US")
    data = sample_csv(args.rows)
    results = []
    for label in ("first import (all created)", "same file again (all unchanged)"):
        started, cpu_started = time.perf_counter(), time.process_time()
        report = import_products(new_uow, data, actor=Actor.system("bench"))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        results.append({"run": label, "rows": args.rows, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
                        "rows_per_second": round(args.rows / seconds, 1),
                        "created": report.count(Outcome.CREATED), "unchanged": report.count(Outcome.UNCHANGED),
                        "refused": len(report.refused)})
    backend = make_engine(url).dialect.name
    load = os.getloadavg()[0]
    print(f"CSV import, {args.rows} rows with stock, one transaction per row, on {backend} "
          f"(load average {load:.1f} on {os.cpu_count()} CPUs; cpu = this process only)")
    print(f"{'run':<34}{'seconds':>9}{'cpu s':>9}{'rows/s':>9}{'created':>9}{'unchanged':>11}{'refused':>9}")
    for r in results:
        print(f"{r['run']:<34}{r['seconds']:>9}{r['cpu_seconds']:>9}{r['rows_per_second']:>9}{r['created']:>9}"
              f"{r['unchanged']:>11}{r['refused']:>9}")
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / f"import_products_{backend}.json").write_text(json.dumps({"backend": backend, "load_average": load, "runs": results}, indent=2))


if __name__ == "__main__":
    main()
