"""Webhook use cases: register, change, rotate and delete endpoints; turn an event into deliveries; read deliveries
with their attempts; schedule a delivery again or a ping. Sending is in delivery.py (claim, call, record)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from orderworks.core.clock import now
from orderworks.core.errors import Conflict, NotFound
from orderworks.core.ids import new_id, parse_id
from orderworks.core.pagination import Page, newest_first, newest_first_page
from orderworks.core.uow import UnitOfWork
from orderworks.notifications.webhooks.event_types import BY_CLASS, BY_NAME, PING, envelope, event_data
from orderworks.notifications.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from orderworks.notifications.webhooks.rules import (
    DeliveryStatus,
    check_events,
    check_secret,
    check_url,
    new_secret,
    subscribes_to,
)

PREVIOUS_SECRET_HOURS = 24


def _endpoint(uow: UnitOfWork, endpoint_id: str | uuid.UUID, *, for_update: bool = False) -> WebhookEndpoint:
    eid = parse_id(endpoint_id, what="webhook endpoint", field="endpoint_id")
    stmt = select(WebhookEndpoint).where(WebhookEndpoint.id == eid, WebhookEndpoint.deleted_at.is_(None))
    row = uow.session.execute(stmt.with_for_update() if for_update else stmt).scalar_one_or_none()
    if row is None:
        raise NotFound(f"No webhook endpoint '{endpoint_id}'", field="endpoint_id")
    return row


def create_endpoint(uow: UnitOfWork, *, url: str, events: list[str], secret: str | None = None,
                    description: str = "") -> WebhookEndpoint:
    """Register an endpoint of the seller's other system for the event types it wants (or '*'). Without a secret
    one is generated; the answer is the only time the API shows it (and after a rotation)."""
    with uow:
        at = now()
        endpoint = WebhookEndpoint(id=new_id(), url=check_url(url), events=check_events(events),
                                   secret=check_secret(secret) if secret else new_secret(),
                                   description=description, enabled=True, consecutive_failures=0,
                                   created_at=at, updated_at=at)
        uow.session.add(endpoint)
        uow.commit()
    return endpoint


def get_endpoint(uow: UnitOfWork, endpoint_id: str | uuid.UUID) -> WebhookEndpoint:
    with uow:
        return _endpoint(uow, endpoint_id)


def list_endpoints(uow: UnitOfWork, *, cursor: str | None = None, limit: int = 50) -> Page[WebhookEndpoint]:
    """The store's endpoints, newest first (deleted ones left out)."""
    with uow:
        stmt = newest_first(select(WebhookEndpoint).where(WebhookEndpoint.deleted_at.is_(None)),
                            WebhookEndpoint.created_at, WebhookEndpoint.id, cursor=cursor, limit=limit)
        rows = list(uow.session.execute(stmt).scalars())
    return newest_first_page(rows, limit, lambda e: (e.created_at, e.id))


def update_endpoint(uow: UnitOfWork, endpoint_id: str, *, url: str | None = None, events: list[str] | None = None,
                    description: str | None = None, enabled: bool | None = None) -> WebhookEndpoint:
    """Change an endpoint. Enabling a disabled one, or a new URL, clears its failure count; its pending deliveries
    then go out."""
    with uow:
        endpoint = _endpoint(uow, endpoint_id, for_update=True)
        if url is not None and check_url(url) != endpoint.url:
            endpoint.url = check_url(url)  # another receiver: its predecessor's failures are not its own
            endpoint.consecutive_failures, endpoint.failing_since = 0, None
        if events is not None:
            endpoint.events = check_events(events)
        if description is not None:
            endpoint.description = description
        if enabled is True and not endpoint.enabled:
            endpoint.enabled, endpoint.disabled_reason, endpoint.disabled_at = True, None, None
            endpoint.consecutive_failures, endpoint.failing_since = 0, None
        elif enabled is False and endpoint.enabled:
            endpoint.enabled, endpoint.disabled_reason, endpoint.disabled_at = False, "disabled by staff", now()
        endpoint.updated_at = now()
        uow.commit()
    return endpoint


def rotate_secret(uow: UnitOfWork, endpoint_id: str, *, secret: str | None = None) -> WebhookEndpoint:
    """A new signing secret. For a day the old one signs too (two signatures), so the receiver can switch over."""
    with uow:
        endpoint = _endpoint(uow, endpoint_id, for_update=True)
        at = now()
        endpoint.previous_secret, endpoint.previous_secret_expires_at = (
            endpoint.secret, at + timedelta(hours=PREVIOUS_SECRET_HOURS))
        endpoint.secret = check_secret(secret) if secret else new_secret()
        endpoint.updated_at = at
        uow.commit()
    return endpoint


def delete_endpoint(uow: UnitOfWork, endpoint_id: str) -> WebhookEndpoint:
    """Stop sending to an endpoint: it leaves the list and its waiting deliveries are canceled (history kept)."""
    with uow:
        endpoint = _endpoint(uow, endpoint_id, for_update=True)
        endpoint.deleted_at = endpoint.updated_at = now()
        endpoint.enabled = False
        uow.session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == DeliveryStatus.PENDING)
            .values(status=DeliveryStatus.CANCELED, next_attempt_at=None, updated_at=now())
            .execution_options(synchronize_session=False))
        uow.commit()
    return endpoint


def _body(name: str, event_id: uuid.UUID, created_at: datetime, data: dict[str, Any]) -> str:
    return json.dumps(envelope(BY_NAME[name], event_id=str(event_id), timestamp=created_at.isoformat(), data=data),
                      separators=(",", ":"), ensure_ascii=False)


def fan_out(uow: UnitOfWork, *, event_id: uuid.UUID, event_class: str, payload: dict[str, Any],
            created_at: datetime) -> list[uuid.UUID]:
    """One delivery per enabled endpoint that wants this event (none twice: unique on endpoint and event).
    Returns the ids of those (new or not) to send now: the ones to endpoints that are not failing."""
    event_type = BY_CLASS.get(event_class)
    if event_type is None:
        return []
    with uow:
        endpoints = uow.session.execute(select(WebhookEndpoint).where(
            WebhookEndpoint.enabled.is_(True), WebhookEndpoint.deleted_at.is_(None))).scalars()
        wanted = [e for e in endpoints if subscribes_to(e.events, event_type.name)]
        if not wanted:
            return []
        existing = dict(uow.session.execute(select(WebhookDelivery.endpoint_id, WebhookDelivery.id)
                                            .where(WebhookDelivery.event_id == event_id)).all())
        body = _body(event_type.name, event_id, created_at, event_data(event_type, payload))
        at = now()
        for endpoint in wanted:
            if endpoint.id not in existing:
                existing[endpoint.id] = new_id()
                uow.session.add(WebhookDelivery(
                    id=existing[endpoint.id], endpoint_id=endpoint.id, event_id=event_id, event_type=event_type.name,
                    body=body, status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=at, created_at=at,
                    updated_at=at))
        uow.commit()
    return [existing[e.id] for e in wanted if e.failing_since is None]


def create_ping(uow: UnitOfWork, endpoint_id: str) -> uuid.UUID:
    """A `webhook.ping` delivery to one endpoint (enabled or not), sent once, to test the receiver."""
    with uow:
        endpoint = _endpoint(uow, endpoint_id)
        at, event_id = now(), new_id()
        delivery = WebhookDelivery(
            id=new_id(), endpoint_id=endpoint.id, event_id=event_id, event_type=PING,
            body=_body(PING, event_id, at, {"endpoint_id": str(endpoint.id), "message": "ping from orderworks"}),
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=at, created_at=at, updated_at=at)
        uow.session.add(delivery)
        uow.commit()
    return delivery.id


def _delivery_of(uow: UnitOfWork, endpoint: WebhookEndpoint, delivery_id: str,
                 *, for_update: bool = False) -> WebhookDelivery:
    did = parse_id(delivery_id, what="webhook delivery", field="delivery_id")
    stmt = select(WebhookDelivery).where(WebhookDelivery.id == did, WebhookDelivery.endpoint_id == endpoint.id)
    row = uow.session.execute(stmt.with_for_update() if for_update else stmt).scalar_one_or_none()
    if row is None:
        raise NotFound(f"No delivery '{delivery_id}' for this endpoint", field="delivery_id")
    return row


def schedule_retry(uow: UnitOfWork, endpoint_id: str, delivery_id: str) -> uuid.UUID:
    """Send a delivery again now (a failed, delivered or waiting one): one more attempt, numbered after the last."""
    with uow:
        endpoint = _endpoint(uow, endpoint_id)
        delivery = _delivery_of(uow, endpoint, delivery_id, for_update=True)
        if not endpoint.enabled and delivery.event_type != PING:
            raise Conflict("The endpoint is disabled: enable it first (PATCH enabled=true)", field="endpoint_id")
        if delivery.status == DeliveryStatus.SENDING:
            raise Conflict("This delivery is being sent right now", field="delivery_id")
        delivery.status, delivery.next_attempt_at, delivery.updated_at = DeliveryStatus.PENDING, now(), now()
        uow.commit()
    return delivery.id


@dataclass(frozen=True)
class DeliveryView:
    delivery: WebhookDelivery
    attempts: list[WebhookAttempt]


def _with_attempts(uow: UnitOfWork, deliveries: Sequence[WebhookDelivery]) -> list[DeliveryView]:
    ids = [d.id for d in deliveries]
    attempts: dict[uuid.UUID, list[WebhookAttempt]] = {i: [] for i in ids}
    if ids:
        for attempt in uow.session.execute(select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(ids))
                                           .order_by(WebhookAttempt.delivery_id, WebhookAttempt.number)).scalars():
            attempts[attempt.delivery_id].append(attempt)
    return [DeliveryView(d, attempts[d.id]) for d in deliveries]


def list_deliveries(uow: UnitOfWork, endpoint_id: str, *, status: str | None = None, cursor: str | None = None,
                    limit: int = 50) -> Page[DeliveryView]:
    """An endpoint's deliveries newest first, each with its attempts (two queries a page)."""
    with uow:
        endpoint = _endpoint(uow, endpoint_id)
        stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
        if status is not None:
            stmt = stmt.where(WebhookDelivery.status == status)
        rows = list(uow.session.execute(newest_first(stmt, WebhookDelivery.created_at, WebhookDelivery.id,
                                                     cursor=cursor, limit=limit)).scalars())
        page = newest_first_page(rows, limit, lambda d: (d.created_at, d.id))
        return Page(_with_attempts(uow, page.items), page.next_cursor)


def get_delivery(uow: UnitOfWork, endpoint_id: str, delivery_id: str | uuid.UUID) -> DeliveryView:
    with uow:
        endpoint = _endpoint(uow, endpoint_id)
        return _with_attempts(uow, [_delivery_of(uow, endpoint, str(delivery_id))])[0]
