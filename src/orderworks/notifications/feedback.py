"""The later feedback request: written when a delivery is reported, sent by a scheduled job when it falls due.

One request per order: a later delivery of the same order (a split shipment) moves a pending request to the last
delivery. The job claims each due request with a conditional update, so several workers share the work and none
sends one twice; the email itself goes through sending.send_once (keyed on the request)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from orderworks.core.relay import backoff
from orderworks.core.settings import Settings
from orderworks.core.store import get_store
from orderworks.core.uow import UnitOfWork
from orderworks.notifications import messages as m
from orderworks.notifications.mail import SendFailed
from orderworks.notifications.models import FeedbackRequest
from orderworks.notifications.rules import FEEDBACK_CLAIM, feedback_due_at
from orderworks.notifications.sending import EmailInProgress, send_once

log = structlog.get_logger()
BATCH = 100


def schedule_feedback_request(uow: UnitOfWork, order_id: str | uuid.UUID, *, delivered_at: str | datetime | None,
                              at: datetime) -> FeedbackRequest | None:
    """Note that the order was delivered: its feedback request falls due the store's number of days later."""
    oid = order_id if isinstance(order_id, uuid.UUID) else uuid.UUID(str(order_id))
    when = datetime.fromisoformat(delivered_at) if isinstance(delivered_at, str) else (delivered_at or at)
    with uow:
        due = feedback_due_at(when, get_store(uow.session).feedback_request_days)
        if due is None:
            return None
        row = uow.session.execute(select(FeedbackRequest).where(FeedbackRequest.order_id == oid)
                                  .with_for_update()).scalar_one_or_none()
        if row is None:
            row = FeedbackRequest(order_id=oid, delivered_at=when, due_at=due, status="pending")
            uow.session.add(row)
        elif row.status == "pending" and when > row.delivered_at:
            row.delivered_at, row.due_at = when, due
        uow.commit()
    return row


def _claim_due(factory: sessionmaker[Session], now: datetime) -> list[uuid.UUID]:
    """Take up to BATCH due requests (or ones whose claim ran out) for this worker."""
    with UnitOfWork(factory) as uow:
        candidates = list(uow.session.execute(
            select(FeedbackRequest.id).where(
                or_(FeedbackRequest.status == "pending",
                    (FeedbackRequest.status == "sending") & (FeedbackRequest.claimed_until < now)),
                FeedbackRequest.due_at <= now)
            .order_by(FeedbackRequest.due_at).limit(BATCH).with_for_update(skip_locked=True)).scalars())
        if candidates:
            uow.session.execute(update(FeedbackRequest).where(FeedbackRequest.id.in_(candidates))
                                .values(status="sending", claimed_until=now + FEEDBACK_CLAIM)
                                .execution_options(synchronize_session=False))
        uow.commit()
    return candidates


def send_due_feedback_requests(factory: sessionmaker[Session], settings: Settings, now: datetime) -> int:
    """Scheduled job: email every feedback request that has fallen due. Returns how many were sent."""
    sent = 0
    for request_id in _claim_due(factory, now):
        with UnitOfWork(factory) as uow:
            request = uow.session.get(FeedbackRequest, request_id)
        assert request is not None
        payload = {"order_id": str(request.order_id)}

        def compose(session: Session, p: dict[str, Any] = payload) -> m.Draft | None:
            return m.compose(session, settings, m.FEEDBACK_REQUEST, p)

        try:
            send_once(UnitOfWork(factory), settings, key=f"feedback:{request.id}", event_id=None, compose=compose)
        except (SendFailed, EmailInProgress) as exc:
            _release(factory, request_id, now, attempts=request.attempts + 1)
            log.warning("feedback_request_not_sent", request_id=str(request_id), error=str(exc))
            continue
        _mark(factory, request_id, now)
        sent += 1
    return sent


def _release(factory: sessionmaker[Session], request_id: uuid.UUID, now: datetime, *, attempts: int) -> None:
    with UnitOfWork(factory) as uow:
        uow.session.execute(update(FeedbackRequest).where(FeedbackRequest.id == request_id)
                            .values(status="pending", attempts=attempts, due_at=now + backoff(attempts),
                                    claimed_until=None).execution_options(synchronize_session=False))
        uow.commit()


def _mark(factory: sessionmaker[Session], request_id: uuid.UUID, now: datetime) -> None:
    with UnitOfWork(factory) as uow:
        uow.session.execute(update(FeedbackRequest).where(FeedbackRequest.id == request_id)
                            .values(status="sent", sent_at=now, claimed_until=None)
                            .execution_options(synchronize_session=False))
        uow.commit()
