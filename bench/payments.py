"""Authorize + capture per second with the built-in test gateway, on SQLite and on PostgreSQL.

Each pair is the real path: card check, tokenize, claim (commit), gateway call, record (commit) for the
authorization, then the same three steps for the capture: 4 commits of ours and 3 of the gateway's own file.
Orders are placed beforehand and not timed. Durability is the production setting (SQLite synchronous=FULL).

    .venv/bin/python bench/payments.py [--pairs 300] [--workers 1 4] [--pg postgresql+psycopg://...]

PostgreSQL: the database in --pg (default $ORDERWORKS_BENCH_DATABASE_URL) is DROPPED and re-created.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.builders import STAFF, basic_store, order_cmd

from orderworks.core.db import make_engine, make_session_factory
from orderworks.core.migrate import upgrade
from orderworks.core.uow import UnitOfWork
from orderworks.orders.service.placement import place_order
from orderworks.payments.cards import CardDetails
from orderworks.payments.gateways.test import TestGateway
from orderworks.payments.service.authorize import authorize_payment
from orderworks.payments.service.capture import capture_payment

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workload import recreate_postgres

CARD = CardDetails("4242424242424242", 12, 2034, "123")


def run(url: str, pairs: int, workers: int, tmp: Path) -> dict[str, object]:
    upgrade(url)
    engine = make_engine(url, pool_size=max(workers, 5))
    factory = make_session_factory(engine)
    new_uow = lambda: UnitOfWork(factory)
    basic_store(new_uow, stock=pairs + 10)
    orders = [place_order(new_uow(), order_cmd(("RED-CHAIR", 1), email=f"b{i}@example.com"), actor=STAFF).id
              for i in range(pairs)]
    gateway = TestGateway(tmp / f"gateway-{workers}-{engine.dialect.name}.db")

    def pay(order_id: object) -> float:
        started = time.perf_counter()
        out = authorize_payment(new_uow(), gateway, order_id, card=CARD, actor=STAFF)  # type: ignore[arg-type]
        capture_payment(new_uow(), gateway, out.payment.id, actor=STAFF)
        return time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        latencies = sorted(pool.map(pay, orders))
    elapsed = time.perf_counter() - started
    engine.dispose()
    assert len(gateway.operations("capture")) == pairs
    return {"database": engine.dialect.name, "workers": workers, "pairs": pairs, "seconds": round(elapsed, 3),
            "pairs_per_second": round(pairs / elapsed, 1),
            "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
            "p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=300)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--pg", default=os.environ.get("ORDERWORKS_BENCH_DATABASE_URL"))
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for workers in args.workers:
            results.append(run(f"sqlite:///{tmp}/bench-{workers}.db", args.pairs, workers, tmp))
            if args.pg:
                recreate_postgres(args.pg)
                results.append(run(args.pg, args.pairs, workers, tmp))
    print(f"{'database':<12}{'workers':>8}{'pairs':>8}{'seconds':>10}{'pairs/s':>10}{'p50 ms':>9}{'p95 ms':>9}")
    for r in results:
        print(f"{r['database']:<12}{r['workers']:>8}{r['pairs']:>8}{r['seconds']:>10}{r['pairs_per_second']:>10}"
              f"{r['p50_ms']:>9}{r['p95_ms']:>9}")
    out = ROOT / "bench" / "results" / "payments.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"at": datetime.now(UTC).isoformat(), "machine": platform.platform(),
                               "cpus": os.cpu_count(), "what": "authorize + capture, test gateway",
                               "results": results}, indent=2))
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
