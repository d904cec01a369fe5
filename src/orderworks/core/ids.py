"""Time-ordered UUIDs (version 7): unique across processes, and index-friendly because they sort by time."""

from __future__ import annotations

import os
import time
import uuid

from orderworks.core.errors import NotFound


def new_id() -> uuid.UUID:
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version 7
    value |= (rand >> 68 & 0xFFF) << 64
    value |= 0b10 << 62  # RFC 4122 variant
    value |= rand & ((1 << 62) - 1)
    return uuid.UUID(int=value)


def parse_id(value: str | uuid.UUID, *, what: str, field: str) -> uuid.UUID:
    """An id from a URL or a body; one that is not a UUID names nothing, so it is a 404 naming `field`."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise NotFound(f"No {what} '{value}'", field=field) from exc
