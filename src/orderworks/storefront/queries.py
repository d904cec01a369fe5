"""Reading what the customer page shows beyond the order itself: its shipments (fulfilment area) and feedback."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderworks.storefront.models import OrderFeedback


@dataclass(frozen=True)
class ShipmentLineInfo:
    sku: str
    name: str
    quantity: int


@dataclass(frozen=True)
class ShipmentInfo:
    """One shipment as the customer sees it: who carries it, how to track it, how far it got."""

    ref: str
    status: str
    carrier: str | None
    carrier_name: str | None
    tracking_numbers: list[str]
    tracking_url: str | None
    tracking_status: str | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    lines: list[ShipmentLineInfo] = field(default_factory=list)


def shipments_for_order(session: Session, order_id: uuid.UUID) -> list[ShipmentInfo]:
    """The order's shipments that left (or are leaving) the warehouse, oldest first.

    Empty until the fulfilment area's tables exist in this build."""
    return []


def feedback_for(session: Session, order_id: uuid.UUID) -> OrderFeedback | None:
    return session.execute(select(OrderFeedback).where(OrderFeedback.order_id == order_id)).scalar_one_or_none()
