"""Webhook deliveries per second to a real HTTP receiver on 127.0.0.1 (it verifies every signature), on SQLite
and on PostgreSQL.

Two paths, each a real claim (commit), signed HTTP POST, record (commit) per delivery:
- relay: events in the outbox, `relay_until_idle` with the product's subscribers (fan-out to one endpoint, first
  attempt inline), one relay;
- job: deliveries left to the retry job (the endpoint answered one 500, so the relay stops calling it), sent by
  `retry_due_deliveries` run by 1 or 4 workers at once
  (each sending up to 8 calls in parallel).

    .venv/bin/python bench/webhooks.py [--events 300] [--workers 1 4] [--pg postgresql+psycopg://...]

PostgreSQL: the database in --pg (default $ORDERWORKS_BENCH_DATABASE_URL) is DROPPED and re-created.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.notifications.receiver import running_receiver

from orderworks.core.clock import now
from orderworks.core.db import make_engine, make_session_factory
from orderworks.core.migrate import upgrade
from orderworks.core.relay import relay_until_idle
from orderworks.core.settings import Settings
from orderworks.core.uow import UnitOfWork
from orderworks.notifications.webhooks import service
from orderworks.notifications.webhooks.delivery import retry_due_deliveries
from orderworks.orders.events import OrderPlaced
from orderworks.subscribers import SUBSCRIBERS

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workload import recreate_postgres


def _emit(new_uow, events: int) -> None:  # type: ignore[no-untyped-def]
    with new_uow() as uow:
        for n in range(events):
            uow.outbox.add(OrderPlaced(order_id=f"o{n}", number=str(10000 + n), channel="web", currency="USD",
                                       total=4900, customer_email="b@example.com", backordered=False))
        uow.commit()


def run(url: str, events: int, workers: int) -> list[dict[str, object]]:
    if not url.startswith("sqlite"):
        recreate_postgres(url)
    upgrade(url)
    engine = make_engine(url, pool_size=max(workers * 9, 10))
    factory = make_session_factory(engine)
    new_uow = lambda: UnitOfWork(factory)
    rows = []
    with running_receiver() as receiver:
        receiver.secret = service.create_endpoint(new_uow(), url=receiver.url, events=["*"]).secret
        _emit(new_uow, events)
        started = time.perf_counter()
        relay_until_idle(factory, SUBSCRIBERS)
        relay_seconds = time.perf_counter() - started
        assert len(receiver.accepted()) == events
        rows.append({"database": engine.dialect.name, "path": "relay", "workers": 1, "deliveries": events,
                     "seconds": round(relay_seconds, 3), "per_second": round(events / relay_seconds, 1)})

        receiver.script = [500]  # the endpoint is failing: the relay leaves the rest to the job
        _emit(new_uow, events)
        relay_until_idle(factory, SUBSCRIBERS)
        later, settings = now() + timedelta(minutes=1), Settings()
        threads = [threading.Thread(target=retry_due_deliveries, args=(factory, settings, later))
                   for _ in range(workers)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        job_seconds = time.perf_counter() - started
        assert len(receiver.accepted()) == 2 * events, len(receiver.accepted())
        rows.append({"database": engine.dialect.name, "path": "job", "workers": workers, "deliveries": events,
                     "seconds": round(job_seconds, 3), "per_second": round(events / job_seconds, 1)})
    engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--pg", default=os.environ.get("ORDERWORKS_BENCH_DATABASE_URL"))
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    results: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for workers in args.workers:
            results += run(f"sqlite:///{tmp}/bench-{workers}.db", args.events, workers)
            if args.pg:
                results += run(args.pg, args.events, workers)
    print(f"{'database':<12}{'path':<7}{'workers':>8}{'deliveries':>11}{'seconds':>10}{'per s':>9}")
    for r in results:
        print(f"{r['database']:<12}{r['path']:<7}{r['workers']:>8}{r['deliveries']:>11}{r['seconds']:>10}"
              f"{r['per_second']:>9}")
    out = args.out / "webhooks.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"at": datetime.now(UTC).isoformat(), "machine": platform.platform(),
                               "cpus": os.cpu_count(), "what": "signed webhook deliveries to a local receiver",
                               "results": results}, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
