"""The subscriber table bench/events.py gives its worker processes (ORDERWORKS_SUBSCRIBERS=events_registry:REGISTRY):
two subscribers per event, each inserting one row in its delivery's transaction, like a typical in-database handler."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert

from orderworks.core.numbering import NumberSeries
from orderworks.core.relay import Event, Registry, Subscriber
from orderworks.core.uow import UnitOfWork


@dataclass(frozen=True)
class BenchEvent:
    order_id: str
    n: int


def _writer(name: str) -> Subscriber:
    def handle(uow: UnitOfWork, event: Event) -> None:
        uow.session.execute(insert(NumberSeries).values(name=f"{name}.{event.payload['n']}", last_value=1))
    return Subscriber(name=name, handle=handle)


REGISTRY: Registry = {"BenchEvent": (_writer("bench.a"), _writer("bench.b"))}
