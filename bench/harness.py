"""Running N concurrent clients (one process each) for a warm-up, then a measured window, and summing them up.

Every client process runs the same loop: place one order, note how long it took. Orders that start and finish
inside the measured window count; the warm-up fills caches, pools and prepared statements first.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

# A client is built inside its own process (its own engine, HTTP client...) and returns the function that places
# one order; that function raises on a refused order.
ClientFactory = Callable[[], Callable[[], None]]


@dataclass(frozen=True)
class Cell:
    """One measured cell of the table: throughput and latency per order."""

    database: str
    layer: str
    clients: int
    orders: int
    seconds: float
    errors: int
    orders_per_second: float
    median_ms: float
    p95_ms: float
    # CPU per order of the process doing the product's work: the client process (service, SQLite ceiling) or the
    # server process (http); None for pgbench. Less moved by other load on the machine than orders/s.
    cpu_ms_per_order: float | None = None
    first_error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


def summarise(database: str, layer: str, clients: int, latencies: list[float], seconds: float, errors: int = 0,
              first_error: str | None = None, orders_per_second: float | None = None,
              cpu_seconds: float | None = None) -> Cell:
    ordered = sorted(latencies)
    rate = orders_per_second if orders_per_second is not None else len(ordered) / seconds
    cpu = round(cpu_seconds * 1000 / len(ordered), 2) if cpu_seconds is not None and ordered else None
    return Cell(database, layer, clients, len(ordered), seconds, errors, round(rate, 1),
                round(percentile(ordered, 0.50) * 1000, 2), round(percentile(ordered, 0.95) * 1000, 2),
                cpu, first_error)


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU of another process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _client_loop(factory: ClientFactory, start_at: float, end_at: float, results: Any) -> None:
    latencies: list[float] = []
    errors, first_error, cpu = 0, None, 0.0
    try:
        place = factory()
        while True:
            began = time.time()
            if began >= end_at:
                break
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                place()
            except Exception as exc:  # noqa: BLE001 - a refused order is counted and reported, not fatal
                errors += 1
                first_error = first_error or f"{type(exc).__name__}: {exc}"
                continue
            elapsed = time.perf_counter() - t0
            if began >= start_at and began + elapsed <= end_at:
                latencies.append(elapsed)
                cpu += time.process_time() - c0
    except Exception:  # noqa: BLE001 - the client could not even start: report why
        errors, first_error = errors + 1, traceback.format_exc(limit=3)
    results.put((latencies, errors, first_error, cpu))


def run_clients(factory: ClientFactory, *, database: str, layer: str, clients: int, warmup: float,
                seconds: float, startup: float = 1.0, server_pid: int | None = None) -> Cell:
    """Fork `clients` processes that each place orders through `factory()` until the window closes.

    With `server_pid`, the CPU per order is the server's over the window rather than the clients'.
    """
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    start_at = time.time() + startup + warmup
    end_at = start_at + seconds
    procs = [ctx.Process(target=_client_loop, args=(factory, start_at, end_at, results)) for _ in range(clients)]
    for p in procs:
        p.start()
    server_cpu = _server_cpu_over_window(server_pid, start_at, end_at) if server_pid else None
    gathered = [results.get(timeout=startup + warmup + seconds + 120) for _ in procs]
    for p in procs:
        p.join()
    latencies = [lat for lats, *_ in gathered for lat in lats]
    errors = sum(g[1] for g in gathered)
    first_error = next((g[2] for g in gathered if g[2]), None)
    cpu = server_cpu if server_pid else sum(g[3] for g in gathered)
    return summarise(database, layer, clients, latencies, seconds, errors, first_error, cpu_seconds=cpu)


def _server_cpu_over_window(pid: int, start_at: float, end_at: float) -> float:
    time.sleep(max(0.0, start_at - time.time()))
    before = process_cpu_seconds(pid)
    time.sleep(max(0.0, end_at - time.time()))
    return process_cpu_seconds(pid) - before
