"""Order tables, and the pricing set-up they are priced with (shipping zones and methods, tax rates, discounts)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orderworks.core.clock import now
from orderworks.core.db import Base
from orderworks.core.ids import new_id


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        # One index per list filter, each ending in the sort key, so every filtered page is an index range scan.
        Index("ix_orders_created", "created_at", "id"),
        Index("ix_orders_status_created", "status", "created_at", "id"),
        Index("ix_orders_payment_created", "payment_status", "created_at", "id"),
        Index("ix_orders_fulfillment_created", "fulfillment_status", "created_at", "id"),
        Index("ix_orders_channel_created", "channel", "created_at", "id"),
        Index("ix_orders_email_created", "customer_email", "created_at", "id"),
        Index("ix_orders_backordered_created", "backordered", "created_at", "id"),  # the back office's view
        Index("ix_orders_total", "total", "id"),  # the back office's grid sorted by total
        Index("ix_orders_search_name", "search_name", postgresql_ops={"search_name": "text_pattern_ops"}),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    status_before_hold: Mapped[str | None] = mapped_column(String(16))
    payment_status: Mapped[str] = mapped_column(String(20), default="unpaid")
    fulfillment_status: Mapped[str] = mapped_column(String(20), default="unfulfilled")
    backordered: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    currency: Mapped[str] = mapped_column(String(3))

    customer_email: Mapped[str] = mapped_column(String(320))
    customer_name: Mapped[str] = mapped_column(String(200))
    customer_phone: Mapped[str | None] = mapped_column(String(40))
    search_name: Mapped[str] = mapped_column(String(200))  # lower-cased name, for prefix search
    shipping_address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    billing_address: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    shipping_method: Mapped[str | None] = mapped_column(String(64))
    shipping_method_name: Mapped[str | None] = mapped_column(String(200))
    discount_code: Mapped[str | None] = mapped_column(String(64))
    prices_include_tax: Mapped[bool] = mapped_column(default=False)
    items_total: Mapped[int] = mapped_column(default=0)
    discount_total: Mapped[int] = mapped_column(default=0)
    shipping_total: Mapped[int] = mapped_column(default=0)
    tax_total: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    tax_breakdown: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    weight_grams: Mapped[int] = mapped_column(default=0)

    notes: Mapped[str] = mapped_column(Text, default="")  # what the customer wrote at checkout
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    source_order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("orders.id"))
    placed_at: Mapped[datetime | None] = mapped_column()
    canceled_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", lazy="raise", order_by="OrderLine.position", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}


class OrderLine(Base):
    __tablename__ = "order_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"), index=True)
    position: Mapped[int]
    variant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("variants.id"), index=True)
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int]
    unit_price: Mapped[int]
    subtotal: Mapped[int]  # unit_price x quantity
    discount: Mapped[int] = mapped_column(default=0)  # this line's share of the order discount
    tax: Mapped[int] = mapped_column(default=0)
    tax_rate_ppm: Mapped[int] = mapped_column(default=0)  # millionths: 8.875% is 88750
    tax_class: Mapped[str] = mapped_column(String(32), default="standard")
    total: Mapped[int] = mapped_column(default=0)
    shippable: Mapped[bool] = mapped_column(default=True)
    unit_weight_grams: Mapped[int] = mapped_column(default=0)
    backordered_quantity: Mapped[int] = mapped_column(default=0)

    order: Mapped[Order] = relationship(back_populates="lines", lazy="raise")


class OrderHistory(Base):
    """The order's timeline: every transition and change, who made it and why."""

    __tablename__ = "order_history"
    __table_args__ = (Index("ix_order_history_order_created", "order_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str | None] = mapped_column(String(64))
    actor_name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class OrderNote(Base):
    """A customer service note on an order (internal unless marked for the customer)."""

    __tablename__ = "order_notes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    visible_to_customer: Mapped[bool] = mapped_column(default=False)
    actor_name: Mapped[str] = mapped_column(String(200))
    actor_kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=now)


class ShippingZone(Base):
    __tablename__ = "shipping_zones"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    countries: Mapped[list[str]] = mapped_column(JSON)  # ISO 3166 alpha-2; ["*"] is the rest of the world


class ShippingMethod(Base):
    """A way to ship within a zone: a flat price, or a price by total weight (first row whose max fits)."""

    __tablename__ = "shipping_methods"
    __table_args__ = (UniqueConstraint("zone_id", "code", name="uq_shipping_methods_zone_code"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    zone_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shipping_zones.id"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # flat or weight
    rates: Mapped[dict[str, Any]] = mapped_column(JSON)  # {"USD": 500} or {"USD": [[1000, 500], [5000, 900]]}
    free_over: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # {"USD": 10000}: free from $100
    tax_class: Mapped[str] = mapped_column(String(32), default="standard")
    active: Mapped[bool] = mapped_column(default=True)


class TaxRate(Base):
    __tablename__ = "tax_rates"
    __table_args__ = (UniqueConstraint("country", "region", "tax_class", name="uq_tax_rates_place_class"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str] = mapped_column(String(64), default="")  # "" is the whole country
    tax_class: Mapped[str] = mapped_column(String(32), default="standard")
    rate_ppm: Mapped[int]  # millionths: 20% is 200000
    name: Mapped[str] = mapped_column(String(100))


class DiscountCode(Base):
    __tablename__ = "discount_codes"
    __table_args__ = (CheckConstraint("times_used >= 0", name="times_used_not_negative"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(64), unique=True)  # stored upper-case; matched case-insensitively
    kind: Mapped[str] = mapped_column(String(16))  # percentage or fixed
    percent_bp: Mapped[int] = mapped_column(default=0)  # basis points: 10% is 1000
    amounts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # fixed: {"USD": 500}
    min_subtotal: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    starts_at: Mapped[datetime | None] = mapped_column()
    ends_at: Mapped[datetime | None] = mapped_column()
    usage_limit: Mapped[int | None] = mapped_column()
    times_used: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
