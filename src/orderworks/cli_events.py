"""`orderworks worker` and `orderworks events ...`: run the outbox relay, see and retry failed deliveries."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer
from rich.table import Table

from orderworks.cli_console import console, fail
from orderworks.cli_console import session_factory as _factory
from orderworks.core.errors import DomainError
from orderworks.core.relay import failed_deliveries, relay_until_idle, retry_delivery
from orderworks.core.uow import UnitOfWork
from orderworks.subscribers import SUBSCRIBERS
from orderworks.worker import run_relay

events_app = typer.Typer(help="The outbox: deliveries to subscribers, failures and retries.", no_args_is_help=True)


def worker(interval: Annotated[float, typer.Option(help="Seconds to wait when nothing is due")] = 1.0) -> None:
    """Run the outbox relay until stopped (Ctrl-C or SIGTERM). Run as many as you like on PostgreSQL."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    console.print("Worker running; Ctrl-C to stop.")
    try:
        run_relay(_factory(), stop, interval=interval)
    except KeyboardInterrupt:
        stop.set()


@events_app.command("run")
def events_run() -> None:
    """Deliver every event that is due now, then exit."""
    handled = relay_until_idle(_factory(), SUBSCRIBERS)
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
