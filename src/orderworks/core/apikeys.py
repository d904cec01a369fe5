"""API keys: how integrators and scripts authenticate. Only a hash of the secret is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, bindparam, select
from sqlalchemy.orm import Mapped, mapped_column

from orderworks.core.actor import Actor, ActorKind
from orderworks.core.clock import now
from orderworks.core.db import Base
from orderworks.core.errors import Unauthorized, ValidationFailed
from orderworks.core.ids import new_id
from orderworks.core.permissions import Role
from orderworks.core.uow import UnitOfWork

KEY_PREFIX = "ow_"


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    lookup: Mapped[str] = mapped_column(String(16), unique=True)  # the public part of the key, indexed
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=now)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


@dataclass(frozen=True)
class IssuedKey:
    id: uuid.UUID
    name: str
    role: str
    key: str  # shown once, never stored


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(uow: UnitOfWork, *, name: str, role: str) -> IssuedKey:
    """Issue a new API key with a role; the full key is returned once and only its hash is kept."""
    try:
        Role(role)
    except ValueError as exc:
        raise ValidationFailed(f"Unknown role '{role}': one of {', '.join(Role)}", field="role") from exc
    lookup, secret = secrets.token_hex(6), secrets.token_urlsafe(24)
    with uow:
        row = ApiKey(name=name, role=role, lookup=lookup, secret_hash=_hash(secret))
        uow.session.add(row)
        uow.commit()
    return IssuedKey(id=row.id, name=name, role=role, key=f"{KEY_PREFIX}{lookup}_{secret}")


_BY_LOOKUP = select(ApiKey).where(ApiKey.lookup == bindparam("lookup"))  # built once: every request runs it


def authenticate_api_key(uow: UnitOfWork, key: str) -> Actor:
    """The actor behind a presented key, or Unauthorized."""
    if not key.startswith(KEY_PREFIX) or key.count("_") < 2:
        raise Unauthorized("Malformed API key: expected 'Authorization: Bearer ow_...'")
    lookup, secret = key[len(KEY_PREFIX) :].split("_", 1)
    with uow:
        row = uow.session.execute(_BY_LOOKUP, {"lookup": lookup}).scalar_one_or_none()
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.secret_hash, _hash(secret)):
        raise Unauthorized("Unknown or revoked API key")
    return Actor(ActorKind.API_KEY, name=row.name, id=str(row.id), role=row.role)
