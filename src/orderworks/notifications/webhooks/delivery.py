"""Sending webhooks: claim, call, record (never a call inside a database transaction).

- Claim: in one short transaction, due deliveries are locked (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's
  write transactions are serial), moved to `sending` with a lease, and their next attempt row is written
  (`in_flight`, numbered, unique per delivery). So two workers never make the same attempt.
- Call: POST the stored body, signed per Standard Webhooks, with a short timeout; redirects are not followed.
- Record: the attempt's outcome (status code, duration, error, start of the answer) and the delivery's next
  step: delivered, retried with exponential backoff, or failed for good after the last attempt. An endpoint whose
  deliveries keep failing for good is disabled, and `WebhookEndpointDisabled` goes to the outbox for staff.
- A worker that dies during a call leaves a `sending` delivery whose lease runs out: the next pass marks that
  attempt `abandoned` and tries again (receivers deduplicate on `webhook-id`, as the standard expects).
"""

from __future__ import annotations

import http.client
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from time import perf_counter
from urllib.parse import urlsplit

import structlog
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker
from standardwebhooks.webhooks import Webhook

from orderworks import __version__
from orderworks.core.clock import now
from orderworks.core.relay import Event
from orderworks.core.settings import Settings, get_settings
from orderworks.core.uow import UnitOfWork
from orderworks.notifications.webhooks import service
from orderworks.notifications.webhooks.event_types import PING
from orderworks.notifications.webhooks.events import WebhookEndpointDisabled
from orderworks.notifications.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from orderworks.notifications.webhooks.rules import (
    AttemptStatus,
    DeliveryStatus,
    is_accepted,
    retry_delay,
    short_body,
)

log = structlog.get_logger()

LEASE = timedelta(seconds=60)  # longer than any call (the timeout is seconds)
BATCH = 50
PARALLEL_CALLS = 8
MAX_ROUNDS = 20  # one job run sends at most MAX_ROUNDS * BATCH attempts, then leaves the rest to the next run
READ_LIMIT = 4096


@dataclass(frozen=True)
class Claimed:
    delivery_id: uuid.UUID
    attempt_id: int
    number: int
    url: str
    secrets: tuple[str, ...]
    event_id: str
    body: str


@dataclass(frozen=True)
class CallResult:
    status_code: int | None
    duration_ms: int
    error: str | None
    response_body: str | None

    @property
    def accepted(self) -> bool:
        return self.status_code is not None and is_accepted(self.status_code)


def _signing_secrets(endpoint: WebhookEndpoint, at: datetime) -> tuple[str, ...]:
    previous = endpoint.previous_secret
    if previous and endpoint.previous_secret_expires_at and endpoint.previous_secret_expires_at > at:
        return (endpoint.secret, previous)
    return (endpoint.secret,)


def claim_due(uow: UnitOfWork, at: datetime, *, limit: int = BATCH,
              delivery_ids: Sequence[uuid.UUID] | None = None) -> list[Claimed]:
    """Lock due deliveries (waiting and due, or sending with their lease run out), start their next attempt."""
    with uow:
        due = or_(and_(WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.next_attempt_at <= at),
                  and_(WebhookDelivery.status == DeliveryStatus.SENDING, WebhookDelivery.claimed_until <= at))
        stmt = (select(WebhookDelivery, WebhookEndpoint)
                .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
                .where(due, WebhookEndpoint.deleted_at.is_(None),
                       or_(WebhookEndpoint.enabled.is_(True), WebhookDelivery.event_type == PING)))
        if delivery_ids is not None:
            stmt = stmt.where(WebhookDelivery.id.in_(list(delivery_ids)))
        rows = uow.session.execute(stmt.order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(limit)
                                   .with_for_update(skip_locked=True, of=WebhookDelivery)).all()
        lost = [d.id for d, _ in rows if d.status == DeliveryStatus.SENDING]
        if lost:
            uow.session.execute(
                update(WebhookAttempt)
                .where(WebhookAttempt.delivery_id.in_(lost), WebhookAttempt.status == AttemptStatus.IN_FLIGHT)
                .values(status=AttemptStatus.ABANDONED, finished_at=now(),
                        error="the worker stopped during the call; outcome unknown, sent again")
                .execution_options(synchronize_session=False))
        attempts = []
        for delivery, endpoint in rows:
            delivery.attempts += 1
            delivery.status, delivery.claimed_until, delivery.updated_at = DeliveryStatus.SENDING, at + LEASE, now()
            attempt = WebhookAttempt(delivery_id=delivery.id, number=delivery.attempts, url=endpoint.url,
                                     status=AttemptStatus.IN_FLIGHT, started_at=now())
            uow.session.add(attempt)
            attempts.append((delivery, endpoint, attempt))
        uow.flush()
        claimed = [Claimed(d.id, a.id, a.number, e.url, _signing_secrets(e, now()), str(d.event_id), d.body)
                   for d, e, a in attempts]
        uow.commit()
    return claimed


def call(claimed: Claimed, *, timeout: float) -> CallResult:
    """POST one signed webhook; any failure to get an answer is an error, never an exception."""
    sent_at = now()
    signature = " ".join(Webhook(s).sign(claimed.event_id, sent_at, claimed.body) for s in claimed.secrets)
    headers = {"Content-Type": "application/json", "User-Agent": f"orderworks-webhooks/{__version__}",
               "webhook-id": claimed.event_id, "webhook-timestamp": str(int(sent_at.timestamp())),
               "webhook-signature": signature}
    parts = urlsplit(claimed.url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    start = perf_counter()
    connection = None
    try:
        connection = connection_class(parts.hostname or "", parts.port, timeout=timeout)
        connection.request("POST", path, body=claimed.body.encode(), headers=headers)
        response = connection.getresponse()
        text = response.read(READ_LIMIT).decode("utf-8", errors="replace")
        ms = int((perf_counter() - start) * 1000)
        error = None if is_accepted(response.status) else f"HTTP {response.status} {response.reason}".strip()
        return CallResult(response.status, ms, error, short_body(text))
    except (OSError, http.client.HTTPException, ValueError) as exc:  # timeout, refused, bad answer, bad URL
        ms = int((perf_counter() - start) * 1000)
        return CallResult(None, ms, f"{type(exc).__name__}: {exc}"[:500] or type(exc).__name__, None)
    finally:
        if connection is not None:
            connection.close()


def _fail_endpoint(session: Session, uow: UnitOfWork, endpoint_id: uuid.UUID, settings: Settings,
                   error: str | None) -> None:
    endpoint = session.get(WebhookEndpoint, endpoint_id, with_for_update=True)
    if endpoint is None:
        return
    endpoint.consecutive_failures += 1
    if endpoint.enabled and endpoint.consecutive_failures >= settings.webhook_disable_after:
        reason = (f"{endpoint.consecutive_failures} deliveries in a row failed after "
                  f"{settings.webhook_max_attempts} attempts each (last: {error or 'no answer'})")[:500]
        endpoint.enabled, endpoint.disabled_reason, endpoint.disabled_at = False, reason, now()
        uow.outbox.add(WebhookEndpointDisabled(endpoint_id=str(endpoint.id), url=endpoint.url, reason=reason,
                                               failed_deliveries=endpoint.consecutive_failures,
                                               aggregate_id=str(endpoint.id)))
        log.warning("webhook_endpoint_disabled", endpoint_id=str(endpoint.id), url=endpoint.url, reason=reason)


def record(uow: UnitOfWork, claimed: Claimed, result: CallResult, *, at: datetime, settings: Settings) -> str:
    """Write the attempt's outcome and the delivery's next step; returns the delivery's status."""
    with uow:
        session = uow.session
        delivery = session.get(WebhookDelivery, claimed.delivery_id, with_for_update=True)
        attempt = session.get(WebhookAttempt, claimed.attempt_id)
        assert delivery is not None and attempt is not None
        attempt.status = AttemptStatus.SUCCEEDED if result.accepted else AttemptStatus.FAILED
        attempt.response_code, attempt.duration_ms = result.status_code, result.duration_ms
        attempt.error, attempt.response_body, attempt.finished_at = result.error, result.response_body, now()
        if delivery.status != DeliveryStatus.SENDING or delivery.attempts != claimed.number:
            uow.commit()  # the lease ran out and another worker took over: its attempt decides
            return delivery.status
        delivery.last_status_code, delivery.last_error = result.status_code, result.error
        delivery.claimed_until, delivery.updated_at = None, now()
        if result.accepted:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.DELIVERED, now(), None
            session.execute(update(WebhookEndpoint)
                            .where(WebhookEndpoint.id == delivery.endpoint_id,
                                   or_(WebhookEndpoint.consecutive_failures != 0,
                                       WebhookEndpoint.failing_since.is_not(None)))
                            .values(consecutive_failures=0, failing_since=None)
                            .execution_options(synchronize_session=False))
        elif delivery.event_type == PING or delivery.attempts >= settings.webhook_max_attempts:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
            if delivery.event_type != PING:
                _fail_endpoint(session, uow, delivery.endpoint_id, settings, result.error)
        else:
            delivery.status = DeliveryStatus.PENDING
            delivery.next_attempt_at = at + retry_delay(delivery.attempts)
        if not result.accepted and delivery.event_type != PING:
            session.execute(update(WebhookEndpoint)
                            .where(WebhookEndpoint.id == delivery.endpoint_id, WebhookEndpoint.failing_since.is_(None))
                            .values(failing_since=now()).execution_options(synchronize_session=False))
        status = delivery.status
        uow.commit()
    return status


def _send(new_uow: Callable[[], UnitOfWork], claimed: Claimed, settings: Settings, at: datetime) -> str:
    result = call(claimed, timeout=settings.webhook_timeout_seconds)
    status = record(new_uow(), claimed, result, at=at, settings=settings)
    log.info("webhook_attempt", delivery_id=str(claimed.delivery_id), attempt=claimed.number,
             status_code=result.status_code, duration_ms=result.duration_ms, delivery_status=status)
    return status


def send_due(new_uow: Callable[[], UnitOfWork], settings: Settings, at: datetime, *,
             delivery_ids: Sequence[uuid.UUID] | None = None, limit: int = BATCH, parallel: bool = False) -> int:
    """Claim, call and record one batch of due deliveries; returns how many attempts were made."""
    claimed = claim_due(new_uow(), at, limit=limit, delivery_ids=delivery_ids)
    if parallel and len(claimed) > 1:
        with ThreadPoolExecutor(max_workers=min(PARALLEL_CALLS, len(claimed))) as pool:
            list(pool.map(lambda c: _send(new_uow, c, settings, at), claimed))
    else:
        for c in claimed:
            _send(new_uow, c, settings, at)
    return len(claimed)


def retry_due_deliveries(factory: sessionmaker[Session], settings: Settings, now: datetime) -> int:
    """Scheduled job: send every delivery whose next attempt is due at `now` (safe on several workers at once).
    Returns the number of attempts made."""
    total = 0
    for _ in range(MAX_ROUNDS):
        made = send_due(lambda: UnitOfWork(factory), settings, now, parallel=True)
        total += made
        if made < BATCH:
            break
    return total


def deliver_event(uow: UnitOfWork, event: Event) -> None:
    """Relay subscriber for every event: one delivery per endpoint that wants it, then a first attempt at each
    endpoint that is not failing (a failing one's deliveries wait for the retry job). Runs in transactions of its
    own (the calls happen between them); a re-run creates nothing twice and only sends what is still due."""
    with uow:  # one transaction: the deliveries, and the claim of their first attempts (the blocks nest)
        ids = service.fan_out(uow, event_id=event.id, event_class=event.type, payload=event.payload,
                              created_at=event.created_at)
        claimed = claim_due(uow, now(), delivery_ids=ids) if ids else []
        uow.commit()
    settings = get_settings()
    for c in claimed:
        _send(lambda: uow, c, settings, now())


def send_now(uow: UnitOfWork, settings: Settings, delivery_id: uuid.UUID) -> int:
    """Make the one attempt a staff retry or a ping asks for, if the delivery is (still) due."""
    return send_due(lambda: uow, settings, now(), delivery_ids=[delivery_id])
