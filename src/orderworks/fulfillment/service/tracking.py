"""Carrier tracking status, kept apart from the shipment's own status: updated by API or by the carrier's webhook;
`delivered` moves the shipment to delivered. A status already recorded (same time) is not recorded twice."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime

from sqlalchemy import select

from orderworks.core.actor import Actor
from orderworks.core.clock import now
from orderworks.core.errors import NotFound, ValidationFailed
from orderworks.core.uow import UnitOfWork
from orderworks.fulfillment.events import ShipmentTrackingUpdated
from orderworks.fulfillment.models import Package, Shipment, TrackingEvent
from orderworks.fulfillment.rules import ShipmentStatus, TrackingStatus, tracking_moves_shipment
from orderworks.fulfillment.service.shipping import _locked, deliver_locked
from orderworks.fulfillment.service.timeline import record


def update_tracking(uow: UnitOfWork, shipment_id: str | uuid.UUID, *, status: str, actor: Actor,
                    occurred_at: datetime | None = None, description: str = "", source: str = "api",
                    tracking_number: str | None = None) -> Shipment:
    """Record what the carrier says about a shipped shipment (in transit, out for delivery, delivered, ...)."""
    if status not in set(TrackingStatus):
        raise ValidationFailed(f"Unknown tracking status '{status}' ({', '.join(TrackingStatus)})", field="status")
    at = occurred_at or now()
    with uow:
        order, shipment = _locked(uow, shipment_id)
        if shipment.status not in (ShipmentStatus.SHIPPED, ShipmentStatus.DELIVERED):
            raise ValidationFailed(f"Shipment {shipment.ref} has not shipped; it has no tracking yet",
                                   field="shipment_id")
        seen = uow.session.execute(select(TrackingEvent.id).where(
            TrackingEvent.shipment_id == shipment.id, TrackingEvent.status == status,
            TrackingEvent.occurred_at == at)).first()
        if seen:
            return shipment
        latest = uow.session.execute(select(TrackingEvent.occurred_at).where(TrackingEvent.shipment_id == shipment.id)
                                     .order_by(TrackingEvent.occurred_at.desc()).limit(1)).scalar_one_or_none()
        uow.session.add(TrackingEvent(shipment_id=shipment.id, tracking_number=tracking_number, status=status,
                                      occurred_at=at, description=description[:2000], source=source))
        previous = shipment.tracking_status
        if latest is None or at >= latest:  # a late webhook of an older status does not move it back
            shipment.tracking_status = status
            record(uow.session, order, shipment, actor=actor, action="tracking_updated", before=shipment.status,
                   note=description, data={"tracking_status": [previous, status], "source": source})
            uow.outbox.add(ShipmentTrackingUpdated(order_id=str(order.id), number=order.number,
                                                   shipment_id=str(shipment.id), tracking_status=status,
                                                   previous=previous, description=description))
            if tracking_moves_shipment(status) and shipment.status == ShipmentStatus.SHIPPED:
                deliver_locked(uow, order, shipment, actor=actor, at=at)
        uow.commit()
    return shipment


def shipment_for_tracking(uow: UnitOfWork, tracking_number: str) -> uuid.UUID | None:
    with uow:
        return uow.session.execute(select(Package.shipment_id).where(Package.tracking_number == tracking_number)
                                   .limit(1)).scalar_one_or_none()


def apply_carrier_webhook(new_uow: Callable[[], UnitOfWork], carrier: object, body: bytes,
                          headers: Mapping[str, str], *, actor: Actor) -> dict[str, int]:
    """A carrier's webhook: each tracking update for a package we know is recorded (its own transaction)."""
    updates = carrier.parse_webhook(body, headers)  # type: ignore[attr-defined]
    applied = unknown = 0
    for update in updates:
        shipment_id = shipment_for_tracking(new_uow(), update.tracking_number)
        if shipment_id is None:
            unknown += 1
            continue
        try:
            update_tracking(new_uow(), shipment_id, status=update.status, actor=actor, occurred_at=update.occurred_at,
                            description=update.description, source=str(getattr(carrier, "code", "carrier")),
                            tracking_number=update.tracking_number)
            applied += 1
        except (NotFound, ValidationFailed):
            unknown += 1
    return {"received": len(updates), "applied": applied, "ignored": unknown}
