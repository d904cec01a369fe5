"""The worker: a huey consumer that runs the outbox relay and the scheduled jobs.

The queue comes from the settings: RedisHuey when ORDERWORKS_REDIS_URL is set (production: any number of
`orderworks worker` processes on any number of machines), otherwise SqliteHuey in a file next to the database
(embedded: `orderworks serve` runs a consumer in threads of the server process).

What the queue carries is only a nudge: "deliver what is due". The events themselves stay in the outbox table, so
nothing is lost when a worker dies, whatever happens to the queue:
- the `relay` task drains the outbox (core/relay.relay_once: leases with FOR UPDATE SKIP LOCKED on PostgreSQL, one
  transaction per delivery, deduplicated on event id + subscriber) for a few seconds, then enqueues itself again
  while there is more, so other tasks (the jobs) get their turn;
- each consumer's scheduler thread, every second, tops the queue up to one waiting relay task per worker thread
  of its own. An idle worker so wakes within about a second of a new event, a worker killed mid-task (its task gone
  with it) is replaced at the next tick, and N workers on PostgreSQL each drain the outbox side by side;
- each row of jobs.JOBS is a huey periodic task.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import structlog
from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.api import TaskWrapper
from huey.consumer import Consumer, Scheduler
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from orderworks.core.clock import now
from orderworks.core.db import make_engine, make_session_factory
from orderworks.core.relay import Registry, relay_once
from orderworks.core.settings import Settings
from orderworks.jobs import JOBS, Job, run_job

log = structlog.get_logger()

DRAIN_SECONDS = 5.0  # how long one relay task drains before it yields the worker thread (and re-enqueues itself)
POLL_SECONDS = 0.5  # the longest an idle SqliteHuey worker thread waits before looking at the queue again


def queue_path(settings: Settings) -> Path:
    """The SqliteHuey file: beside the SQLite database (var/orderworks.db -> var/orderworks-queue.db), or in
    var_dir when the database is elsewhere."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        db = Path(url.database)
        return db.with_name(f"{db.stem}-queue.db")
    return settings.var_dir / "queue.db"


def make_queue(settings: Settings) -> Huey:
    """The huey instance the settings name: RedisHuey on ORDERWORKS_REDIS_URL, else SqliteHuey in a file."""
    if settings.redis_url:
        return RedisHuey(settings.huey_name, url=settings.redis_url, results=False)
    path = queue_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(settings.huey_name, filename=str(path), results=False, fsync=True)


def load_registry(spec: str) -> Registry:
    """The subscriber table named "module:attribute" (ORDERWORKS_SUBSCRIBERS); orderworks.subscribers by default,
    another for a plugin or a test."""
    module, _, attribute = spec.partition(":")
    registry: Registry = getattr(importlib.import_module(module), attribute or "SUBSCRIBERS")
    return registry


@dataclass
class Worker:
    """A configured queue with its tasks registered: `relay` and one periodic task per job."""

    huey: Huey
    relay: TaskWrapper
    settings: Settings

    def nudge(self) -> None:
        """Ask for a relay pass (the scheduler does it every second anyway)."""
        self.relay()


def create_worker(settings: Settings, *, factory: sessionmaker[Session] | None = None,
                  registry: Registry | None = None) -> Worker:
    """Build the huey instance and register the relay task and the jobs on it."""
    huey = make_queue(settings)
    session_factory = factory or make_session_factory(make_engine(settings.database_url))
    subscribers = registry if registry is not None else load_registry(settings.subscribers)
    lease = timedelta(seconds=settings.relay_lease_seconds)

    @huey.task(name="orderworks.relay")
    def relay() -> int:
        handled, more = drain(session_factory, subscribers, batch=settings.relay_batch_size, lease=lease)
        if more:
            relay()  # more is due: queue the next pass behind whatever else waits
        return handled

    for job in JOBS:
        huey.periodic_task(_schedule(job), name=f"orderworks.job.{job.name}")(_job_task(job, session_factory,
                                                                                         settings))
    return Worker(huey, relay, settings)


def drain(factory: sessionmaker[Session], registry: Registry, *, batch: int, lease: timedelta,
          seconds: float = DRAIN_SECONDS) -> tuple[int, bool]:
    """Relay batches until nothing is due or `seconds` have passed; returns (events handled, more may be due)."""
    deadline = time.monotonic() + seconds
    total = 0
    while True:
        try:
            handled = relay_once(factory, registry, limit=batch, lease=lease)
        except Exception:  # a database hiccup must not kill the task; the next tick tries again
            log.exception("relay_pass_failed")
            return total, False
        total += handled
        if handled == 0:
            return total, False
        if time.monotonic() >= deadline:
            return total, True


def _schedule(job: Job) -> Callable[..., bool]:
    minute, hour, day, month, weekday = job.schedule.split()
    return crontab(minute=minute, hour=hour, day=day, month=month, day_of_week=weekday)


def _job_task(job: Job, factory: sessionmaker[Session], settings: Settings) -> Callable[[], int]:
    def run() -> int:
        return run_job(job, factory, settings, now())
    run.__name__ = f"job_{job.name.replace('-', '_')}"
    return run


class _RelayScheduler(Scheduler):
    """huey's scheduler (delayed and periodic tasks) that also keeps the queue topped up with relay tasks."""

    def __init__(self, *args: object, worker: Worker, wanted: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.worker, self.wanted = worker, wanted

    def loop(self, now: object = None) -> None:
        try:
            if self.huey.pending_count() < self.wanted:
                self.worker.nudge()
        except Exception:  # a queue hiccup: the next tick tries again
            self._logger.exception("relay_nudge_failed")
        super().loop(now)


class WorkerConsumer(Consumer):
    """A huey consumer whose scheduler nudges the relay every second (see the module docstring)."""

    def __init__(self, worker: Worker, *, workers: int = 1, **options: object) -> None:
        self.worker = worker
        options.setdefault("max_delay", POLL_SECONDS)
        options.setdefault("initial_delay", 0.05)
        options.setdefault("worker_type", "thread")
        super().__init__(worker.huey, workers=workers, **options)

    def _create_scheduler(self) -> Scheduler:
        return _RelayScheduler(huey=self.huey, stop_flag=self.stop_flag, interval=self.scheduler_interval,
                               periodic=self.periodic, worker=self.worker, wanted=self.workers)


def run_worker(settings: Settings, *, workers: int = 1) -> None:
    """`orderworks worker`: a consumer in the foreground until SIGINT (finish the current tasks) or SIGTERM."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    consumer = WorkerConsumer(create_worker(settings), workers=workers)
    consumer.worker.nudge()
    consumer.run()


def start_embedded_worker(settings: Settings, *, factory: sessionmaker[Session] | None = None,
                          workers: int = 1) -> Callable[[], None]:
    """`orderworks serve`: a consumer in threads of this process (no signal handlers: the server owns those).
    Returns the function that stops it, letting running tasks finish."""
    consumer = WorkerConsumer(create_worker(settings, factory=factory), workers=workers)
    consumer.scheduler.start()
    for _, thread in consumer.worker_threads:
        thread.start()
    consumer.worker.nudge()

    def stop() -> None:
        consumer.stop(graceful=True)

    return stop
