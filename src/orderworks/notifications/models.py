"""Notification tables: every email sent (or tried), the feedback requests due after delivery, and the marks
the staff digests keep of how far they have reported."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from orderworks.core.clock import now
from orderworks.core.db import Base
from orderworks.core.ids import new_id


class EmailMessage(Base):
    """One email: claimed (`sending`) before it goes out, `sent` after, `failed` while its send keeps failing.

    `key` is what makes it exactly once: the event id and the kind for an email answering an event (a feedback
    request, a digest have their own), unique, so a re-delivered event finds its email already claimed or sent.
    The Message-ID is derived from the key, so a resend after a crash carries the same one."""

    __tablename__ = "email_messages"
    __table_args__ = (
        Index("ix_email_messages_order_created", "order_id", "created_at"),
        Index("ix_email_messages_created", "created_at", "id"),
        Index("ix_email_messages_status_created", "status", "created_at", "id"),
        Index("ix_email_messages_kind_created", "kind", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    event_id: Mapped[uuid.UUID | None] = mapped_column()
    order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("orders.id"))
    kind: Mapped[str] = mapped_column(String(40))  # order_confirmation, invoice, shipped, staff_order_held, ...
    audience: Mapped[str] = mapped_column(String(16))  # customer, staff
    to: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300), default="")
    locale: Mapped[str] = mapped_column(String(16), default="en")
    status: Mapped[str] = mapped_column(String(16))  # sending, sent, failed
    message_id: Mapped[str] = mapped_column(String(200))
    attachments: Mapped[str] = mapped_column(String(500), default="")  # file names, comma separated
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    file_path: Mapped[str | None] = mapped_column(String(500))  # the .eml written when no SMTP server is set
    claimed_at: Mapped[datetime] = mapped_column(default=now)
    created_at: Mapped[datetime] = mapped_column(default=now)
    sent_at: Mapped[datetime | None] = mapped_column()


class FeedbackRequest(Base):
    """The 'how was it?' email a store-set number of days after an order's (last) delivery."""

    __tablename__ = "feedback_requests"
    __table_args__ = (Index("ix_feedback_requests_due", "status", "due_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"), unique=True)  # one per order
    delivered_at: Mapped[datetime]
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, sending, sent
    claimed_until: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=now)
    sent_at: Mapped[datetime | None] = mapped_column()


class NotificationMark(Base):
    """How far a recurring report has got (the failed-deliveries digest: parked deliveries up to `position`)."""

    __tablename__ = "notification_marks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(default=now)
