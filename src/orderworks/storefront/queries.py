"""Reading what the customer page shows beyond the order itself: its shipments (fulfilment area) and feedback."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from orderworks.fulfillment.carriers import tracking_url_for
from orderworks.fulfillment.models import DigitalDelivery, Package, Shipment
from orderworks.fulfillment.rules import SHIPPED_STATUSES
from orderworks.storefront.models import OrderFeedback
from orderworks.storefront.rules import carrier_name


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
    """The order's shipments that left the warehouse (shipped or delivered), oldest first, with what is in each:
    two queries whatever their number. Open and canceled shipments are the warehouse's business."""
    rows = session.execute(select(Shipment).where(Shipment.order_id == order_id,
                                                  Shipment.status.in_([str(s) for s in SHIPPED_STATUSES]))
                           .options(selectinload(Shipment.lines))
                           .order_by(Shipment.shipped_at, Shipment.created_at, Shipment.id)).scalars()
    return [ShipmentInfo(ref=s.ref, status=s.status, carrier=s.carrier, carrier_name=carrier_name(s.carrier),
                         tracking_numbers=list(s.tracking_numbers or []), tracking_url=_tracking_url(s),
                         tracking_status=s.tracking_status, shipped_at=s.shipped_at, delivered_at=s.delivered_at,
                         lines=[ShipmentLineInfo(sku=line.sku, name=line.name, quantity=line.quantity)
                                for line in s.lines])
            for s in rows]


def _tracking_url(s: Shipment) -> str | None:
    """The link the shipment was given, else the carrier's public page for its first number (web links only)."""
    url = s.tracking_url
    if not url and s.carrier and s.tracking_numbers:
        url = tracking_url_for(s.carrier, s.tracking_numbers[0])
    return url if url and url.lower().startswith(("https://", "http://")) else None


@dataclass(frozen=True)
class DownloadInfo:
    sku: str
    name: str
    quantity: int
    download_path: str  # under the public base URL
    licence_key: str


def downloads_for_order(session: Session, order_id: uuid.UUID) -> list[DownloadInfo]:
    """The digital goods the order was given on payment: a download link and a licence key per line."""
    rows = session.execute(select(DigitalDelivery).where(DigitalDelivery.order_id == order_id)
                           .order_by(DigitalDelivery.delivered_at, DigitalDelivery.id)).scalars()
    return [DownloadInfo(sku=d.sku, name=d.name, quantity=d.quantity, download_path=f"/downloads/{d.download_token}",
                         licence_key=d.licence_key) for d in rows]


def feedback_for(session: Session, order_id: uuid.UUID) -> OrderFeedback | None:
    return session.execute(select(OrderFeedback).where(OrderFeedback.order_id == order_id)).scalar_one_or_none()


@dataclass(frozen=True)
class ParcelInfo:
    """A parcel of the built-in carrier as anyone holding its tracking number sees it: no name, no address."""

    tracking_number: str
    status: str
    tracking_status: str | None
    shipped_at: datetime | None
    delivered_at: datetime | None


def parcel(session: Session, tracking_number: str) -> ParcelInfo | None:
    """The package carrying `tracking_number` (indexed), with its shipment's progress; None when unknown."""
    row = session.execute(
        select(Shipment.status, Shipment.tracking_status, Shipment.shipped_at, Shipment.delivered_at)
        .join(Package, Package.shipment_id == Shipment.id)
        .where(Package.tracking_number == tracking_number).limit(1)).first()
    if row is None:
        return None
    return ParcelInfo(tracking_number, row.status, row.tracking_status, row.shipped_at, row.delivered_at)


def order_of_download(session: Session, download_token: str) -> uuid.UUID | None:
    """The order a digital download link belongs to (the token is unique and unguessable)."""
    return session.execute(select(DigitalDelivery.order_id)
                           .where(DigitalDelivery.download_token == download_token)).scalar_one_or_none()
