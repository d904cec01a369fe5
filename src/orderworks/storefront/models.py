"""Storefront tables: the customer's feedback on an order (one per order, updated when sent again), and the failed
order look-ups that the per-client attempt limit counts."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from orderworks.core.clock import now
from orderworks.core.db import Base
from orderworks.core.ids import new_id


class OrderFeedback(Base):
    __tablename__ = "order_feedback"
    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating_1_to_5"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"), unique=True)
    rating: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    times_sent: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)


class LookupFailure(Base):
    """A wrong order number / email pair from one client (its IP address): counted in a sliding window."""

    __tablename__ = "storefront_lookup_failures"
    __table_args__ = (Index("ix_storefront_lookup_failures_client_at", "client", "attempted_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[datetime] = mapped_column(default=now, index=True)
