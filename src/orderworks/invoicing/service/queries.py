"""Reading invoices and credit notes: one document, an order's documents, and the paginated invoice list."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select

from orderworks.core.errors import NotFound, ValidationFailed
from orderworks.core.pagination import Page, newest_first, newest_first_page
from orderworks.core.uow import UnitOfWork
from orderworks.invoicing.models import CreditNote, Invoice
from orderworks.core.ids import parse_id
from orderworks.orders.models import Order
from orderworks.orders.service.loading import parse_order_id


@dataclass(frozen=True)
class InvoiceView:
    invoice: Invoice
    credit_notes: list[CreditNote]

    @property
    def credited(self) -> int:
        return sum(c.total for c in self.credit_notes)


@dataclass(frozen=True)
class OrderDocuments:
    invoices: list[Invoice]
    credit_notes: list[CreditNote]


def _with_credit_notes(uow: UnitOfWork, invoice: Invoice | None, missing: str, field: str) -> InvoiceView:
    if invoice is None:
        raise NotFound(missing, field=field)
    notes = list(uow.session.execute(select(CreditNote).where(CreditNote.invoice_id == invoice.id)
                                     .order_by(CreditNote.issued_at, CreditNote.id)).scalars())
    return InvoiceView(invoice, notes)


def get_invoice(uow: UnitOfWork, invoice_id: str | uuid.UUID) -> InvoiceView:
    """An invoice with the credit notes issued against it."""
    iid = parse_id(invoice_id, what="invoice", field="invoice_id")
    with uow:
        return _with_credit_notes(uow, uow.session.get(Invoice, iid), f"No invoice '{invoice_id}'", "invoice_id")


def get_invoice_by_number(uow: UnitOfWork, number: str) -> InvoiceView:
    with uow:
        invoice = uow.session.execute(select(Invoice).where(Invoice.number == number)).scalar_one_or_none()
        return _with_credit_notes(uow, invoice, f"No invoice number '{number}'", "number")


def get_credit_note(uow: UnitOfWork, credit_note_id: str | uuid.UUID) -> CreditNote:
    cid = parse_id(credit_note_id, what="credit note", field="credit_note_id")
    with uow:
        note = uow.session.get(CreditNote, cid)
    if note is None:
        raise NotFound(f"No credit note '{credit_note_id}'", field="credit_note_id")
    return note


def get_credit_note_by_number(uow: UnitOfWork, number: str) -> CreditNote:
    with uow:
        note = uow.session.execute(select(CreditNote).where(CreditNote.number == number)).scalar_one_or_none()
    if note is None:
        raise NotFound(f"No credit note number '{number}'", field="number")
    return note


def order_documents(uow: UnitOfWork, order_id: str | uuid.UUID) -> OrderDocuments:
    """An order's invoices (void ones too) and credit notes, oldest first."""
    oid = parse_order_id(order_id)
    with uow:
        # 404 for an unknown order; no query when the caller's transaction already loaded it (the order view).
        if uow.session.get(Order, oid) is None:
            raise NotFound(f"No order '{order_id}'", field="order_id")
        invoices = list(uow.session.execute(select(Invoice).where(Invoice.order_id == oid)
                                            .order_by(Invoice.issued_at, Invoice.id)).scalars())
        notes = list(uow.session.execute(select(CreditNote).where(CreditNote.order_id == oid)
                                         .order_by(CreditNote.issued_at, CreditNote.id)).scalars())
    return OrderDocuments(invoices, notes)


@dataclass(frozen=True)
class InvoiceFilter:
    order_id: str | None = None
    number: str | None = None
    status: str | None = None
    issued_from: datetime | None = None
    issued_to: datetime | None = None


def _filtered(f: InvoiceFilter) -> Select[Invoice]:
    stmt = select(Invoice)
    if f.order_id:
        try:
            stmt = stmt.where(Invoice.order_id == uuid.UUID(f.order_id))
        except ValueError as exc:  # a filter that cannot match is bad input, not a missing order
            raise ValidationFailed(f"'{f.order_id}' is not an order id", field="order_id") from exc
    if f.number:
        stmt = stmt.where(Invoice.number == f.number.strip())
    if f.status:
        stmt = stmt.where(Invoice.status == f.status)
    if f.issued_from:
        stmt = stmt.where(Invoice.issued_at >= f.issued_from)
    if f.issued_to:
        stmt = stmt.where(Invoice.issued_at < f.issued_to)
    return stmt


def list_invoices(uow: UnitOfWork, f: InvoiceFilter, *, cursor: str | None = None,
                  limit: int = 50) -> Page[Invoice]:
    """Invoices newest first, filtered, one keyset page at a time."""
    stmt = newest_first(_filtered(f), Invoice.issued_at, Invoice.id, cursor=cursor, limit=limit)
    with uow:
        rows = list(uow.session.execute(stmt).scalars())
    return newest_first_page(rows, limit, lambda i: (i.issued_at, i.id))
