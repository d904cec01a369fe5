"""The outbox relay: hands each committed outbox event to its subscribers, exactly once per subscriber.

How it never loses an event and never runs a subscriber twice:
- A batch of due events is *leased* in a short transaction (their `available_at` pushed past the lease time), with
  `FOR UPDATE SKIP LOCKED` on PostgreSQL so that any number of relays share the queue. A relay that dies mid-batch
  simply lets the lease run out; another relay picks the events up again.
- Each subscriber runs in its own transaction, and that transaction also writes the subscriber's delivery row
  (unique on event id + subscriber). A subscriber whose delivery row says `done` is skipped, so a re-delivered
  event does nothing twice, and a subscriber's database effects commit if and only if its delivery is recorded.
- A subscriber that raises is retried with exponential backoff; after `max_attempts` it is parked as `failed`,
  where staff see it (`orderworks events failed`) and can retry it (`orderworks events retry ID`).
- The event row is `done` once every subscriber is done, `failed` while any delivery is parked.

Subscribers are plain functions `handle(uow, event)` that may call use cases on the given unit of work (their
inner `commit()` is deferred to the relay's block). Which subscriber hears which event is one table, passed in
by the caller (orderworks/subscribers.py), so this module knows no area; subscribers under the key `"*"` hear
every event type (the webhooks).
"""

from __future__ import annotations

import traceback
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from orderworks.core.clock import now
from orderworks.core.db import Base
from orderworks.core.errors import NotFound
from orderworks.core.outbox import OutboxEvent
from orderworks.core.uow import UnitOfWork

log = structlog.get_logger()

LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 8
BASE_BACKOFF_SECONDS = 5
ALL_EVENTS = "*"  # a registry key whose subscribers hear every event type


class EventDelivery(Base):
    """One subscriber's handling of one event: done, retrying (with the next attempt time) or failed (parked)."""

    __tablename__ = "event_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "subscriber", name="uq_event_deliveries_event_subscriber"),
        Index("ix_event_deliveries_status", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("outbox_events.id"))
    subscriber: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16))  # done, retrying, failed
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=now)


@dataclass(frozen=True)
class Event:
    """What a subscriber is handed: the committed outbox row, detached from any session."""

    id: uuid.UUID
    type: str
    aggregate_id: str
    payload: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class Subscriber:
    name: str  # stable: it is the deduplication key, so never rename a subscriber that has run in production
    handle: Callable[[UnitOfWork, Event], None]
    # A subscriber that calls out (a payment gateway) must commit its claim before the call (DESIGN rule 4), so it
    # runs its use cases in transactions of their own, on a unit of work the relay has not opened. Its delivery is
    # recorded after it returns: it must be idempotent by itself (a claim keyed on the event id does that).
    own_transactions: bool = False


Registry = Mapping[str, Sequence[Subscriber]]


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s, ... capped at one hour."""
    return timedelta(seconds=min(BASE_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), 3600))


def _lease(factory: sessionmaker[Session], limit: int, lease: timedelta) -> tuple[list[Event], set[tuple[uuid.UUID, str]]]:
    """Lease a batch of due events; also returns which (event, subscriber) pairs already have a delivery row (a
    retry, or a relay that died mid-event), the only ones whose row must be read and locked before delivering."""
    at = now()
    with UnitOfWork(factory) as uow:
        rows = list(uow.session.execute(
            select(OutboxEvent).where(OutboxEvent.status == "pending", OutboxEvent.available_at <= at)
            .order_by(OutboxEvent.created_at, OutboxEvent.id).limit(limit)
            .with_for_update(skip_locked=True)).scalars())
        started: set[tuple[uuid.UUID, str]] = set()
        if rows:
            ids = [r.id for r in rows]
            uow.session.execute(update(OutboxEvent).where(OutboxEvent.id.in_(ids))
                                .values(available_at=at + lease).execution_options(synchronize_session=False))
            started = {(event_id, name) for event_id, name in uow.session.execute(
                select(EventDelivery.event_id, EventDelivery.subscriber).where(EventDelivery.event_id.in_(ids)))}
        events = [Event(r.id, r.type, r.aggregate_id, dict(r.payload), r.created_at) for r in rows]
        uow.commit()
    return events, started


def _lease_batch(factory: sessionmaker[Session], limit: int, lease: timedelta = LEASE) -> list[Event]:
    return _lease(factory, limit, lease)[0]


def _delivery(session: Session, event: Event, subscriber: Subscriber, *, lock: bool) -> EventDelivery | None:
    stmt = select(EventDelivery).where(EventDelivery.event_id == event.id,
                                       EventDelivery.subscriber == subscriber.name)
    return session.execute(stmt.with_for_update() if lock else stmt).scalar_one_or_none()


def _due(delivery: EventDelivery | None) -> bool:
    """Whether a subscriber should run now: never ran, or retrying and its backoff is over (not done, not parked:
    a parked delivery moves again only by a staff retry)."""
    if delivery is None:
        return True
    return delivery.status == "retrying" and not (delivery.next_attempt_at and delivery.next_attempt_at > now())


def _mark_done(uow: UnitOfWork, row: EventDelivery | None, event: Event, subscriber: Subscriber) -> None:
    row = row or EventDelivery(event_id=event.id, subscriber=subscriber.name, attempts=0)
    row.status, row.attempts, row.updated_at, row.next_attempt_at = "done", row.attempts + 1, now(), None
    uow.session.add(row)
    uow.commit()


def _deliver(factory: sessionmaker[Session], event: Event, subscriber: Subscriber, *, fresh: bool = False) -> bool:
    """Run one subscriber for one event; True when it is done (now or before). `fresh`: it had no delivery row at
    the lease, so there is none to read; should another relay deliver it meanwhile (an expired lease), the unique
    delivery row refuses this one's insert and its effects roll back with it."""
    if subscriber.own_transactions:
        return _deliver_on_its_own(factory, event, subscriber)
    uow = UnitOfWork(factory)
    try:
        with uow:
            existing = None if fresh else _delivery(uow.session, event, subscriber, lock=True)
            if not _due(existing):
                return existing is not None and existing.status == "done"
            subscriber.handle(uow, event)
            _mark_done(uow, existing, event, subscriber)
        return True
    except Exception as exc:  # noqa: BLE001 - any failure of a subscriber is recorded and retried, never lost
        _record_failure(factory, event, subscriber, exc)
        return False


def _deliver_on_its_own(factory: sessionmaker[Session], event: Event, subscriber: Subscriber) -> bool:
    try:
        with UnitOfWork(factory) as uow:
            existing = _delivery(uow.session, event, subscriber, lock=False)
            if not _due(existing):
                return existing is not None and existing.status == "done"
        subscriber.handle(UnitOfWork(factory), event)
        with UnitOfWork(factory) as uow:
            _mark_done(uow, _delivery(uow.session, event, subscriber, lock=True), event, subscriber)
        return True
    except Exception as exc:  # noqa: BLE001 - as in _deliver: recorded and retried, never lost
        _record_failure(factory, event, subscriber, exc)
        return False


def _record_failure(factory: sessionmaker[Session], event: Event, subscriber: Subscriber, exc: Exception) -> None:
    error = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000]
    with UnitOfWork(factory) as uow:
        row = _delivery(uow.session, event, subscriber, lock=True) or EventDelivery(event_id=event.id, subscriber=subscriber.name, attempts=0)
        if row.status == "done":
            # Another relay delivered it meanwhile (a lease ran out under a slow batch), and this run lost the race
            # on the delivery row: the delivery stands and must not run again.
            return
        row.attempts += 1
        row.last_error, row.updated_at = error, now()
        parked = row.attempts >= MAX_ATTEMPTS
        row.status = "failed" if parked else "retrying"
        row.next_attempt_at = None if parked else now() + backoff(row.attempts)
        uow.session.add(row)
        uow.commit()
    log.warning("subscriber_failed", event_type=event.type, event_id=str(event.id), subscriber=subscriber.name,
                attempts=row.attempts, parked=parked, error=error)


def _settled(deliveries: Mapping[str, EventDelivery], subscribers: Sequence[Subscriber]) -> dict[str, Any]:
    """An event's new state: done, failed (a delivery is parked) or pending again at its earliest retry."""
    states = [deliveries[s.name].status if s.name in deliveries else "pending" for s in subscribers]
    if all(state == "done" for state in states):
        return {"status": "done"}
    if "failed" in states:
        return {"status": "failed"}
    retries = [d.next_attempt_at for d in deliveries.values() if d.status == "retrying" and d.next_attempt_at]
    return {"status": "pending", "available_at": min(retries) if retries else now()}


def _settle(factory: sessionmaker[Session], events: Sequence[Event], registry: Registry) -> None:
    """Record what became of a batch's events, in one transaction (one UPDATE for all the done ones)."""
    with UnitOfWork(factory) as uow:
        deliveries: dict[uuid.UUID, dict[str, EventDelivery]] = defaultdict(dict)
        for row in uow.session.execute(select(EventDelivery)
                                       .where(EventDelivery.event_id.in_([e.id for e in events]))).scalars():
            deliveries[row.event_id][row.subscriber] = row
        done: list[uuid.UUID] = []
        for event in events:
            values = _settled(deliveries[event.id], subscribers_of(registry, event.type))
            if values["status"] == "done":
                done.append(event.id)
                continue
            uow.session.execute(update(OutboxEvent).where(OutboxEvent.id == event.id)
                                .values(attempts=OutboxEvent.attempts + 1, **values)
                                .execution_options(synchronize_session=False))
        if done:
            uow.session.execute(update(OutboxEvent).where(OutboxEvent.id.in_(done))
                                .values(attempts=OutboxEvent.attempts + 1, status="done")
                                .execution_options(synchronize_session=False))
        uow.commit()


def subscribers_of(registry: Registry, event_type: str) -> tuple[Subscriber, ...]:
    """The event type's own subscribers, then those registered for every type (`"*"`)."""
    return (*registry.get(event_type, ()), *registry.get(ALL_EVENTS, ()))


def relay_once(factory: sessionmaker[Session], registry: Registry, *, limit: int = 100,
               lease: timedelta = LEASE) -> int:
    """Deliver one batch of due events to their subscribers. Returns how many events were handled.

    `lease` must comfortably exceed the time a batch takes: past it, another relay may pick the events up too
    (harmless, the delivery rows deduplicate, but wasted work)."""
    events, started = _lease(factory, limit, lease)
    for event in events:
        for subscriber in subscribers_of(registry, event.type):
            _deliver(factory, event, subscriber, fresh=(event.id, subscriber.name) not in started)
    if events:
        _settle(factory, events, registry)
    return len(events)


def relay_until_idle(factory: sessionmaker[Session], registry: Registry, *, max_batches: int = 1000) -> int:
    """Deliver batches until nothing is due (events a subscriber just wrote included). For the CLI and tests."""
    total = 0
    for _ in range(max_batches):
        handled = relay_once(factory, registry)
        total += handled
        if handled == 0:
            break
    return total


@dataclass(frozen=True)
class FailedDelivery:
    id: int
    event_id: uuid.UUID
    event_type: str
    subscriber: str
    attempts: int
    last_error: str
    updated_at: datetime


def failed_deliveries(uow: UnitOfWork, *, limit: int = 100) -> list[FailedDelivery]:
    """Deliveries parked after too many failures, newest first, for staff to look at and retry."""
    with uow:
        rows = uow.session.execute(
            select(EventDelivery, OutboxEvent.type).join(OutboxEvent, OutboxEvent.id == EventDelivery.event_id)
            .where(EventDelivery.status == "failed")
            .order_by(EventDelivery.updated_at.desc()).limit(limit)).all()
    return [FailedDelivery(d.id, d.event_id, t, d.subscriber, d.attempts, d.last_error, d.updated_at)
            for d, t in rows]


def retry_delivery(uow: UnitOfWork, delivery_id: int) -> FailedDelivery:
    """Give a parked delivery another go: it runs at the relay's next pass, with its attempts counted afresh."""
    with uow:
        row = uow.session.get(EventDelivery, delivery_id, with_for_update=True)
        if row is None:
            raise NotFound(f"No event delivery {delivery_id}", field="id")
        row.status, row.attempts, row.next_attempt_at, row.updated_at = "retrying", 0, now(), now()
        uow.session.execute(update(OutboxEvent).where(OutboxEvent.id == row.event_id)
                            .values(status="pending", available_at=now())
                            .execution_options(synchronize_session=False))
        event_type = uow.session.execute(select(OutboxEvent.type).where(OutboxEvent.id == row.event_id)).scalar_one()
        uow.commit()
    return FailedDelivery(row.id, row.event_id, event_type, row.subscriber, row.attempts, row.last_error,
                          row.updated_at)
