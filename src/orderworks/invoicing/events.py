"""Events the invoicing area emits, for the notifications issue ("send a copy to the customer") and accounting."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InvoiceIssued:
    invoice_id: str
    order_id: str
    number: str
    order_number: str
    status: str
    currency: str
    total: int
    customer_email: str


@dataclass(frozen=True)
class InvoicePaid:
    invoice_id: str
    order_id: str
    number: str


@dataclass(frozen=True)
class InvoiceVoided:
    invoice_id: str
    order_id: str
    number: str
    reason: str


@dataclass(frozen=True)
class CreditNoteIssued:
    credit_note_id: str
    invoice_id: str
    order_id: str
    number: str
    invoice_number: str
    currency: str
    total: int
    refund_reference: str | None
    customer_email: str


@dataclass(frozen=True)
class InvoiceResent:
    """Staff asked for an invoice to be emailed to the customer again (the invoice email, a second time)."""

    invoice_id: str
    order_id: str
    number: str
    order_number: str
    customer_email: str
