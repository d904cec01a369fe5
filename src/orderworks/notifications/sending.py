"""Exactly-once email: claim the email row, send, mark it sent; each step its own short transaction.

An SMTP send cannot roll back, so it never runs inside a transaction:
1. compose the message in a read-only transaction (nothing is locked while a PDF renders);
2. claim: insert the email row (`sending`, unique on its key) or take over a failed or stale claim with a
   conditional update; a fresh claim held by someone else means "in progress": raise, the caller retries later;
3. send (SMTP, or the .eml file);
4. mark it `sent`, or `failed` with the error (and raise: the relay retries with its backoff).
A crash between 3 and 4 leaves a `sending` claim; once it is stale the retry sends it again under the same
Message-ID (derived from the key), so the reader's mail client shows one message."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

import structlog
from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from orderworks.core.clock import now
from orderworks.core.settings import Settings
from orderworks.core.store import get_store
from orderworks.core.uow import UnitOfWork
from orderworks.notifications.mail import Outgoing, SendFailed, Transport, transport_from_settings
from orderworks.notifications.messages import Draft
from orderworks.notifications.models import EmailMessage
from orderworks.notifications.rendering import render
from orderworks.notifications.rules import EmailStatus, can_send_again, message_id

log = structlog.get_logger()

# Tests swap the transport; production builds it from the settings.
transport_factory: Callable[[Settings], Transport] = transport_from_settings


class EmailInProgress(Exception):
    """Another sender holds a fresh claim on this email; try again after it has finished (or gone stale)."""


def sender_of(session: Session, settings: Settings) -> tuple[str, str]:
    store = get_store(session)
    return store.name, settings.mail_from or store.email


def send_once(uow: UnitOfWork, settings: Settings, *, key: str, event_id: uuid.UUID | None,
              compose: Callable[[Session], Draft | None]) -> EmailMessage | None:
    """Send the email `key` unless it was sent already. Returns its row (None: nobody to write to)."""
    with uow.reader() as reader:
        existing = _find(reader.session, key)
        if existing is not None and existing.status == EmailStatus.SENT:
            return existing
        draft = compose(reader.session)
        if draft is None:
            return None
        name, sender = sender_of(reader.session, settings)
    rendered = render(draft.kind, locale=draft.locale, timezone=draft.timezone, context=draft.context,
                      own_dir=settings.mail_templates_dir)
    out = Outgoing(key=key, message_id=message_id(key, sender), sender_name=name, sender=sender, to=draft.to,
                   subject=rendered.subject, text=rendered.text, html=rendered.html, attachments=draft.attachments,
                   reply_to=None if draft.audience == "staff" else sender)
    row = _claim(uow, key, event_id, draft, out)
    try:
        path = transport_factory(settings).send(out)
    except SendFailed as exc:
        _finish(uow, row.id, status=EmailStatus.FAILED, error=str(exc))
        log.warning("email_failed", kind=draft.kind, key=key, error=str(exc))
        raise
    return _finish(uow, row.id, status=EmailStatus.SENT, path=path)


def _find(session: Session, key: str) -> EmailMessage | None:
    return session.execute(select(EmailMessage).where(EmailMessage.key == key)).scalar_one_or_none()


def _claim(uow: UnitOfWork, key: str, event_id: uuid.UUID | None, draft: Draft, out: Outgoing) -> EmailMessage:
    at = now()
    try:
        with uow:
            row = _find(uow.session, key)
            if row is None:
                row = EmailMessage(key=key, event_id=event_id, order_id=draft.order_id, kind=draft.kind,
                                   audience=str(draft.audience), to=draft.to, subject=out.subject[:300],
                                   locale=draft.locale, status=EmailStatus.SENDING, message_id=out.message_id,
                                   attachments=",".join(a.filename for a in out.attachments)[:500],
                                   claimed_at=at, created_at=at)
                uow.session.add(row)
            elif not can_send_again(row.status, row.claimed_at, at) or not _take_over(uow.session, row, at):
                raise EmailInProgress(f"email {key} is {row.status} (claimed {row.claimed_at.isoformat()})")
            uow.commit()
    except IntegrityError as exc:  # a concurrent sender inserted the same key first
        raise EmailInProgress(f"email {key} is being sent by another worker") from exc
    return row


def _take_over(session: Session, row: EmailMessage, at: datetime) -> bool:
    """Claim a failed or stale email again; False when another sender got there first."""
    result = cast(CursorResult[Any], session.execute(
        update(EmailMessage)
        .where(EmailMessage.id == row.id, EmailMessage.status == row.status, EmailMessage.claimed_at == row.claimed_at)
        .values(status=EmailStatus.SENDING, claimed_at=at).execution_options(synchronize_session=False)))
    return bool(result.rowcount)


def _finish(uow: UnitOfWork, row_id: uuid.UUID, *, status: EmailStatus, path: str | None = None,
            error: str = "") -> EmailMessage:
    with uow:
        row = uow.session.get(EmailMessage, row_id, with_for_update=True)
        assert row is not None
        row.status, row.attempts, row.last_error = status, row.attempts + 1, error[:2000]
        if status == EmailStatus.SENT:
            row.sent_at, row.file_path = now(), path
        uow.commit()
    return row
