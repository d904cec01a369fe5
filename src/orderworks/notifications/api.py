"""Email routes: the emails sent (all, or one order's), one email, its .eml file; notification settings."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from orderworks.core.actor import Actor
from orderworks.core.errors import NotFound
from orderworks.core.permissions import Permission
from orderworks.core.web import ERRORS, IdempotencyKey, UowDep, idempotent, require
from orderworks.notifications import queries
from orderworks.notifications.rules import EmailStatus
from orderworks.notifications.schemas import (
    EmailOut,
    EmailPage,
    NotificationSettingsIn,
    NotificationSettingsOut,
)
from orderworks.notifications.service import update_notification_settings
from orderworks.orders.models import Order
from orderworks.orders.pricing_setup import get_store_settings
from orderworks.orders.service.loading import parse_order_id

router = APIRouter(tags=["notifications"])
Reader = Annotated[Actor, Depends(require(Permission.ORDERS_READ))]
Admin = Annotated[Actor, Depends(require(Permission.SETTINGS_WRITE))]
EML: dict[int | str, dict[str, Any]] = {200: {"content": {"message/rfc822": {}}, "description": "The message"}}


@router.get("/api/v1/emails", responses=ERRORS())
def list_emails(
    uow: UowDep, actor: Reader,
    order_id: uuid.UUID | None = None,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    status: EmailStatus | None = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> EmailPage:
    """Emails sent (or being retried), newest first; filter by order, kind and status."""
    f = queries.EmailFilter(order_id=str(order_id) if order_id else None, kind=kind, status=status)
    page = queries.list_emails(uow, f, cursor=cursor, limit=limit)
    return EmailPage(items=[EmailOut.from_model(e) for e in page.items], next_cursor=page.next_cursor)


@router.get("/api/v1/orders/{order_id}/emails", responses=ERRORS(404))
def order_emails(order_id: str, uow: UowDep, actor: Reader) -> list[EmailOut]:
    """Every email about the order (to the customer and to staff), oldest first."""
    oid = parse_order_id(order_id)
    with uow:
        if uow.session.get(Order, oid) is None:
            raise NotFound(f"No order '{order_id}'", field="order_id")
        rows = queries.emails_for_order(uow.session, oid)
    return [EmailOut.from_model(e) for e in rows]


@router.get("/api/v1/emails/{email_id}.eml", response_class=Response, responses={**EML, **ERRORS(404)})
def email_file(email_id: str, uow: UowDep, actor: Reader) -> Response:
    """The message as it was written to var/mail (the embedded default without an SMTP server)."""
    raw = queries.eml_bytes(queries.get_email(uow, email_id))
    if raw is None:
        raise NotFound("This email went out over SMTP: no .eml file was kept", field="email_id")
    return Response(raw, media_type="message/rfc822")


@router.get("/api/v1/emails/{email_id}", responses=ERRORS(404))
def get_email(email_id: str, uow: UowDep, actor: Reader) -> EmailOut:
    return EmailOut.from_model(queries.get_email(uow, email_id))


@router.get("/api/v1/store/notifications", responses=ERRORS())
def notification_settings(uow: UowDep, actor: Reader) -> NotificationSettingsOut:
    return NotificationSettingsOut.from_model(get_store_settings(uow))


@router.patch("/api/v1/store/notifications", response_model=NotificationSettingsOut, responses=ERRORS(400))
def change_notification_settings(body: NotificationSettingsIn, request: Request, uow: UowDep, actor: Admin,
                                 idempotency_key: IdempotencyKey = None) -> JSONResponse:
    return idempotent(request, uow, actor, idempotency_key, body, action=lambda: NotificationSettingsOut.from_model(
        update_notification_settings(uow, body.model_dump(exclude_unset=True))))
