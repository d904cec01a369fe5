"""The store's own settings: who the seller is, what it sells in, and how orders are handled.

One row (id 1). Later areas read their automation switches from here (auto-capture, unpaid timeout, ...).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text, false
from sqlalchemy.orm import Mapped, Session, mapped_column

from orderworks.core.clock import now
from orderworks.core.db import Base

STORE_ID = 1


class Store(Base):
    __tablename__ = "store"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="My Store")
    email: Mapped[str] = mapped_column(String(320), default="orders@example.com")
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    country: Mapped[str] = mapped_column(String(2), default="US")  # where the seller is (tax origin)
    locale: Mapped[str] = mapped_column(String(16), default="en_US")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    default_currency: Mapped[str] = mapped_column(String(3), default="USD")
    currencies: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["USD"])
    prices_include_tax: Mapped[bool] = mapped_column(default=False)
    order_number_prefix: Mapped[str] = mapped_column(String(16), default="")
    order_number_start: Mapped[int] = mapped_column(default=1001)
    # Invoicing: who the seller is on an invoice, and how invoices are numbered and issued.
    legal_name: Mapped[str | None] = mapped_column(String(200))
    tax_id: Mapped[str | None] = mapped_column(String(64))  # VAT number / tax id printed on invoices
    invoice_footer: Mapped[str] = mapped_column(Text, default="", server_default="")
    auto_invoice: Mapped[bool] = mapped_column(default=False, server_default=false())  # invoice on capture
    invoice_number_prefix: Mapped[str] = mapped_column(String(16), default="INV-", server_default="INV-")
    credit_note_number_prefix: Mapped[str] = mapped_column(String(16), default="CN-", server_default="CN-")
    # Payments: capture at authorization or later by hand; how long a declined order keeps its stock.
    payment_mode: Mapped[str] = mapped_column(String(32), default="authorize", server_default="authorize")
    declined_stock_hold_minutes: Mapped[int] = mapped_column(default=60, server_default="60")
    # Back office: an order not shipped this many days after it was placed shows as "late".
    ship_promise_days: Mapped[int] = mapped_column(default=2, server_default="2")
    # Fulfilment: how lines are allocated to locations, and which agreed payment methods ship before payment.
    allocation_strategy: Mapped[str] = mapped_column(String(24), default="fewest_shipments",
                                                     server_default="fewest_shipments")
    ship_unpaid_methods: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)


def get_store(session: Session) -> Store:
    """The store row; created with defaults on first use so a fresh database works."""
    store = session.get(Store, STORE_ID)
    if store is None:
        store = Store(id=STORE_ID, address={}, currencies=["USD"])
        session.add(store)
        session.flush()
    return store
