"""Orders placed per second: through the service layer and through HTTP, on SQLite and PostgreSQL, at 1 and 4
concurrent clients, beside the raw-SQL ceiling of the same writes. Prints a table and writes JSON.

    .venv/bin/python bench/place_orders.py            # the full run, a few minutes (`make bench`)
    .venv/bin/python bench/place_orders.py --quick    # a short run
    .venv/bin/python bench/place_orders.py --only sqlite-service --clients 1 --seconds 1

How to read it: bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
from contextlib import closing, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ceiling import pgbench_cell, sqlite_client
from clients import http_client, served, service_client
from harness import Cell, run_clients
from rich.console import Console
from rich.table import Table
from sqlalchemy import text
from sqlalchemy.engine import make_url
from statements import count_statements
from workload import Workload, prepare, sqlite_url

from orderworks.core.db import is_sqlite, make_engine

HERE = Path(__file__).resolve().parent
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1/orderworks_bench"
DATABASES = ("sqlite", "postgresql")
LAYERS = ("ceiling", "service", "http")
TARGETS = {"service": 0.60, "http": 0.40}
console = Console(width=max(120, Console().width))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short warm-up and window (about a minute in all)")
    parser.add_argument("--seconds", type=float, help="measured window per cell (default 10, quick 2)")
    parser.add_argument("--warmup", type=float, help="warm-up per cell (default 2, quick 0.5)")
    parser.add_argument("--clients", default="1,4", help="concurrent clients, comma-separated (default 1,4)")
    parser.add_argument("--only", default="", help="cells to run, e.g. sqlite-service,postgresql (database, "
                                                  "layer or database-layer; pg means postgresql)")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="folder for the JSON result")
    parser.add_argument("--no-count", action="store_true", help="skip counting SQL statements per order")
    args = parser.parse_args(argv)
    args.seconds = args.seconds or (2.0 if args.quick else 10.0)
    args.warmup = args.warmup if args.warmup is not None else (0.5 if args.quick else 2.0)
    args.client_counts = [int(c) for c in args.clients.split(",") if c.strip()]
    return args


def wanted(only: str, database: str, layer: str) -> bool:
    selectors = [s.strip() for s in only.split(",") if s.strip()]
    selectors = ["postgresql" + s[2:] if s == "pg" or s.startswith("pg-") else s for s in selectors]
    return not selectors or any(s in (database, layer, f"{database}-{layer}") for s in selectors)


def tidy(url: str) -> None:
    """Between cells: vacuum PostgreSQL's updated stock rows, checkpoint SQLite's WAL, so cells start alike."""
    if is_sqlite(url):
        with closing(sqlite3.connect(make_url(url).database or "", isolation_level=None)) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return
    engine = make_engine(url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def run_cell(workload: Workload, database: str, layer: str, clients: int, args: argparse.Namespace,
             base_url: str | None) -> Cell:
    timing = {"clients": clients, "warmup": args.warmup, "seconds": args.seconds}
    if layer == "ceiling" and database == "postgresql":
        return pgbench_cell(workload, **timing)
    factory = {"ceiling": lambda: sqlite_client(workload), "service": lambda: service_client(workload.url),
               "http": lambda: http_client(base_url or "", workload.api_key)}[layer]()
    return run_clients(factory, database=database, layer=layer, **timing)


def run_database(database: str, args: argparse.Namespace) -> tuple[list[Cell], dict[str, Any], dict[str, Any]]:
    url = sqlite_url() if database == "sqlite" else os.environ.get("ORDERWORKS_BENCH_DATABASE_URL", DEFAULT_PG)
    console.print(f"[bold]{database}[/bold]: fresh database, migrating and loading the bench store ...")
    workload = prepare(url)
    layers = [layer for layer in LAYERS if wanted(args.only, database, layer)]
    with served(url) if "http" in layers else nullcontext() as base_url:
        # Client count first, layers next: a cell and its ceiling run close in time on a shared machine.
        cells = [_cell(workload, database, layer, clients, args, base_url)
                 for clients in args.client_counts for layer in layers]
    counts = {} if args.no_count else count_statements(url, workload.api_key)
    return cells, counts, durability(url)


def _cell(workload: Workload, database: str, layer: str, clients: int, args: argparse.Namespace,
          base_url: str | None) -> Cell:
    tidy(workload.url)
    console.print(f"  {layer:8} x{clients} ...", end=" ")
    cell = run_cell(workload, database, layer, clients, args, base_url)
    console.print(f"{cell.orders_per_second:8.1f} orders/s" + (f"  [red]{cell.errors} errors[/red]"
                                                                if cell.errors else ""))
    if cell.first_error:
        console.print(f"    [red]first error:[/red] {cell.first_error}")
    return cell


def durability(url: str) -> dict[str, Any]:
    """What the database promised on commit during the run (the bench never weakens it)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            found = {"sqlite": sqlite3.sqlite_version,
                     "journal_mode": conn.exec_driver_sql("PRAGMA journal_mode").scalar(),
                     "synchronous": {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(
                         conn.exec_driver_sql("PRAGMA synchronous").scalar())}
        else:
            found = {name: conn.execute(text(f"SHOW {name}")).scalar()
                     for name in ("server_version", "synchronous_commit", "fsync", "wal_sync_method")}
    engine.dispose()
    return found


def ratios(cells: list[Cell]) -> list[dict[str, Any]]:
    ceiling = {(c.database, c.clients): c.orders_per_second for c in cells if c.layer == "ceiling"}
    found = []
    for c in cells:
        roof = ceiling.get((c.database, c.clients))
        if c.layer in TARGETS and roof:
            ratio = c.orders_per_second / roof
            found.append({"database": c.database, "layer": c.layer, "clients": c.clients, "ratio": round(ratio, 3),
                          "target": TARGETS[c.layer], "met": ratio >= TARGETS[c.layer]})
    return found


def print_tables(cells: list[Cell], found: list[dict[str, Any]], counts: dict[str, Any]) -> None:
    by_cell = {(r["database"], r["layer"], r["clients"]): r for r in found}
    table = Table("Database", "Layer", "Clients", "Orders/s", "Median ms", "p95 ms", "Orders", "Errors",
                  "vs ceiling", "Target", title="Placing 3-line orders")
    for c in cells:
        r = by_cell.get((c.database, c.layer, c.clients))
        share = (f"[{'green' if r['met'] else 'red'}]{r['ratio']:.0%}[/]" if r else "")
        table.add_row(c.database, c.layer, str(c.clients), f"{c.orders_per_second:.1f}", f"{c.median_ms:.2f}",
                      f"{c.p95_ms:.2f}", str(c.orders), str(c.errors), share, f"{r['target']:.0%}" if r else "")
    console.print(table)
    for database, layers in counts.items():
        if not layers:
            continue
        stmts = Table("Statement", *layers, title=f"SQL statements per placed order, {database}")
        keys = sorted({k for layer in layers.values() for k in layer["by_statement"]})
        for key in keys:
            stmts.add_row(key, *[f"{layer['by_statement'].get(key, 0):g}" for layer in layers.values()])
        stmts.add_row("[bold]total statements[/bold]", *[f"{layer['statements']:g}" for layer in layers.values()])
        stmts.add_row("transactions", *[f"{layer['transactions']:g}" for layer in layers.values()])
        console.print(stmts)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cells: list[Cell] = []
    counts: dict[str, Any] = {}
    promised: dict[str, Any] = {}
    for database in DATABASES:
        if any(wanted(args.only, database, layer) for layer in LAYERS):
            db_cells, counts[database], promised[database] = run_database(database, args)
            cells += db_cells
    found = ratios(cells)
    print_tables(cells, found, counts)
    result = {
        "benchmark": "place_orders", "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "order": "3 lines, 1 unit each, flat shipping, CA tax, prices checked, no discount code",
        "settings": {"warmup_s": args.warmup, "seconds": args.seconds, "clients": args.client_counts,
                     "only": args.only or "all"},
        "host": {"cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
                 "python": platform.python_version(), "platform": platform.platform()},
        "durability": promised, "cells": [c.as_dict() for c in cells], "ratios": found,
        "statements_per_order": counts,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"place_orders-{datetime.now(UTC):%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    console.print(f"Written {path}")
    return 1 if any(c.orders == 0 for c in cells) else 0


if __name__ == "__main__":
    sys.exit(main())
