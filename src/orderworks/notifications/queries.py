"""Reading the emails sent: an order's emails (the order view, the back office) and the paginated list."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from orderworks.core.errors import NotFound, ValidationFailed
from orderworks.core.pagination import Page, newest_first, newest_first_page
from orderworks.core.uow import UnitOfWork
from orderworks.notifications.models import EmailMessage


def _uuid(value: str | uuid.UUID, field: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise ValidationFailed(f"'{value}' is not an id", field=field) from exc


def emails_for_order(session: Session, order_id: str | uuid.UUID) -> list[EmailMessage]:
    """Every email about one order, oldest first (staff emails about it included)."""
    oid = _uuid(order_id, "order_id")
    return list(session.execute(select(EmailMessage).where(EmailMessage.order_id == oid)
                                .order_by(EmailMessage.created_at, EmailMessage.id)).scalars())


@dataclass(frozen=True)
class EmailFilter:
    order_id: str | None = None
    kind: str | None = None
    status: str | None = None


def _filtered(f: EmailFilter) -> Select[EmailMessage]:
    stmt = select(EmailMessage)
    if f.order_id:
        stmt = stmt.where(EmailMessage.order_id == _uuid(f.order_id, "order_id"))
    if f.kind:
        stmt = stmt.where(EmailMessage.kind == f.kind)
    if f.status:
        stmt = stmt.where(EmailMessage.status == f.status)
    return stmt


def list_emails(uow: UnitOfWork, f: EmailFilter, *, cursor: str | None = None, limit: int = 50) -> Page[EmailMessage]:
    """Emails newest first, filtered by order, kind or status, one keyset page at a time."""
    stmt = newest_first(_filtered(f), EmailMessage.created_at, EmailMessage.id, cursor=cursor, limit=limit)
    with uow:
        rows = list(uow.session.execute(stmt).scalars())
    return newest_first_page(rows, limit, lambda e: (e.created_at, e.id))


def get_email(uow: UnitOfWork, email_id: str | uuid.UUID) -> EmailMessage:
    with uow:
        row = uow.session.get(EmailMessage, _uuid(email_id, "email_id"))
    if row is None:
        raise NotFound(f"No email '{email_id}'", field="email_id")
    return row


def eml_bytes(row: EmailMessage) -> bytes | None:
    """The message as written to disk (the embedded default without SMTP), for the back office to show."""
    if not row.file_path:
        return None
    path = Path(row.file_path)
    return path.read_bytes() if path.is_file() else None
