"""Invoicing use cases: issue, pay, void invoices; issue credit notes; read them back."""

from orderworks.invoicing.service.credit_notes import issue_credit_note
from orderworks.invoicing.service.invoices import (
                                                   invoice_on_capture,
                                                   issue_invoice,
                                                   mark_invoice_paid,
                                                   resend_invoice,
                                                   void_invoice,
)
from orderworks.invoicing.snapshot import CreditLine, PaymentLine

__all__ = ["CreditLine", "PaymentLine", "invoice_on_capture", "issue_credit_note", "issue_invoice",
           "mark_invoice_paid", "resend_invoice", "void_invoice"]
