"""Outbox events delivered per second by 1 and 4 real `orderworks worker` processes on PostgreSQL.

Each event has two subscribers that write one row each (bench/events_registry.py), so an event is: its share of a
lease transaction (FOR UPDATE SKIP LOCKED, batches of --batch), two delivery transactions (subscriber row +
delivery row) and a settle transaction. The workers are started and idle first; then --events events are committed
at once and the clock runs from that commit until the last one is `done` (polled every 20 ms). The queue is
RedisHuey when Redis answers at --redis (the production shape), else SqliteHuey.

    .venv/bin/python bench/events.py [--events 3000] [--workers 1 4] [--pg postgresql+psycopg://...]

PostgreSQL: the database in --pg (default $ORDERWORKS_BENCH_DATABASE_URL, else orderworks_bench_events on
127.0.0.1) is DROPPED and re-created.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from events_registry import BenchEvent
from sqlalchemy import func, select, text
from workload import recreate_postgres

from orderworks.core.db import make_engine, make_session_factory
from orderworks.core.migrate import upgrade
from orderworks.core.outbox import OutboxEvent
from orderworks.core.uow import UnitOfWork

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/orderworks_bench_events"


def _redis_up(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _emit(factory, start: int, count: int) -> None:  # type: ignore[no-untyped-def]
    with UnitOfWork(factory) as uow:
        for n in range(start, start + count):
            uow.outbox.add(BenchEvent(order_id=f"o{n}", n=n))
        uow.commit()


def _not_done(factory) -> int:  # type: ignore[no-untyped-def]
    with UnitOfWork(factory) as uow:
        return int(uow.session.execute(select(func.count()).select_from(OutboxEvent)
                                       .where(OutboxEvent.status != "done")).scalar_one())


def _wait_done(factory, timeout: float) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    while _not_done(factory):
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"events still undelivered after {timeout} s")
        time.sleep(0.02)
    return time.perf_counter() - started


def commit_ms(engine, commits: int = 200) -> float:  # type: ignore[no-untyped-def]
    """The database's own floor, measured just before a run: ms per one-row INSERT + COMMIT (the relay's unit)."""
    with engine.connect() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS bench_commit_floor (x int)"))
        conn.commit()
        started = time.perf_counter()
        for _ in range(commits):
            conn.execute(text("INSERT INTO bench_commit_floor VALUES (1)"))
            conn.commit()
        return round((time.perf_counter() - started) * 1000 / commits, 2)


def run(url: str, *, events: int, workers: int, batch: int, redis_url: str | None, tmp: Path) -> dict[str, object]:
    engine = make_engine(url, pool_size=2)
    factory = make_session_factory(engine)
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE event_deliveries, outbox_events, number_series"))
    name = f"bench-events-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERWORKS_")}
    env.update({"ORDERWORKS_DATABASE_URL": url, "ORDERWORKS_HUEY_NAME": name, "ORDERWORKS_VAR_DIR": str(tmp),
                "ORDERWORKS_SUBSCRIBERS": "events_registry:REGISTRY", "ORDERWORKS_RELAY_BATCH_SIZE": str(batch),
                "PYTHONPATH": f"{ROOT / 'bench'}{os.pathsep}{ROOT}"})
    if redis_url:
        env["ORDERWORKS_REDIS_URL"] = redis_url
    procs = [subprocess.Popen([sys.executable, "-m", "orderworks.cli", "worker", "--workers", "1"], env=env,
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True) for _ in range(workers)]
    try:
        _emit(factory, -workers * 10, workers * 10)  # warm-up: every worker up, connected and idle again
        _wait_done(factory, 120)
        floor = commit_ms(engine)
        _emit(factory, 0, events)
        elapsed = _wait_done(factory, 600)
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGINT)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        if redis_url:
            import redis

            client = redis.Redis.from_url(redis_url)
            for key in client.scan_iter(f"huey.*{name}*"):
                client.delete(key)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT count(*), max(last_value) FROM number_series")).one()
    engine.dispose()
    assert rows[0] == 2 * (events + workers * 10) and rows[1] == 1, rows  # every delivery once, none twice
    return {"database": "postgresql", "queue": "redis" if redis_url else "sqlite", "workers": workers,
            "events": events, "deliveries": 2 * events, "seconds": round(elapsed, 3),
            "events_per_second": round(events / elapsed, 1), "deliveries_per_second": round(2 * events / elapsed, 1),
            "commit_ms": floor, "ms_per_event_per_worker": round(elapsed * 1000 * workers / events, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--pg", default=os.environ.get("ORDERWORKS_BENCH_DATABASE_URL", DEFAULT_PG))
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    redis_url = args.redis if _redis_up(args.redis) else None
    recreate_postgres(args.pg)
    upgrade(args.pg)
    results = []
    with tempfile.TemporaryDirectory() as tmpdir:
        for workers in args.workers:
            results.append(run(args.pg, events=args.events, workers=workers, batch=args.batch, redis_url=redis_url,
                               tmp=Path(tmpdir)))
    print(f"{'database':<12}{'queue':<8}{'workers':>8}{'events':>8}{'seconds':>10}{'events/s':>10}"
          f"{'deliveries/s':>14}{'commit ms':>11}")
    for r in results:
        print(f"{r['database']:<12}{r['queue']:<8}{r['workers']:>8}{r['events']:>8}{r['seconds']:>10}"
              f"{r['events_per_second']:>10}{r['deliveries_per_second']:>14}{r['commit_ms']:>11}")
    print("commit ms: one-row INSERT + COMMIT on the same database just before the run (the floor of a delivery)")
    out = args.out / "events.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"at": datetime.now(UTC).isoformat(), "machine": platform.platform(),
                               "cpus": os.cpu_count(), "what": "outbox events delivered per second, 2 subscribers "
                               "each writing one row, real worker processes", "batch": args.batch,
                               "results": results}, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
