"""Running N concurrent clients (one process each) for a warm-up, then a measured window, and summing them up.

Every client process runs the same loop: place one order, note how long it took. Orders that start and finish
inside the measured window count; the warm-up fills caches, pools and prepared statements first.
"""

from __future__ import annotations

import multiprocessing
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
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
    first_error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


def summarise(database: str, layer: str, clients: int, latencies: list[float], seconds: float, errors: int = 0,
              first_error: str | None = None, orders_per_second: float | None = None) -> Cell:
    ordered = sorted(latencies)
    rate = orders_per_second if orders_per_second is not None else len(ordered) / seconds
    return Cell(database, layer, clients, len(ordered), seconds, errors, round(rate, 1),
                round(percentile(ordered, 0.50) * 1000, 2), round(percentile(ordered, 0.95) * 1000, 2),
                first_error)


def _client_loop(factory: ClientFactory, start_at: float, end_at: float, results: Any) -> None:
    latencies: list[float] = []
    errors, first_error = 0, None
    try:
        place = factory()
        while True:
            began = time.time()
            if began >= end_at:
                break
            t0 = time.perf_counter()
            try:
                place()
            except Exception as exc:  # noqa: BLE001 - a refused order is counted and reported, not fatal
                errors += 1
                first_error = first_error or f"{type(exc).__name__}: {exc}"
                continue
            elapsed = time.perf_counter() - t0
            if began >= start_at and began + elapsed <= end_at:
                latencies.append(elapsed)
    except Exception:  # noqa: BLE001 - the client could not even start: report why
        errors, first_error = errors + 1, traceback.format_exc(limit=3)
    results.put((latencies, errors, first_error))


def run_clients(factory: ClientFactory, *, database: str, layer: str, clients: int, warmup: float,
                seconds: float, startup: float = 1.0) -> Cell:
    """Fork `clients` processes that each place orders through `factory()` until the window closes."""
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    start_at = time.time() + startup + warmup
    end_at = start_at + seconds
    procs = [ctx.Process(target=_client_loop, args=(factory, start_at, end_at, results)) for _ in range(clients)]
    for p in procs:
        p.start()
    gathered = [results.get(timeout=startup + warmup + seconds + 120) for _ in procs]
    for p in procs:
        p.join()
    latencies = [lat for lats, _, _ in gathered for lat in lats]
    errors = sum(e for _, e, _ in gathered)
    first_error = next((f for _, _, f in gathered if f), None)
    return summarise(database, layer, clients, latencies, seconds, errors, first_error)
