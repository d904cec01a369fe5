"""Keeping an unpaid invoice true to its order: re-issued after an edit, voided with a cancellation.

Orders cannot know about invoices (imports go down only), so these run as subscribers of the orders' events
(orderworks/subscribers.py). A paid or credited invoice is never touched: its corrections are credit notes.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from orderworks.core.actor import Actor
from orderworks.core.store import get_store
from orderworks.core.uow import UnitOfWork
from orderworks.invoicing.models import Invoice
from orderworks.invoicing.rules import InvoiceStatus
from orderworks.invoicing.service.invoices import issue_with_payments, void_in_transaction
from orderworks.invoicing.service.loading import credited_total, live_invoice
from orderworks.invoicing.snapshot import PaymentLine, invoice_snapshot
from orderworks.orders.models import Order
from orderworks.orders.service.loading import order_for_update

# The parts of a snapshot that come from the order (not the seller, the number or the dates).
ORDER_PARTS = ("customer", "billing_address", "shipping_address", "currency", "lines", "discount", "shipping",
               "tax_lines", "totals")


def reissue_edited_invoice(uow: UnitOfWork, order_id: str | uuid.UUID, *, actor: Actor) -> Invoice | None:
    """After an order edit: an unpaid, uncredited invoice that no longer shows the order is voided and a
    corrected one issued (the next number), with the same payments. None when nothing needed re-issuing."""
    with uow:
        order = order_for_update(uow.session, order_id)
        invoice = _correctable(uow, order)
        if invoice is None or _shows(invoice, order, uow):
            return None
        void_in_transaction(uow, order, invoice, actor=actor, reason=f"order {order.number} was edited",
                            credited=0)
        payments = [PaymentLine(p["method"], p["reference"], p["amount"], datetime.fromisoformat(p["captured_at"]))
                    for p in invoice.snapshot["payments"]]
        corrected = issue_with_payments(uow, order, actor=actor, payments=payments)
        uow.commit()
    return corrected


def void_for_canceled_order(uow: UnitOfWork, order_id: str | uuid.UUID, *, actor: Actor) -> Invoice | None:
    """A canceled order's unpaid, uncredited invoice is voided. None when there was none to void."""
    with uow:
        order = order_for_update(uow.session, order_id)
        invoice = _correctable(uow, order)
        if invoice is None:
            return None
        void_in_transaction(uow, order, invoice, actor=actor, reason=f"order {order.number} was canceled",
                            credited=0)
        uow.commit()
    return invoice


def _correctable(uow: UnitOfWork, order: Order) -> Invoice | None:
    invoice = live_invoice(uow.session, order.id, for_update=True)
    if invoice is None or invoice.status != InvoiceStatus.ISSUED or credited_total(uow.session, invoice.id):
        return None
    return invoice


def _shows(invoice: Invoice, order: Order, uow: UnitOfWork) -> bool:
    fresh = invoice_snapshot(get_store(uow.session), order, number=invoice.number, issued_at=invoice.issued_at,
                             payments=())
    return all(invoice.snapshot[part] == fresh[part] for part in ORDER_PARTS)
