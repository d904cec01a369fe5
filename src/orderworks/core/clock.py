"""The one place that reads the time, so tests can move it (time-machine)."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
