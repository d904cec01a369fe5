"""Issuing, paying and voiding invoices. Each public function is one use case in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from orderworks.core.actor import Actor
from orderworks.core.clock import now
from orderworks.core.errors import ValidationFailed
from orderworks.core.ids import new_id
from orderworks.core.store import get_store
from orderworks.core.uow import UnitOfWork
from orderworks.invoicing import rules
from orderworks.invoicing.events import InvoiceIssued, InvoicePaid, InvoiceResent, InvoiceVoided
from orderworks.invoicing.models import Invoice
from orderworks.invoicing.numbering import DocumentKind, take_number
from orderworks.invoicing.rules import InvoiceIsVoid, InvoiceStatus, OrderNotInvoiceable
from orderworks.invoicing.service.loading import credited_total, invoice_for_update, live_invoice
from orderworks.invoicing.snapshot import PaymentLine, invoice_snapshot
from orderworks.orders import history
from orderworks.orders.models import Order
from orderworks.orders.rules.status import PaymentStatus
from orderworks.orders.service.loading import order_for_update, parse_order_id

# Money taken and kept (even if later refunded: the refund is a credit note, the invoice was paid).
PAID_STATUSES = frozenset({PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED})


def issue_invoice(uow: UnitOfWork, order_id: str | uuid.UUID, *, actor: Actor,
                  payments: Sequence[PaymentLine] = ()) -> Invoice:
    """Issue the order's invoice: the next number of this year's series and a frozen copy of the sale.

    Idempotent per order: an order has at most one live (not void) invoice, and a second call returns that
    invoice unchanged (whatever `payments` it is given). Refused (409 order_not_invoiceable) for a draft or a
    canceled order. An order that is already paid gets an invoice issued as paid.
    """
    _check_payments(payments)
    with uow:
        order = order_for_update(uow.session, order_id)
        invoice = live_invoice(uow.session, order.id) or _issue(uow, order, actor=actor, payments=payments)
        uow.commit()
    return invoice


def invoice_on_capture(uow: UnitOfWork, order_id: str | uuid.UUID, *, actor: Actor,
                       payments: Sequence[PaymentLine] = ()) -> Invoice | None:
    """For the payment-captured subscriber: issue the invoice when the store invoices on capture, else None."""
    with uow:
        if not get_store(uow.session).auto_invoice:
            return None
        invoice = issue_invoice(uow, order_id, actor=actor, payments=payments)
        uow.commit()  # the nested use case's commit waits for this, the outermost block
    return invoice


def _check_payments(payments: Sequence[PaymentLine]) -> None:
    for i, p in enumerate(payments):
        if p.amount <= 0:
            raise ValidationFailed("A payment on an invoice is a positive amount", field=f"payments[{i}].amount")
        if p.captured_at.tzinfo is None:
            raise ValidationFailed("Give the capture time with its time zone", field=f"payments[{i}].captured_at")


def issue_in_transaction(uow: UnitOfWork, order: Order, *, actor: Actor) -> Invoice:
    """The order's live invoice, issued now if it has none (inside the caller's transaction, order locked)."""
    return live_invoice(uow.session, order.id, for_update=True) or _issue(uow, order, actor=actor, payments=())


def issue_with_payments(uow: UnitOfWork, order: Order, *, actor: Actor, payments: Sequence[PaymentLine]) -> Invoice:
    """A new invoice for an order that has no live one (inside the caller's transaction, order locked)."""
    return _issue(uow, order, actor=actor, payments=payments)


def _issue(uow: UnitOfWork, order: Order, *, actor: Actor, payments: Sequence[PaymentLine]) -> Invoice:
    if not rules.can_invoice(order.status):
        raise OrderNotInvoiceable(f"Order {order.number} is {order.status}: only a placed order is invoiced",
                                  field="order_id", details={"order_status": order.status})
    store = get_store(uow.session)
    issued_at = now()
    number = take_number(uow.session, store, DocumentKind.INVOICE, at=issued_at)  # last: holds the series lock
    paid = order.payment_status in PAID_STATUSES
    invoice = Invoice(
        id=new_id(), order_id=order.id, number=number, currency=order.currency, total=order.total,
        tax_total=order.tax_total, issued_at=issued_at, issued_by=actor.name,
        status=InvoiceStatus.PAID if paid else InvoiceStatus.ISSUED, paid_at=issued_at if paid else None,
        snapshot=invoice_snapshot(store, order, number=number, issued_at=issued_at, payments=payments),
    )
    uow.session.add(invoice)
    uow.session.flush()
    history.record(uow.session, order, actor=actor, action="invoice_issued", note=number,
                   data={"invoice_id": str(invoice.id), "number": number, "total": invoice.total})
    uow.outbox.add(InvoiceIssued(invoice_id=str(invoice.id), order_id=str(order.id), number=number,
                                 order_number=order.number, status=invoice.status, currency=invoice.currency,
                                 total=invoice.total, customer_email=order.customer_email))
    if paid:
        uow.outbox.add(InvoicePaid(invoice_id=str(invoice.id), order_id=str(order.id), number=number))
    return invoice


def mark_invoice_paid(uow: UnitOfWork, invoice_id: str | uuid.UUID | None = None, *,
                      order_id: str | uuid.UUID | None = None, actor: Actor,
                      paid_at: datetime | None = None) -> Invoice | None:
    """Mark an invoice paid, by its id or by its order (for the order-paid subscriber).

    Idempotent: an invoice already paid is returned as it is. By order, an order with no live invoice returns
    None (its invoice, when issued, is issued as paid). A void invoice is refused (409 invalid_transition).
    """
    if (invoice_id is None) == (order_id is None):
        raise ValidationFailed("Give an invoice id or an order id", field="invoice_id")
    with uow:
        found = _locked(uow.session, invoice_id, order_id)
        if found is None:
            return None
        order, invoice = found
        if invoice.status != InvoiceStatus.PAID:
            rules.mark_paid(invoice)
            invoice.paid_at = paid_at or now()
            history.record(uow.session, order, actor=actor, action="invoice_paid", note=invoice.number,
                           data={"invoice_id": str(invoice.id)})
            uow.outbox.add(InvoicePaid(invoice_id=str(invoice.id), order_id=str(order.id), number=invoice.number))
        uow.commit()
    return invoice


def _locked(session: Session, invoice_id: str | uuid.UUID | None,
            order_id: str | uuid.UUID | None) -> tuple[Order, Invoice] | None:
    if invoice_id is not None:
        return invoice_for_update(session, invoice_id)
    order = order_for_update(session, parse_order_id(order_id))  # type: ignore[arg-type]
    invoice = live_invoice(session, order.id, for_update=True)
    return (order, invoice) if invoice is not None else None


def void_invoice(uow: UnitOfWork, invoice_id: str | uuid.UUID, *, actor: Actor, reason: str) -> Invoice:
    """Void an unpaid invoice issued by mistake. Its number stays used (the series has no gap); the order may
    then be invoiced again. A paid or credited invoice is refused (409): correct it with a credit note."""
    if not reason.strip():
        raise ValidationFailed("Say why the invoice is voided", field="reason")
    with uow:
        order, invoice = invoice_for_update(uow.session, invoice_id)
        void_in_transaction(uow, order, invoice, actor=actor, reason=reason.strip(),
                            credited=credited_total(uow.session, invoice.id))
        uow.commit()
    return invoice


def void_in_transaction(uow: UnitOfWork, order: Order, invoice: Invoice, *, actor: Actor, reason: str,
                        credited: int) -> None:
    """Void `invoice` inside the caller's transaction (order and invoice locked), with its history and event."""
    rules.void(invoice, credited=credited)
    invoice.voided_at = now()
    invoice.void_reason = reason
    uow.session.flush()  # written before any corrected invoice becomes the order's live one
    history.record(uow.session, order, actor=actor, action="invoice_voided", note=reason,
                   data={"invoice_id": str(invoice.id), "number": invoice.number})
    uow.outbox.add(InvoiceVoided(invoice_id=str(invoice.id), order_id=str(order.id), number=invoice.number,
                                 reason=reason))


def resend_invoice(uow: UnitOfWork, invoice_id: str | uuid.UUID, *, actor: Actor) -> Invoice:
    """Email the invoice to the customer again (the notifications area sends it, PDF attached, once per request).
    A void invoice is refused (409 invoice_void)."""
    with uow:
        order, invoice = invoice_for_update(uow.session, invoice_id)
        if invoice.status == InvoiceStatus.VOID:
            raise InvoiceIsVoid(f"Invoice {invoice.number} is void: it is not sent again", field="invoice_id")
        history.record(uow.session, order, actor=actor, action="invoice_resent",
                       data={"invoice_id": str(invoice.id), "number": invoice.number})
        uow.outbox.add(InvoiceResent(invoice_id=str(invoice.id), order_id=str(order.id), number=invoice.number,
                                     order_number=order.number, customer_email=order.customer_email))
        uow.commit()
    return invoice
