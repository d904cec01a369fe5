"""Fulfilment tables: shipments (one per order and location) with their lines and packages, pick lists, dispatch
manifests, carrier tracking events, digital deliveries, and the terms under which an order ships unpaid."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orderworks.core.clock import now
from orderworks.core.db import Base
from orderworks.core.ids import new_id


class PickList(Base):
    __tablename__ = "pick_lists"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    ref: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_by: Mapped[str] = mapped_column(String(200), default="")


class Manifest(Base):
    """A carrier's end-of-day pickup: the shipped packages of one location handed to one carrier."""

    __tablename__ = "manifests"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    carrier: Mapped[str] = mapped_column(String(32))
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stock_locations.id"))
    closed_at: Mapped[datetime] = mapped_column(default=now)
    package_count: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[str] = mapped_column(String(200), default="")


class Shipment(Base):
    __tablename__ = "shipments"
    __table_args__ = (
        Index("ix_shipments_status_created", "status", "created_at", "id"),
        Index("ix_shipments_order", "order_id", "created_at"),
        UniqueConstraint("ref", name="uq_shipments_ref"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    ref: Mapped[str] = mapped_column(String(48))  # the order number and a sequence: 1001-1, 1001-2
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"))
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stock_locations.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    tracking_status: Mapped[str | None] = mapped_column(String(24))
    carrier: Mapped[str | None] = mapped_column(String(32))
    service: Mapped[str | None] = mapped_column(String(64))
    tracking_numbers: Mapped[list[str]] = mapped_column(JSON, default=list)
    tracking_url: Mapped[str | None] = mapped_column(String(500))
    pick_list_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pick_lists.id"), index=True)
    ship_key: Mapped[str | None] = mapped_column(String(200))  # what the ship request was: a retry matches it
    shipped_at: Mapped[datetime | None] = mapped_column()
    delivered_at: Mapped[datetime | None] = mapped_column()
    canceled_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)

    lines: Mapped[list[ShipmentLine]] = relationship(lazy="raise", order_by="ShipmentLine.position",
                                                     cascade="all, delete-orphan")
    packages: Mapped[list[Package]] = relationship(lazy="raise", order_by="Package.position",
                                                   cascade="all, delete-orphan")


class ShipmentLine(Base):
    __tablename__ = "shipment_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shipment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shipments.id"), index=True)
    # No foreign key: an edit may remove an order line; its open shipments are then canceled and re-allocated.
    order_line_id: Mapped[uuid.UUID] = mapped_column(index=True)
    position: Mapped[int] = mapped_column(default=0)
    variant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("variants.id"))
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int]


class Package(Base):
    __tablename__ = "packages"
    __table_args__ = (
        Index("ix_packages_manifest", "manifest_id"),
        Index("ix_packages_tracking", "tracking_number"),
        UniqueConstraint("label_key", name="uq_packages_label_key"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shipment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shipments.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    weight_grams: Mapped[int | None] = mapped_column()
    length_mm: Mapped[int | None] = mapped_column()
    width_mm: Mapped[int | None] = mapped_column()
    height_mm: Mapped[int | None] = mapped_column()
    carrier: Mapped[str | None] = mapped_column(String(32))
    service: Mapped[str | None] = mapped_column(String(64))
    tracking_number: Mapped[str | None] = mapped_column(String(64))
    # A label bought through the carrier port: claimed (processing) before the call, purchased or failed after.
    label_status: Mapped[str] = mapped_column(String(16), default="none")
    label_key: Mapped[str | None] = mapped_column(String(100))
    label_pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    label_cost: Mapped[int | None] = mapped_column()
    label_currency: Mapped[str | None] = mapped_column(String(3))
    label_error: Mapped[str | None] = mapped_column(String(500))
    manifest_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("manifests.id"))
    shipped_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=now)


class TrackingEvent(Base):
    """One status the carrier reported for a shipment (deduplicated: a webhook delivered twice adds nothing)."""

    __tablename__ = "tracking_events"
    __table_args__ = (UniqueConstraint("shipment_id", "status", "occurred_at", name="uq_tracking_events_once"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shipment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shipments.id"), index=True)
    tracking_number: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(24))
    occurred_at: Mapped[datetime]
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(32), default="api")  # api or the carrier code of its webhook
    created_at: Mapped[datetime] = mapped_column(default=now)


class DigitalDelivery(Base):
    """A download link or licence key given for a digital order line, once the order is paid."""

    __tablename__ = "digital_deliveries"
    __table_args__ = (UniqueConstraint("order_line_id", name="uq_digital_deliveries_line"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"), index=True)
    order_line_id: Mapped[uuid.UUID] = mapped_column()
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int]
    download_token: Mapped[str] = mapped_column(String(64), unique=True)
    licence_key: Mapped[str] = mapped_column(String(64))
    delivered_at: Mapped[datetime] = mapped_column(default=now)


class ShippingTerms(Base):
    """An order agreed to be paid later (cash on delivery, net terms): it ships unpaid if the store allows it."""

    __tablename__ = "order_shipping_terms"

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    method: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(String(500), default="")
    set_by: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=now)
