"""Loading invoices inside a use case, locks always taken order first, then invoice, so that two use cases on
one order never wait on each other in opposite orders (PostgreSQL's foreign-key checks lock the order too)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orderworks.core.errors import NotFound
from orderworks.core.ids import parse_id
from orderworks.invoicing.models import CreditNote, Invoice
from orderworks.invoicing.rules import InvoiceStatus
from orderworks.orders.models import Order
from orderworks.orders.service.loading import order_for_update


def live_invoice(session: Session, order_id: uuid.UUID, *, for_update: bool = False) -> Invoice | None:
    """The order's invoice that is not void (there is at most one)."""
    stmt = select(Invoice).where(Invoice.order_id == order_id, Invoice.status != InvoiceStatus.VOID)
    if for_update:
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar_one_or_none()


def invoice_for_update(session: Session, invoice_id: str | uuid.UUID) -> tuple[Order, Invoice]:
    """The invoice and its order, both row-locked until commit."""
    iid = parse_id(invoice_id, what="invoice", field="invoice_id")
    order_id = session.execute(select(Invoice.order_id).where(Invoice.id == iid)).scalar_one_or_none()
    if order_id is None:
        raise NotFound(f"No invoice '{invoice_id}'", field="invoice_id")
    order = order_for_update(session, order_id)
    invoice = session.execute(select(Invoice).where(Invoice.id == iid).with_for_update()).scalar_one()
    return order, invoice


def credited_total(session: Session, invoice_id: uuid.UUID) -> int:
    stmt = select(func.coalesce(func.sum(CreditNote.total), 0)).where(CreditNote.invoice_id == invoice_id)
    return int(session.execute(stmt).scalar_one())
