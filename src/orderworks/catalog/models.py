"""Catalog tables. A product has one or more variants; the SKU, weight and prices belong to the variant."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orderworks.core.clock import now
from orderworks.core.db import Base
from orderworks.core.ids import new_id


class Vendor(Base):
    """A supplier who can drop ship for us (purchase orders come in the purchasing area)."""

    __tablename__ = "vendors"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(40))
    transmission: Mapped[str] = mapped_column(String(16), default="email")  # email or edi
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=now)


class Product(Base):
    __tablename__ = "products"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    tax_class: Mapped[str] = mapped_column(String(32), default="standard")
    shippable: Mapped[bool] = mapped_column(default=True)  # False: digital, fulfilled without a shipment
    backorderable: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    default_vendor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("vendors.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)

    variants: Mapped[list[Variant]] = relationship(back_populates="product", lazy="raise", order_by="Variant.sku")
    default_vendor: Mapped[Vendor | None] = relationship(lazy="raise")


class Variant(Base):
    __tablename__ = "variants"
    __table_args__ = (CheckConstraint("weight_grams >= 0", name="weight_not_negative"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"), index=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))  # the full name a customer sees, e.g. "Red chair, oak"
    weight_grams: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=now)

    product: Mapped[Product] = relationship(back_populates="variants", lazy="raise")
    prices: Mapped[list[Price]] = relationship(lazy="raise", cascade="all, delete-orphan")


class Price(Base):
    __tablename__ = "prices"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    variant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("variants.id"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    amount: Mapped[int]  # minor units
