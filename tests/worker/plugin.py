"""A test subscriber table for worker processes, selected with ORDERWORKS_SUBSCRIBERS=tests.worker.plugin:REGISTRY
(the plugin point of orderworks.worker.load_registry), so product code carries nothing for tests.

Each delivery's effect is one database row: the number series `<subscriber>.<n>` taken once, in the delivery's own
transaction. A count above 1 would be a double delivery. The event with `pause` set makes the first subscriber
leave a marker file and hang (once), so a test can SIGKILL the worker in the middle of a batch."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from orderworks.core.numbering import next_number
from orderworks.core.relay import Event, Registry, Subscriber
from orderworks.core.uow import UnitOfWork


@dataclass(frozen=True)
class WorkerTestEvent:
    order_id: str
    n: int
    pause: bool = False


def _record(name: str, *, pausing: bool) -> Subscriber:
    def handle(uow: UnitOfWork, event: Event) -> None:
        next_number(uow.session, f"{name}.{event.payload['n']}")
        if pausing and event.payload.get("pause"):
            marker = Path(os.environ["ORDERWORKS_TEST_MARKER"])
            if not marker.exists():
                marker.write_text(str(event.id))
                time.sleep(120)  # killed here, with this delivery's transaction open
        time.sleep(float(os.environ.get("ORDERWORKS_TEST_SUBSCRIBER_SLEEP", "0")))
    return Subscriber(name=name, handle=handle)


REGISTRY: Registry = {"WorkerTestEvent": (_record("first", pausing=True), _record("second", pausing=False))}
