"""Issuing a credit note: money given back against an invoice, in its own gapless series."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from orderworks.core.actor import Actor
from orderworks.core.clock import now
from orderworks.core.errors import ValidationFailed
from orderworks.core.ids import new_id
from orderworks.core.money import to_decimal_string
from orderworks.core.store import get_store
from orderworks.core.uow import UnitOfWork
from orderworks.invoicing import rules
from orderworks.invoicing.events import CreditNoteIssued
from orderworks.invoicing.models import CreditNote, Invoice
from orderworks.invoicing.numbering import DocumentKind, take_number
from orderworks.invoicing.rules import CreditExceedsInvoice, RefundReferenceReused, TaxLine
from orderworks.invoicing.service.invoices import issue_in_transaction
from orderworks.invoicing.snapshot import CreditLine, credit_note_snapshot
from orderworks.orders import history
from orderworks.orders.service.loading import order_for_update


def issue_credit_note(uow: UnitOfWork, order_id: str | uuid.UUID, *, amount: int, reason: str, actor: Actor,
                      lines: Sequence[CreditLine] | None = None,
                      refund_reference: str | None = None) -> CreditNote:
    """Credit `amount` (minor units, tax included) against the order's invoice, for a refund or a correction.

    A credit note needs an invoice to credit: an order that has none gets its invoice issued first, in the same
    transaction (so every refund of a placed order has its credit note). Never more than the invoice total minus
    earlier credit notes (409 credit_exceeds_invoice). With `lines`, the credit is per line (units and amount,
    tax at each line's rate); without, it is spread over the invoice's tax rates. Idempotent on
    `refund_reference`: the same refund again returns its credit note.
    """
    _check_request(amount, reason, lines, refund_reference)
    with uow:
        order = order_for_update(uow.session, order_id)
        existing = _for_refund(uow, refund_reference, order_id=order.id, amount=amount)
        if existing is not None:
            return existing
        invoice = issue_in_transaction(uow, order, actor=actor)
        earlier = list(uow.session.execute(
            select(CreditNote).where(CreditNote.invoice_id == invoice.id).order_by(CreditNote.issued_at)).scalars())
        left = rules.creditable(invoice.total, sum(c.total for c in earlier))
        if amount > left:
            money = lambda v: f"{to_decimal_string(v, invoice.currency)} {invoice.currency}"
            raise CreditExceedsInvoice(
                f"Invoice {invoice.number} has {money(left)} left to credit; {money(amount)} asked", field="amount",
                details={"invoice_number": invoice.number, "creditable": to_decimal_string(left, invoice.currency)})
        printed, taxes = _credit(invoice, earlier, amount, lines)
        note = _write(uow, invoice, actor=actor, reason=reason.strip(),
                      refund_reference=refund_reference, lines=printed, taxes=taxes)
        history.record(uow.session, order, actor=actor, action="credit_note_issued", note=note.number,
                       data={"credit_note_id": str(note.id), "invoice": invoice.number, "total": note.total})
        uow.outbox.add(CreditNoteIssued(
            credit_note_id=str(note.id), invoice_id=str(invoice.id), order_id=str(order.id), number=note.number,
            invoice_number=invoice.number, currency=note.currency, total=note.total,
            refund_reference=refund_reference, customer_email=order.customer_email))
        uow.commit()
    return note


def _check_request(amount: int, reason: str, lines: Sequence[CreditLine] | None, ref: str | None) -> None:
    if amount <= 0:
        raise ValidationFailed("A credit note credits a positive amount", field="amount")
    if not reason.strip():
        raise ValidationFailed("Say why the amount is credited", field="reason")
    if ref is not None and not 1 <= len(ref) <= 128:
        raise ValidationFailed("refund_reference is 1 to 128 characters", field="refund_reference")
    if lines is None:
        return
    if not lines:
        raise ValidationFailed("Give at least one line, or no lines to credit an amount", field="lines")
    for i, line in enumerate(lines):
        if line.quantity < 1:
            raise ValidationFailed("Credit at least one unit", field=f"lines[{i}].quantity")
        if line.amount <= 0:
            raise ValidationFailed("A credited line has a positive amount", field=f"lines[{i}].amount")
    if len({line.line_id for line in lines}) != len(lines):
        raise ValidationFailed("Each invoice line appears once", field="lines")
    if sum(line.amount for line in lines) != amount:
        raise ValidationFailed("The amount is the sum of the credited lines", field="amount")


def _for_refund(uow: UnitOfWork, ref: str | None, *, order_id: uuid.UUID, amount: int) -> CreditNote | None:
    if ref is None:
        return None
    note = uow.session.execute(select(CreditNote).where(CreditNote.refund_reference == ref)).scalar_one_or_none()
    if note is not None and (note.order_id != order_id or note.total != amount):
        raise RefundReferenceReused(f"Refund '{ref}' already has credit note {note.number} for another amount "
                                    "or order", field="refund_reference", details={"credit_note": note.number})
    return note


def _credit(invoice: Invoice, earlier: list[CreditNote], amount: int,
            lines: Sequence[CreditLine] | None) -> tuple[list[dict[str, Any]], list[TaxLine]]:
    """What the credit note prints line by line, and its tax per rate."""
    if lines is None:
        invoiced = [TaxLine(t["rate_ppm"], t["net"], t["tax"]) for t in invoice.snapshot["tax_lines"]]
        return [], rules.split_credit(amount, invoiced)
    by_id = {x["line_id"]: x for x in invoice.snapshot["lines"]}
    printed = []
    for i, line in enumerate(lines):
        invoiced_line = by_id.get(line.line_id)
        if invoiced_line is None:
            raise ValidationFailed(f"Invoice {invoice.number} has no line '{line.line_id}'",
                                   field=f"lines[{i}].line_id")
        _check_line_left(invoiced_line, line, earlier, index=i, currency=invoice.currency)
        rate = invoiced_line["tax_rate_ppm"]
        printed.append({"line_id": line.line_id, "sku": invoiced_line["sku"], "name": invoiced_line["name"],
                        "quantity": line.quantity, "amount": line.amount, "tax_rate_ppm": rate,
                        "tax": rules.tax_in_gross(line.amount, rate)})
    return printed, rules.credit_by_rate([(x["amount"], x["tax_rate_ppm"]) for x in printed])


def _check_line_left(invoiced: dict[str, Any], line: CreditLine, earlier: list[CreditNote], *, index: int,
                     currency: str) -> None:
    before = [x for c in earlier for x in c.snapshot["lines"] if x["line_id"] == line.line_id]
    units_left = invoiced["quantity"] - sum(x["quantity"] for x in before)
    amount_left = invoiced["total"] - sum(x["amount"] for x in before)
    if line.quantity > units_left:
        raise CreditExceedsInvoice(f"{invoiced['sku']}: {units_left} unit(s) left to credit, {line.quantity} asked",
                                   field=f"lines[{index}].quantity", details={"creditable_units": units_left})
    if line.amount > amount_left:
        left = to_decimal_string(amount_left, currency)
        raise CreditExceedsInvoice(f"{invoiced['sku']}: {left} {currency} left to credit on this line",
                                   field=f"lines[{index}].amount", details={"creditable": left})


def _write(uow: UnitOfWork, invoice: Invoice, *, actor: Actor, reason: str,
           refund_reference: str | None, lines: list[dict[str, Any]], taxes: list[TaxLine]) -> CreditNote:
    store = get_store(uow.session)
    issued_at = now()
    number = take_number(uow.session, store, DocumentKind.CREDIT_NOTE, at=issued_at)  # last: holds the lock
    snapshot = credit_note_snapshot(invoice.snapshot, number=number, issued_at=issued_at, store=store,
                                    reason=reason, refund_reference=refund_reference, lines=lines, taxes=taxes)
    note = CreditNote(id=new_id(), invoice_id=invoice.id, order_id=invoice.order_id, number=number,
                      currency=invoice.currency, total=snapshot["totals"]["total"],
                      tax_total=snapshot["totals"]["tax"], reason=reason, refund_reference=refund_reference,
                      snapshot=snapshot, issued_at=issued_at, issued_by=actor.name)
    uow.session.add(note)
    uow.session.flush()
    return note
