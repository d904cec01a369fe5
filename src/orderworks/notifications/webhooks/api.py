"""Webhook endpoint routes: register, list, read, change, delete, rotate the secret, see deliveries with their
attempts, retry one, ping. Every route needs settings:write (an endpoint's config is the store's)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from orderworks.core.actor import Actor
from orderworks.core.permissions import Permission
from orderworks.core.uow import UnitOfWork
from orderworks.core.web import ERRORS, IdempotencyKey, UowDep, idempotent, idempotent_in_steps, require
from orderworks.notifications.webhooks import delivery, service
from orderworks.notifications.webhooks.rules import DeliveryStatus
from orderworks.notifications.webhooks.schemas import (
    RotateSecretIn,
    WebhookDeliveryOut,
    WebhookDeliveryPage,
    WebhookEndpointIn,
    WebhookEndpointOut,
    WebhookEndpointPage,
    WebhookEndpointUpdateIn,
    WebhookEndpointWithSecretOut,
)

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])
Admin = Annotated[Actor, Depends(require(Permission.SETTINGS_WRITE))]
Cursor = Annotated[str | None, Query(max_length=500)]
Limit = Annotated[int, Query(ge=1, le=200)]


@router.post("", status_code=201, response_model=WebhookEndpointWithSecretOut, responses=ERRORS())
def create_endpoint(body: WebhookEndpointIn, request: Request, uow: UowDep, actor: Admin,
                    idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Register an endpoint for some event types (or '*'); the answer carries its signing secret."""
    return idempotent(request, uow, actor, idempotency_key, body, status_code=201,
                      action=lambda: WebhookEndpointWithSecretOut.from_model(service.create_endpoint(
                          uow, url=body.url, events=body.events, secret=body.secret, description=body.description)))


@router.get("", responses=ERRORS())
def list_endpoints(uow: UowDep, actor: Admin, cursor: Cursor = None, limit: Limit = 50) -> WebhookEndpointPage:
    page = service.list_endpoints(uow, cursor=cursor, limit=limit)
    return WebhookEndpointPage(items=[WebhookEndpointOut.from_model(e) for e in page.items],
                               next_cursor=page.next_cursor)


@router.get("/{endpoint_id}", responses=ERRORS(404))
def get_endpoint(endpoint_id: str, uow: UowDep, actor: Admin) -> WebhookEndpointOut:
    return WebhookEndpointOut.from_model(service.get_endpoint(uow, endpoint_id))


@router.patch("/{endpoint_id}", response_model=WebhookEndpointOut, responses=ERRORS(404))
def update_endpoint(endpoint_id: str, body: WebhookEndpointUpdateIn, request: Request, uow: UowDep, actor: Admin,
                    idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Change the URL, the event types, the description; `enabled: true` turns a disabled endpoint back on."""
    return idempotent(request, uow, actor, idempotency_key, body, action=lambda: WebhookEndpointOut.from_model(
        service.update_endpoint(uow, endpoint_id, url=body.url, events=body.events, description=body.description,
                                enabled=body.enabled)))


@router.delete("/{endpoint_id}", response_model=WebhookEndpointOut, responses=ERRORS(404))
def delete_endpoint(endpoint_id: str, request: Request, uow: UowDep, actor: Admin,
                    idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Stop sending to the endpoint; its waiting deliveries are canceled."""
    return idempotent(request, uow, actor, idempotency_key, None, action=lambda: WebhookEndpointOut.from_model(
        service.delete_endpoint(uow, endpoint_id)))


@router.post("/{endpoint_id}/rotate-secret", response_model=WebhookEndpointWithSecretOut, responses=ERRORS(404))
def rotate_secret(endpoint_id: str, request: Request, uow: UowDep, actor: Admin, body: RotateSecretIn | None = None,
                  idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """A new secret (given or generated); the old one keeps signing beside it for 24 hours."""
    body = body or RotateSecretIn()
    return idempotent(request, uow, actor, idempotency_key, body, action=lambda: WebhookEndpointWithSecretOut
                      .from_model(service.rotate_secret(uow, endpoint_id, secret=body.secret)))


@router.get("/{endpoint_id}/deliveries", responses=ERRORS(404))
def list_deliveries(endpoint_id: str, uow: UowDep, actor: Admin, status: DeliveryStatus | None = None,
                    cursor: Cursor = None, limit: Limit = 50) -> WebhookDeliveryPage:
    """The endpoint's deliveries newest first, each with every attempt (status code, duration, error)."""
    page = service.list_deliveries(uow, endpoint_id, status=status, cursor=cursor, limit=limit)
    return WebhookDeliveryPage(items=[WebhookDeliveryOut.from_view(v) for v in page.items],
                               next_cursor=page.next_cursor)


def _send_and_show(request: Request, uow: UnitOfWork, endpoint_id: str, delivery_id: uuid.UUID) -> WebhookDeliveryOut:
    """One attempt now (claim, call, record: three steps, no call inside a transaction), then the delivery."""
    delivery.send_now(uow, request.app.state.settings, delivery_id)
    return WebhookDeliveryOut.from_view(service.get_delivery(uow, endpoint_id, delivery_id))


@router.post("/{endpoint_id}/deliveries/{delivery_id}/retry", response_model=WebhookDeliveryOut,
             responses=ERRORS(404, 409))
def retry_delivery(endpoint_id: str, delivery_id: str, request: Request, uow: UowDep, actor: Admin,
                   idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Send a delivery again now (one more attempt); the answer shows how it went."""
    return idempotent_in_steps(request, uow, actor, idempotency_key, {}, action=lambda: _send_and_show(
        request, uow, endpoint_id, service.schedule_retry(uow, endpoint_id, delivery_id)))


@router.post("/{endpoint_id}/ping", response_model=WebhookDeliveryOut, responses=ERRORS(404))
def ping(endpoint_id: str, request: Request, uow: UowDep, actor: Admin,
         idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Send a signed `webhook.ping` now, to test the receiver (also to a disabled endpoint); one attempt."""
    return idempotent_in_steps(request, uow, actor, idempotency_key, {}, action=lambda: _send_and_show(
        request, uow, endpoint_id, service.create_ping(uow, endpoint_id)))
