"""`orderworks worker`, `orderworks events ...` and `orderworks jobs ...`: run the worker (outbox relay and
scheduled jobs), see and retry failed deliveries, list and run the jobs."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from orderworks.cli_console import console, fail
from orderworks.cli_console import session_factory as _factory
from orderworks.core.clock import now
from orderworks.core.errors import DomainError
from orderworks.core.relay import failed_deliveries, relay_until_idle, retry_delivery
from orderworks.core.settings import get_settings
from orderworks.core.uow import UnitOfWork
from orderworks.jobs import JOBS, get_job, run_job
from orderworks.worker import load_registry, queue_path, run_worker

events_app = typer.Typer(help="The outbox: deliveries to subscribers, failures and retries.", no_args_is_help=True)
jobs_app = typer.Typer(help="Scheduled jobs: what the worker runs on a timer.", no_args_is_help=True)


def worker(workers: Annotated[int, typer.Option("--workers", "-w", min=1,
                                                help="Worker threads in this process")] = 1) -> None:
    """Run a worker (outbox relay and scheduled jobs) until stopped: Ctrl-C lets running tasks finish, SIGTERM
    stops at once (nothing is lost: undelivered events stay in the outbox). Run as many as you like."""
    settings = get_settings()
    queue = f"Redis {settings.redis_url.split('@')[-1]}" if settings.redis_url else f"SQLite {queue_path(settings)}"
    console.print(f"Worker running with {workers} thread(s), queue '{settings.huey_name}' on {queue}; "
                  "Ctrl-C to stop.")
    run_worker(settings, workers=workers)


@events_app.command("run")
def events_run() -> None:
    """Deliver every event that is due now, then exit."""
    handled = relay_until_idle(_factory(), load_registry(get_settings().subscribers))
    console.print(f"Delivered {handled} event(s).")


@events_app.command("failed")
def events_failed(limit: int = 50) -> None:
    """Deliveries parked after repeated failures."""
    rows = failed_deliveries(UnitOfWork(_factory()), limit=limit)
    table = Table("ID", "Event", "Subscriber", "Attempts", "When", "Last error")
    for d in rows:
        table.add_row(str(d.id), d.event_type, d.subscriber, str(d.attempts), f"{d.updated_at:%Y-%m-%d %H:%M}",
                      d.last_error.splitlines()[-1][:80] if d.last_error else "")
    console.print(table if rows else "No failed deliveries.")


@events_app.command("retry")
def events_retry(delivery_id: int) -> None:
    """Give a failed delivery another go at the worker's next pass."""
    try:
        d = retry_delivery(UnitOfWork(_factory()), delivery_id)
    except DomainError as exc:
        fail(exc)
    console.print(f"Delivery {d.id} ({d.event_type} -> {d.subscriber}) will be retried.")


@jobs_app.command("list")
def jobs_list() -> None:
    """The scheduled jobs, their schedules (crontab, UTC) and what each does."""
    table = Table("Name", "Schedule (UTC)", "What it does")
    for job in JOBS:
        table.add_row(job.name, job.schedule, job.description)
    console.print(table)


@jobs_app.command("run")
def jobs_run(name: str) -> None:
    """Run one scheduled job now (safe beside running workers: every job is idempotent)."""
    try:
        job = get_job(name)
    except KeyError:
        console.print(f"[red]not_found[/red]: no job '{name}'; `orderworks jobs list` shows them (name)")
        raise typer.Exit(1) from None
    done = run_job(job, _factory(), get_settings(), now())
    console.print(f"Job {job.name}: {done} done.")
