"""Webhook rules, pure: delivery and attempt statuses, the retry schedule, what counts as accepted, and the checks
on what a seller registers (URL, event names, secret)."""

from __future__ import annotations

import base64
import binascii
import secrets
from datetime import timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from orderworks.core.errors import ValidationFailed
from orderworks.notifications.webhooks.event_types import ALL, BY_NAME

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
MAX_ATTEMPTS = 8  # per delivery, then it is failed for good (staff may retry it by hand)
DISABLE_AFTER_FAILED_DELIVERIES = 5  # consecutive deliveries failed for good: the endpoint is disabled
TIMEOUT_SECONDS = 5.0
FIRST_RETRY_SECONDS = 10
RETRY_FACTOR = 3
MAX_RETRY_DELAY = timedelta(hours=6)
RESPONSE_BODY_CHARS = 500


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt at next_attempt_at
    SENDING = "sending"  # claimed by a worker until claimed_until
    DELIVERED = "delivered"
    FAILED = "failed"  # every attempt failed; only a staff retry moves it again
    CANCELED = "canceled"  # its endpoint was deleted


class AttemptStatus(StrEnum):
    IN_FLIGHT = "in_flight"  # claimed and being sent
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ABANDONED = "abandoned"  # the worker stopped during the call; the outcome is unknown, the delivery is retried


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: 10 s, 30 s, 90 s, 4.5 min, 13.5 min, 40 min, 2 h, then 6 h at most."""
    return min(timedelta(seconds=FIRST_RETRY_SECONDS * RETRY_FACTOR ** max(attempts - 1, 0)), MAX_RETRY_DELAY)


def is_accepted(status_code: int) -> bool:
    """Only a 2xx accepts a delivery; a redirect is not followed and counts as a failure."""
    return 200 <= status_code < 300


def check_url(url: str) -> str:
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port  # raises on a bad port
    except ValueError as exc:
        raise ValidationFailed("url is not a valid URL", field="url") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationFailed("url must be an http:// or https:// URL with a host", field="url")
    if port == 0 or not url.isprintable() or any(c.isspace() for c in url):
        raise ValidationFailed("url is not a valid URL", field="url")
    return url


def check_events(events: list[str]) -> list[str]:
    """The event names as given, deduplicated in order; an unknown name is refused with its index."""
    if not events:
        raise ValidationFailed("events needs at least one event type, or '*' for all", field="events")
    seen: list[str] = []
    for i, name in enumerate(events):
        if name != ALL and name not in BY_NAME:
            raise ValidationFailed(f"Unknown event type '{name}' (see docs/webhooks.md, or '*' for all)",
                                   field=f"events[{i}]")
        if name not in seen:
            seen.append(name)
    return seen


def subscribes_to(events: list[str], name: str) -> bool:
    return ALL in events or name in events


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def check_secret(secret: str) -> str:
    """A Standard Webhooks secret: `whsec_` then base64 of 24 to 64 random bytes."""
    body = secret[len(SECRET_PREFIX):] if secret.startswith(SECRET_PREFIX) else None
    try:
        raw = base64.b64decode(body or "", validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if body is None or not 24 <= len(raw) <= 64:
        raise ValidationFailed("secret must be 'whsec_' followed by base64 of 24 to 64 random bytes "
                               "(leave it out to have one generated)", field="secret")
    return secret


def short_body(text: str) -> str:
    """What is kept of a receiver's answer: the start, with no NUL (PostgreSQL text cannot hold one)."""
    return text[:RESPONSE_BODY_CHARS].replace("\x00", "")
