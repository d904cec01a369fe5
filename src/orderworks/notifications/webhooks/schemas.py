"""Webhook API models. The secret is shown when an endpoint is created and when it is rotated, never again."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from orderworks.notifications.webhooks.models import WebhookAttempt, WebhookEndpoint
from orderworks.notifications.webhooks.service import DeliveryView

Url = Annotated[str, Field(min_length=1, max_length=2000, examples=["https://erp.example.com/hooks/orderworks"])]
EventName = Annotated[str, Field(max_length=80, examples=["order.placed"])]
Events = Annotated[list[EventName], Field(max_length=100, examples=[["order.placed", "shipment.shipped"]],
                                          description="Dotted event types (docs/webhooks.md), or ['*'] for all")]
Secret = Annotated[str, Field(max_length=200, description="Standard Webhooks secret: 'whsec_' + base64 of 24-64 "
                                                          "bytes. Leave it out to have one generated")]


class WebhookEndpointIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: Url
    events: Events
    secret: Secret | None = None
    description: Annotated[str, Field(max_length=500)] = ""


class WebhookEndpointUpdateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: Url | None = None
    events: Events | None = None
    description: Annotated[str | None, Field(max_length=500)] = None
    enabled: bool | None = Field(default=None, description="true re-enables a disabled endpoint")


class RotateSecretIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    secret: Secret | None = None


class WebhookEndpointOut(BaseModel):
    id: str
    url: str
    description: str
    events: list[str]
    enabled: bool
    disabled_reason: str | None
    disabled_at: datetime | None
    consecutive_failures: int = Field(description="Deliveries failed for good since the last success")
    failing_since: datetime | None = Field(description="The first failed attempt since the last success; while "
                                                       "set, new deliveries wait for the retry job")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def fields_of(cls, e: WebhookEndpoint) -> dict[str, Any]:
        return {"id": str(e.id), "url": e.url, "description": e.description, "events": list(e.events),
                "enabled": e.enabled, "disabled_reason": e.disabled_reason, "disabled_at": e.disabled_at,
                "consecutive_failures": e.consecutive_failures, "failing_since": e.failing_since,
                "created_at": e.created_at,
                "updated_at": e.updated_at}

    @classmethod
    def from_model(cls, e: WebhookEndpoint) -> WebhookEndpointOut:
        return cls(**cls.fields_of(e))


class WebhookEndpointWithSecretOut(WebhookEndpointOut):
    secret: str = Field(description="Verify signatures with it; shown now and after a rotation only")
    previous_secret_expires_at: datetime | None = Field(
        default=None, description="After a rotation the old secret also signs until then")

    @classmethod
    def from_model(cls, e: WebhookEndpoint) -> WebhookEndpointWithSecretOut:
        return cls(**cls.fields_of(e), secret=e.secret, previous_secret_expires_at=e.previous_secret_expires_at)


class WebhookEndpointPage(BaseModel):
    items: list[WebhookEndpointOut]
    next_cursor: str | None


class WebhookAttemptOut(BaseModel):
    number: int
    status: str = Field(description="in_flight, succeeded, failed or abandoned")
    url: str
    response_code: int | None
    duration_ms: int | None
    error: str | None
    response_body: str | None = Field(description="The start of the receiver's answer")
    started_at: datetime
    finished_at: datetime | None

    @classmethod
    def from_model(cls, a: WebhookAttempt) -> WebhookAttemptOut:
        return cls(number=a.number, status=a.status, url=a.url, response_code=a.response_code,
                   duration_ms=a.duration_ms, error=a.error, response_body=a.response_body, started_at=a.started_at,
                   finished_at=a.finished_at)


class WebhookDeliveryOut(BaseModel):
    id: str
    endpoint_id: str
    event_id: str = Field(description="The webhook-id header and the envelope's id")
    event_type: str
    status: str = Field(description="pending, sending, delivered, failed or canceled")
    attempt_count: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    payload: dict[str, Any] = Field(description="The envelope sent: type, id, timestamp, api_version, data")
    attempts: list[WebhookAttemptOut]

    @classmethod
    def from_view(cls, view: DeliveryView) -> WebhookDeliveryOut:
        d = view.delivery
        return cls(id=str(d.id), endpoint_id=str(d.endpoint_id), event_id=str(d.event_id), event_type=d.event_type,
                   status=d.status, attempt_count=d.attempts, next_attempt_at=d.next_attempt_at,
                   last_status_code=d.last_status_code, last_error=d.last_error, delivered_at=d.delivered_at,
                   created_at=d.created_at, payload=json.loads(d.body),
                   attempts=[WebhookAttemptOut.from_model(a) for a in view.attempts])


class WebhookDeliveryPage(BaseModel):
    items: list[WebhookDeliveryOut]
    next_cursor: str | None
