"""Inventory tables. A level is a cache of its ledger: sum the movements and you get the level back."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from orderworks.core.clock import now
from orderworks.core.db import Base
from orderworks.core.ids import new_id


class StockLocation(Base):
    __tablename__ = "stock_locations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="warehouse")  # warehouse or store
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[int] = mapped_column(default=100)  # lower ships first
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=now)


class StockLevel(Base):
    __tablename__ = "stock_levels"
    __table_args__ = (
        UniqueConstraint("variant_id", "location_id", name="uq_stock_levels_variant_location"),
        CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    variant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("variants.id"))
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stock_locations.id"), index=True)
    on_hand: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)
    bin: Mapped[str | None] = mapped_column(String(32))  # where it sits in the location, for pick walks


class StockMovement(Base):
    """The stock ledger: every change of on-hand or reserved quantity, with why and for which order."""

    __tablename__ = "stock_movements"
    __table_args__ = (Index("ix_stock_movements_variant_location", "variant_id", "location_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    variant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("variants.id"))
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stock_locations.id"))
    kind: Mapped[str] = mapped_column(String(16))  # receipt, adjustment, count, reservation, release, shipment
    on_hand_delta: Mapped[int] = mapped_column(default=0)
    reserved_delta: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str] = mapped_column(String(300), default="")
    order_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=now)


class Reservation(Base):
    """Units of a variant held at a location for one order line (order_line_id refers to the orders area)."""

    __tablename__ = "stock_reservations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    order_line_id: Mapped[uuid.UUID] = mapped_column(index=True)
    variant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("variants.id"))
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stock_locations.id"))
    quantity: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=now)
