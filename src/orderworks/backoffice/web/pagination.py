"""Keyset pages for back-office lists, newest or oldest first (core.pagination's cursors), and links that keep
the current filters."""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import Request
from sqlalchemy import Select, or_

from orderworks.core.pagination import after_cursor, check_limit, newest_first

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
