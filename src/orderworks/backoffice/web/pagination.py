"""Keyset pages for back-office lists, newest or oldest first or by an amount (core.pagination's cursors), and
links that keep the current filters."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import Request
from sqlalchemy import Select, or_

from orderworks.core.errors import ValidationFailed
from orderworks.core.pagination import after_cursor, check_limit, decode_cursor, newest_first

T = TypeVar("T")


def keyset(stmt: Select[T], at: Any, id_: Any, *, cursor: str | None, limit: int, oldest_first: bool = False
           ) -> Select[T]:
    """`stmt` in (at, id) order from just after `cursor`, fetching limit + 1 rows (the extra says there is more)."""
    if not oldest_first:
        return newest_first(stmt, at, id_, cursor=cursor, limit=limit)
    stmt = stmt.order_by(at.asc(), id_.asc()).limit(check_limit(limit) + 1)
    if cursor:
        last_at, last_id = after_cursor(cursor)
        stmt = stmt.where(or_(at > last_at, (at == last_at) & (id_ > last_id)))
    return stmt


def keyset_by_amount(stmt: Select[T], amount: Any, id_: Any, *, cursor: str | None, limit: int,
                     largest_first: bool) -> Select[T]:
    """`stmt` in (amount, id) order, largest or smallest first, from just after `cursor` (limit + 1 rows)."""
    if largest_first:
        stmt = stmt.order_by(amount.desc(), id_.desc())
    else:
        stmt = stmt.order_by(amount.asc(), id_.asc())
    stmt = stmt.limit(check_limit(limit) + 1)
    if cursor:
        raw_amount, raw_id = decode_cursor(cursor, 2)
        try:
            last, last_id = int(raw_amount), uuid.UUID(raw_id)
        except ValueError as exc:
            raise ValidationFailed("The cursor is not one this server gave out", field="cursor") from exc
        if largest_first:
            stmt = stmt.where(or_(amount < last, (amount == last) & (id_ < last_id)))
        else:
            stmt = stmt.where(or_(amount > last, (amount == last) & (id_ > last_id)))
    return stmt


def url_with(request: Request, **changes: Any) -> str:
    """This page's URL with some query parameters changed (None removes one); the cursor resets unless given."""
    params = {k: v for k, v in request.query_params.multi_items() if k != "cursor"}
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    query = urlencode(params)
    return f"{request.url.path}?{query}" if query else request.url.path
