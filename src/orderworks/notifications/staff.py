"""The staff digest of failed deliveries: relay deliveries parked since the last digest, in one email to the
store's address. A scheduled job; the event-driven staff emails (order held, payment failed, backorder, webhook
endpoint disabled) are subscribers (notifications/subscribers.py).

Exactly once per window: the digest email's key is the start of its window (the last digest's end), so two
workers running the job at once claim the same key and one of them sends; the mark moves on only once sent."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from orderworks.core.outbox import OutboxEvent
from orderworks.core.relay import EventDelivery
from orderworks.core.settings import Settings
from orderworks.core.store import get_store
from orderworks.core.uow import UnitOfWork
from orderworks.notifications.mail import SendFailed
from orderworks.notifications.messages import Draft, store_context
from orderworks.notifications.models import NotificationMark
from orderworks.notifications.rules import Audience
from orderworks.notifications.sending import EmailInProgress, send_once

DIGEST = "failed_deliveries_digest"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
SHOWN = 50  # deliveries listed in one email; the rest are counted


def _since(session: Session) -> datetime:
    mark = session.get(NotificationMark, DIGEST)
    return mark.position if mark else EPOCH


def _parked(session: Session, since: datetime, until: datetime) -> list[dict[str, Any]]:
    rows = session.execute(
        select(EventDelivery, OutboxEvent.type, OutboxEvent.aggregate_id)
        .join(OutboxEvent, OutboxEvent.id == EventDelivery.event_id)
        .where(EventDelivery.status == "failed", EventDelivery.updated_at > since, EventDelivery.updated_at <= until)
        .order_by(EventDelivery.updated_at, EventDelivery.id)).all()
    return [{"id": d.id, "event_type": t, "aggregate_id": a, "subscriber": d.subscriber, "attempts": d.attempts,
             "last_error": d.last_error.splitlines()[-1][:300] if d.last_error else "", "at": d.updated_at}
            for d, t, a in rows]


def send_failed_deliveries_digest(factory: sessionmaker[Session], settings: Settings, now: datetime) -> int:
    """Scheduled job: tell staff about every delivery parked since the last digest. Returns how many it reported
    (0: nothing new, or another worker is sending this digest)."""
    with UnitOfWork(factory, read_only=True) as uow:
        since = _since(uow.session)
        parked = _parked(uow.session, since, now)
    if not parked:
        return 0

    def compose(session: Session) -> Draft | None:
        store = get_store(session)
        if not store.staff_notifications or not store.email:
            return None
        context = {"store": store_context(store), "kind": "staff_failed_deliveries", "deliveries": parked[:SHOWN],
                   "count": len(parked), "more": max(len(parked) - SHOWN, 0), "since": since, "until": now}
        return Draft("staff_failed_deliveries", Audience.STAFF, store.email, store.locale or "en",
                     store.timezone or "UTC", context)

    try:
        send_once(UnitOfWork(factory), settings, key=f"digest:{DIGEST}:{since.isoformat()}", event_id=None,
                  compose=compose)
    except (SendFailed, EmailInProgress):
        return 0  # the mark stays: the next run reports this window (and whatever came since) again
    _advance(factory, since, now)
    return len(parked)


def _advance(factory: sessionmaker[Session], since: datetime, until: datetime) -> None:
    with UnitOfWork(factory) as uow:
        mark = uow.session.get(NotificationMark, DIGEST, with_for_update=True)
        if mark is None:
            uow.session.add(NotificationMark(name=DIGEST, position=until, updated_at=until))
        elif mark.position == since:
            mark.position, mark.updated_at = until, until
        uow.commit()
