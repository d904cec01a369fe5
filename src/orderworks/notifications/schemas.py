"""API shapes of the notifications: the emails sent and the store's notification settings."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from orderworks.core.store import Store
from orderworks.notifications.models import EmailMessage


class EmailOut(BaseModel):
    id: str
    order_id: str | None
    kind: str
    audience: str
    to: str
    subject: str
    locale: str
    status: str
    message_id: str
    attachments: list[str]
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    eml_url: str | None = Field(description="The message as written to disk (only without an SMTP server)")

    @classmethod
    def from_model(cls, e: EmailMessage) -> EmailOut:
        return cls(id=str(e.id), order_id=str(e.order_id) if e.order_id else None, kind=e.kind, audience=e.audience,
                   to=e.to, subject=e.subject, locale=e.locale, status=e.status, message_id=e.message_id,
                   attachments=[a for a in e.attachments.split(",") if a], attempts=e.attempts,
                   last_error=e.last_error, created_at=e.created_at, sent_at=e.sent_at,
                   eml_url=f"/api/v1/emails/{e.id}.eml" if e.file_path else None)


class EmailPage(BaseModel):
    items: list[EmailOut]
    next_cursor: str | None


class NotificationSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    feedback_request_days: Annotated[StrictInt, Field(ge=0, le=365, description="0: no feedback request")] | None = None
    staff_notifications: StrictBool | None = Field(default=None, description="Email the store's address about orders "
                                                                       "held, failed payments, backorders")


class NotificationSettingsOut(BaseModel):
    feedback_request_days: int
    staff_notifications: bool

    @classmethod
    def from_model(cls, s: Store) -> NotificationSettingsOut:
        return cls(feedback_request_days=s.feedback_request_days, staff_notifications=s.staff_notifications)
