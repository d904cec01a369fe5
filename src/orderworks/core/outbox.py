"""The transactional outbox: every event is a row written in the same transaction as the change it reports.

A relay (notifications issue) hands each row to its subscribers after commit; nothing here sends anything.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from orderworks.core.clock import now
from orderworks.core.db import Base
from orderworks.core.ids import new_id


class OutboxEvent(Base):
    __tablename__ = "outbox_events"
    __table_args__ = (Index("ix_outbox_pending", "status", "available_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    type: Mapped[str] = mapped_column(String(80))
    aggregate_type: Mapped[str] = mapped_column(String(40))
    aggregate_id: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=now)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, done, failed
    available_at: Mapped[datetime] = mapped_column(default=now)
    attempts: Mapped[int] = mapped_column(default=0)


def _jsonable(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


class Outbox:
    """Adds events (frozen dataclasses with an `aggregate_id`) to the session of the current unit of work."""

    def __init__(self, session: Session):
        self._session = session

    def add(self, event: Any) -> OutboxEvent:
        payload = _jsonable(dataclasses.asdict(event))
        row = OutboxEvent(
            id=new_id(),
            type=type(event).__name__,
            aggregate_type=getattr(event, "aggregate_type", "order"),
            aggregate_id=str(payload.get("aggregate_id") or payload.get("order_id") or ""),
            payload=payload,
            created_at=now(),
            available_at=now(),
        )
        self._session.add(row)
        return row
