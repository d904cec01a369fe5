"""Sign-in rules, pure: when repeated failures lock an account, for how long, and how long a session lasts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)  # a working day; activity slides it forward
SESSION_TOUCH_EVERY = timedelta(minutes=5)  # write last_seen / expiry at most this often
MIN_PASSWORD_LENGTH = 10


@dataclass(frozen=True)
class AfterFailure:
    failed_attempts: int
    locked_until: datetime | None


def is_locked(locked_until: datetime | None, at: datetime) -> bool:
    return locked_until is not None and locked_until > at


def after_failure(failed_attempts: int, at: datetime) -> AfterFailure:
    """One more wrong password: the count goes up, and at the limit the account locks for LOCKOUT."""
    count = failed_attempts + 1
    if count >= MAX_FAILED_ATTEMPTS:
        return AfterFailure(0, at + LOCKOUT)
    return AfterFailure(count, None)


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"The password must have at least {MIN_PASSWORD_LENGTH} characters"
    return None
