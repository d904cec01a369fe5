"""Invoice and credit note tables. What the customer was billed lives in `snapshot`, written once at issue:
later changes to the store, the catalog or the order never reach an issued document."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, event, inspect, text
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from orderworks.core.clock import now
from orderworks.core.db import Base
from orderworks.core.ids import new_id

# Columns that are part of the issued document: once written, they never change.
FROZEN = ("number", "snapshot", "total", "tax_total", "currency", "order_id", "issued_at")


class Invoice(Base):
    __tablename__ = "invoices"
    __table_args__ = (
        # One live invoice per order: a second one only after the first was voided.
        Index("uq_invoices_live_order", "order_id", unique=True,
              sqlite_where=text("status != 'void'"), postgresql_where=text("status != 'void'")),
        Index("ix_invoices_issued", "issued_at", "id"),
        Index("ix_invoices_status_issued", "status", "issued_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"), index=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[int]
    tax_total: Mapped[int]
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(default=now)
    issued_by: Mapped[str] = mapped_column(String(200))
    paid_at: Mapped[datetime | None] = mapped_column()
    voided_at: Mapped[datetime | None] = mapped_column()
    void_reason: Mapped[str | None] = mapped_column(String(500))


class CreditNote(Base):
    __tablename__ = "credit_notes"
    __table_args__ = (Index("ix_credit_notes_invoice_issued", "invoice_id", "issued_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invoices.id"))
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"), index=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[int]  # what is credited, tax included
    tax_total: Mapped[int]
    reason: Mapped[str] = mapped_column(String(500))
    refund_reference: Mapped[str | None] = mapped_column(String(128), unique=True)  # one credit note per refund
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(default=now)
    issued_by: Mapped[str] = mapped_column(String(200))


class IssuedDocumentChanged(Exception):
    """A bug, not a user error: code tried to rewrite an issued invoice or credit note."""


@event.listens_for(Invoice, "before_update")
@event.listens_for(CreditNote, "before_update")
def _refuse_rewrites(_mapper: Mapper[Any], _conn: Any, target: Invoice | CreditNote) -> None:
    state = inspect(target)
    changed = [name for name in FROZEN if state.attrs[name].history.has_changes()]
    if changed:
        raise IssuedDocumentChanged(f"{target.number}: issued documents are immutable ({', '.join(changed)})")
