"""Idempotency keys for mutating API calls (DESIGN rule 6).

The key's row is written in the same transaction as the use case it guards, with the response it produced. So:
- a retry with the same key and body gets the first response back, byte for byte, and nothing runs twice;
- two identical requests racing: the loser's INSERT waits on the unique index (PostgreSQL) or on the write lock
  (SQLite), then sees the winner's row and returns its response;
- the same key with another body is refused (422 idempotency_key_reused);
- a request that failed wrote nothing, so its key is free for the retry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from orderworks.core.clock import now
from orderworks.core.db import Base
from orderworks.core.errors import IdempotencyKeyReused, ValidationFailed
from orderworks.core.uow import UnitOfWork

MAX_KEY_LENGTH = 255


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("principal", "key", name="uq_idempotency_keys_principal_key"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    principal: Mapped[str] = mapped_column(String(64))  # keys are per API key / staff user
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    response: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)


@dataclass(frozen=True)
class IdempotentResult:
    status_code: int
    body: Any
    replayed: bool


def request_fingerprint(method: str, path: str, body: Any) -> str:
    canonical = json.dumps([method.upper(), path, body], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(key: str | None) -> str:
    if not key or not key.strip():
        raise ValidationFailed("This call needs an Idempotency-Key header (any unique string, e.g. a UUID)",
                               field="Idempotency-Key")
    if len(key) > MAX_KEY_LENGTH:
        raise ValidationFailed(f"Idempotency-Key is longer than {MAX_KEY_LENGTH} characters", field="Idempotency-Key")
    if not key.isprintable():  # PostgreSQL refuses a NUL in text; no control character belongs in a key
        raise ValidationFailed("Idempotency-Key may only hold printable characters", field="Idempotency-Key")
    return key


def _stored(uow: UnitOfWork, principal: str, key: str) -> IdempotencyRecord | None:
    stmt = select(IdempotencyRecord).where(IdempotencyRecord.principal == principal, IdempotencyRecord.key == key)
    return uow.session.execute(stmt).scalar_one_or_none()


def _replay(record: IdempotencyRecord, fingerprint: str) -> IdempotentResult:
    if record.request_hash != fingerprint:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used with a different request; use a new key for a new request",
            field="Idempotency-Key",
        )
    return IdempotentResult(record.status_code, record.response, replayed=True)


def run_idempotent(
    uow: UnitOfWork,
    *,
    principal: str,
    key: str,
    fingerprint: str,
    status_code: int,
    action: Callable[[], Any],
) -> IdempotentResult:
    """Run `action` (a use case on the same `uow`, returning a JSON-able body) at most once per key."""
    with uow:
        existing = _stored(uow, principal, key)
        if existing is not None:
            return _replay(existing, fingerprint)
        body = action()
        return _save(uow, principal, key, fingerprint, status_code, body)


def run_idempotent_in_steps(
    uow: UnitOfWork,
    *,
    principal: str,
    key: str,
    fingerprint: str,
    status_code: int,
    action: Callable[[], Any],
) -> IdempotentResult:
    """Like `run_idempotent`, for work that commits in transactions of its own (a CSV import: one per row).

    The key is checked before and recorded after the work. A crash in between records nothing, so the retry runs
    the work again: use it only for work whose second run changes nothing (re-importing the same file).
    """
    with uow:
        existing = _stored(uow, principal, key)
        if existing is not None:
            return _replay(existing, fingerprint)
    body = action()
    with uow:
        return _save(uow, principal, key, fingerprint, status_code, body)


def _save(uow: UnitOfWork, principal: str, key: str, fingerprint: str, status_code: int,
          body: Any) -> IdempotentResult:
    uow.session.add(IdempotencyRecord(principal=principal, key=key, request_hash=fingerprint,
                                      status_code=status_code, response=body))
    try:
        uow.commit()
    except IntegrityError:
        uow.session.rollback()
        record = _stored(uow, principal, key)
        if record is None:
            raise
        return _replay(record, fingerprint)
    return IdempotentResult(status_code, body, replayed=False)
