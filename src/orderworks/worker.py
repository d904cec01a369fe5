"""The worker: runs the outbox relay in a loop.

Embedded (the default), `orderworks serve` runs it in a background thread of the server process. In production,
`orderworks worker` processes run it beside any number of API processes; on PostgreSQL they share the outbox
with FOR UPDATE SKIP LOCKED (see core/relay.py).
"""

from __future__ import annotations

import threading

import structlog
from sqlalchemy.orm import Session, sessionmaker

from orderworks.core.relay import relay_once
from orderworks.subscribers import SUBSCRIBERS

log = structlog.get_logger()


def run_relay(factory: sessionmaker[Session], stop: threading.Event, *, interval: float = 1.0) -> None:
    """Deliver due events until `stop` is set; sleeps `interval` seconds whenever nothing is due."""
    while not stop.is_set():
        try:
            handled = relay_once(factory, SUBSCRIBERS)
        except Exception:  # noqa: BLE001 - a database hiccup must not kill the worker; it tries again
            log.exception("relay_pass_failed")
            handled = 0
        if handled == 0:
            stop.wait(interval)


def start_embedded_worker(factory: sessionmaker[Session], *, interval: float = 1.0) -> threading.Event:
    """Start the relay in a daemon thread of this process; set the returned event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(target=run_relay, args=(factory, stop), kwargs={"interval": interval},
                              name="orderworks-relay", daemon=True)
    thread.start()
    return stop
