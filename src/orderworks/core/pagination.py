"""Keyset pagination: an opaque cursor holding the sort key of the last row seen. No OFFSET, so page 10,000 costs
what page 1 costs."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, or_

from orderworks.core.errors import ValidationFailed

T = TypeVar("T")
MAX_LIMIT = 200


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(*values: Any) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else str(v) for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int) -> list[str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if not isinstance(values, list) or len(values) != arity or not all(isinstance(v, str) for v in values):
            raise ValueError
        return values
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed("The cursor is not one this server gave out", field="cursor") from exc


def newest_first(stmt: Select[T], at: Any, id_: Any, *, cursor: str | None, limit: int) -> Select[T]:
    """`stmt` sorted newest first by (`at`, `id_`), from just after `cursor`, fetching one row more than a page."""
    stmt = stmt.order_by(at.desc(), id_.desc()).limit(check_limit(limit) + 1)
    if cursor:
        last_at, last_id = after_cursor(cursor)
        stmt = stmt.where(or_(at < last_at, (at == last_at) & (id_ < last_id)))
    return stmt


def after_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The (time, id) sort key a newest-first cursor points after."""
    at, last_id = decode_cursor(cursor, 2)
    try:
        return datetime.fromisoformat(at), uuid.UUID(last_id)
    except ValueError as exc:
        raise ValidationFailed("The cursor is not one this server gave out", field="cursor") from exc


def newest_first_page(rows: Sequence[T], limit: int, key: Callable[[T], tuple[datetime, uuid.UUID]]) -> Page[T]:
    """A page from `limit + 1` rows fetched newest first: the extra row only says that there is more."""
    items = list(rows[:limit])
    return Page(items, encode_cursor(*key(items[-1])) if len(rows) > limit else None)


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    return limit
