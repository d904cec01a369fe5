"""A shipment's transitions on its order's timeline."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from orderworks.core.actor import Actor
from orderworks.fulfillment.models import Shipment
from orderworks.orders import history
from orderworks.orders.models import Order


def record(session: Session, order: Order, shipment: Shipment, *, actor: Actor, action: str, before: str | None,
           note: str = "", data: dict[str, Any] | None = None) -> None:
    """A shipment transition on the order's timeline (from/to are the shipment's statuses)."""
    history.record(session, order, actor=actor, action=action, from_status=before, to_status=shipment.status,
                   note=note, data={"shipment_id": str(shipment.id), "shipment_ref": shipment.ref, **(data or {})})
