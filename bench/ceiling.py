"""The ceiling: the same writes as placing an order, as raw SQL with nothing around it.

PostgreSQL: pgbench runs bench/sql/place_order.pgbench.sql (-M prepared) at the same concurrency.
SQLite: Python's sqlite3 runs the same statements, one BEGIN IMMEDIATE transaction per order, with core/db.py's
PRAGMAs (WAL, synchronous=FULL, busy_timeout, foreign_keys), one process per client like the service cells.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from harness import Cell, summarise
from sqlalchemy.engine import make_url
from workload import Workload

from orderworks.core.ids import new_id

PGBENCH_SCRIPT = Path(__file__).resolve().parent / "sql" / "place_order.pgbench.sql"


def pgbench_cell(workload: Workload, *, clients: int, warmup: float, seconds: float) -> Cell:
    """Run pgbench for the warm-up, then again for the measured window with a per-transaction log."""
    url = make_url(workload.url)
    base = ["pgbench", "-n", "-M", "prepared", "-f", str(PGBENCH_SCRIPT), "-c", str(clients),
            "-j", str(min(clients, 2)), "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),
            "-U", url.username or "postgres"]
    names = ("sl1", "sl2", "sl3", "v1", "v2", "v3")
    for name, value in zip(names, [*workload.level_ids, *workload.variant_ids]):
        base += ["-D", f"{name}={value}"]
    base += ["-D", f"loc={workload.location_id}"]
    if warmup:
        _run(base + ["-T", str(max(1, round(warmup))), url.database or "postgres"])
    with tempfile.TemporaryDirectory(prefix="pgbench-") as logs:
        out = _run(base + ["-T", str(max(1, round(seconds))), "-l", "--log-prefix", f"{logs}/tx",
                           url.database or "postgres"])
        latencies = [int(line.split()[2]) / 1_000_000
                     for log in Path(logs).glob("tx*") for line in log.read_text().splitlines() if line.strip()]
    failed = re.search(r"number of failed transactions: (\d+)", out)
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", out)
    return summarise("postgresql", "ceiling", clients, latencies, float(max(1, round(seconds))),
                     errors=int(failed.group(1)) if failed else 0,
                     orders_per_second=float(tps.group(1)) if tps else None)


def _run(cmd: list[str]) -> str:
    done = subprocess.run(cmd, check=False, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pgbench failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return done.stdout


ADDRESS = json.dumps({"name": "Ada Lovelace", "company": "", "line1": "1600 Amphitheatre Pkwy", "line2": "",
                      "city": "MOUNTAIN VIEW", "region": "CA", "postal_code": "94043", "country": "US", "phone": ""})
LINES = [("RED-CHAIR", "Red chair", 4900, 355, 5255, 4500), ("BLUE-LAMP", "Blue lamp", 2450, 178, 2628, 1100),
         ("OAK-TABLE", "Oak table", 32900, 2385, 35285, 24000)]
ORDER_SQL = (
    "INSERT INTO orders (id, number, channel, status, status_before_hold, payment_status, fulfillment_status, "
    "backordered, version, currency, customer_email, customer_name, customer_phone, search_name, shipping_address, "
    "billing_address, shipping_method, shipping_method_name, discount_code, prices_include_tax, items_total, "
    "discount_total, shipping_total, tax_total, total, tax_breakdown, weight_grams, notes, cancel_reason, "
    "source_order_id, placed_at, canceled_at, created_at, updated_at) VALUES (?, ?, 'web', 'pending', NULL, "
    "'unpaid', 'unfulfilled', 0, 1, 'USD', 'ada@example.com', 'Ada Lovelace', '+16502530000', 'ada lovelace', ?, ?, "
    "'standard', 'Standard', NULL, 0, 40250, 0, 500, 2955, 43705, '[{\"rate_ppm\": 72500, \"amount\": 2955}]', "
    "29600, '', NULL, NULL, ?, NULL, ?, ?)")
LINE_SQL = ("INSERT INTO order_lines (id, order_id, position, variant_id, sku, name, quantity, unit_price, subtotal, "
            "discount, tax, tax_rate_ppm, tax_class, total, shippable, unit_weight_grams, backordered_quantity) "
            "VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, 0, ?, 72500, 'standard', ?, 1, ?, 0)")
RESERVATION_SQL = ("INSERT INTO stock_reservations (id, order_id, order_line_id, variant_id, location_id, quantity, "
                   "created_at) VALUES (?, ?, ?, ?, ?, 1, ?)")
MOVEMENT_SQL = ("INSERT INTO stock_movements (id, variant_id, location_id, kind, on_hand_delta, reserved_delta, "
                "reason, order_id, actor, created_at) VALUES (?, ?, ?, 'reservation', 0, 1, 'reserved for order', ?, "
                "'bench', ?)")
HISTORY_SQL = ("INSERT INTO order_history (id, order_id, created_at, actor_kind, actor_id, actor_name, action, "
               "from_status, to_status, note, data) VALUES (?, ?, ?, 'system', NULL, 'bench', 'placed', NULL, "
               "'pending', '', '{\"channel\": \"web\", \"total\": 43705, \"backordered\": false}')")
OUTBOX_SQL = ("INSERT INTO outbox_events (id, type, aggregate_type, aggregate_id, payload, created_at, status, "
              "available_at, attempts) VALUES (?, 'OrderPlaced', 'order', ?, ?, ?, 'pending', ?, 0)")
RESERVE_SQL = "UPDATE stock_levels SET reserved = reserved + 1 WHERE id = ? AND on_hand - reserved >= 1"
NUMBER_SQL = "UPDATE number_series SET last_value = last_value + 1 WHERE name = 'order' RETURNING last_value"


def sqlite_client(workload: Workload) -> Callable[[], Callable[[], None]]:
    """A client factory (see harness.run_clients) writing one order per call with sqlite3, nothing else."""
    path = make_url(workload.url).database

    def build() -> Callable[[], None]:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=30000", "foreign_keys=ON"):
            conn.execute(f"PRAGMA {pragma}")
        return lambda: _write_order(conn, workload)

    return build


def _write_order(conn: sqlite3.Connection, w: Workload) -> None:
    at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    order_id, line_ids = new_id().hex, [new_id().hex for _ in LINES]
    conn.execute("BEGIN IMMEDIATE")
    try:
        for level in w.level_ids:
            if conn.execute(RESERVE_SQL, (level,)).rowcount != 1:
                raise RuntimeError("stock ran out")
        number = conn.execute(NUMBER_SQL).fetchone()[0]
        conn.execute(ORDER_SQL, (order_id, str(number), ADDRESS, ADDRESS, at, at, at))
        conn.executemany(LINE_SQL, [(line_ids[i], order_id, i, w.variant_ids[i], sku, name, price, price, tax,
                                     total, grams) for i, (sku, name, price, tax, total, grams) in enumerate(LINES)])
        conn.executemany(RESERVATION_SQL, [(new_id().hex, order_id, line_ids[i], w.variant_ids[i], w.location_id, at)
                                           for i in range(len(LINES))])
        conn.executemany(MOVEMENT_SQL, [(new_id().hex, w.variant_ids[i], w.location_id, order_id, at)
                                        for i in range(len(LINES))])
        conn.execute(HISTORY_SQL, (new_id().hex, order_id, at))
        payload = json.dumps({"order_id": order_id, "number": str(number), "channel": "web", "currency": "USD",
                              "total": 43705, "customer_email": "ada@example.com", "backordered": False})
        conn.execute(OUTBOX_SQL, (new_id().hex, order_id, payload, at, at))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
