"""Events the webhooks area emits (the emails helper tells staff about a disabled endpoint)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WebhookEndpointDisabled:
    endpoint_id: str
    url: str
    reason: str
    failed_deliveries: int = 0  # consecutive deliveries that failed for good
    aggregate_id: str = ""  # the endpoint id, so the outbox row names what it is about
    aggregate_type: str = "webhook_endpoint"
