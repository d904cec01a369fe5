"""Payments meet invoicing: the store's invoice on capture, a credit note for every refund, and the invoice marked
paid once the order is. Outbox subscribers (registered in orderworks/subscribers.py), so payments and invoicing
never import each other and a crash between a capture and its invoice only delays the invoice."""

from __future__ import annotations

from orderworks.core.actor import Actor, ActorKind
from orderworks.core.relay import Event
from orderworks.core.uow import UnitOfWork
from orderworks.invoicing.service.credit_notes import issue_credit_note
from orderworks.invoicing.service.invoices import PAID_STATUSES, invoice_on_capture, mark_invoice_paid
from orderworks.invoicing.snapshot import CreditLine, PaymentLine
from orderworks.payments.service.queries import payments_for_order

RULE = Actor(ActorKind.RULE, name="store rule")
CAPTURING = ("capture", "offline")


def payment_lines(uow: UnitOfWork, order_id: str) -> list[PaymentLine]:
    """What the order's payments took, one line per payment, as printed on its invoice."""
    views, _ = payments_for_order(uow, order_id)
    lines = []
    for view in views:
        p = view.payment
        taken = [t for t in view.transactions if t.status == "succeeded"
                 and (t.kind in CAPTURING or (t.kind == "authorize" and t.with_capture))]
        if p.captured <= 0 or not taken:
            continue
        card = f"{p.card_brand} {p.card_last4}" if p.card_last4 else ""
        reference = card or p.reference or p.method
        last = max(t.completed_at or t.created_at for t in taken)
        lines.append(PaymentLine(method=p.method, reference=reference, amount=p.captured, captured_at=last))
    return lines


def invoice_after_capture(uow: UnitOfWork, event: Event) -> None:
    """PaymentCaptured: issue the invoice if the store invoices on capture; mark it paid when the order is."""
    order_id = event.payload["order_id"]
    with uow:
        invoice_on_capture(uow, order_id, actor=RULE, payments=payment_lines(uow, order_id))
        if event.payload.get("order_payment_status") in PAID_STATUSES:
            mark_invoice_paid(uow, order_id=order_id, actor=RULE)
        uow.commit()


def credit_note_for_refund(uow: UnitOfWork, event: Event) -> None:
    """PaymentRefunded: a credit note for exactly what was refunded, per line when the refund was per line.
    Idempotent on the refund's transaction id, so a re-delivered event never credits twice."""
    p = event.payload
    lines = [CreditLine(line_id=str(line["line_id"]), quantity=int(line["quantity"]), amount=int(line["amount"]))
             for line in p.get("lines") or []]
    issue_credit_note(uow, p["order_id"], amount=int(p["amount"]), reason=p.get("reason") or "refund",
                      actor=RULE, lines=lines or None, refund_reference=str(p["transaction_id"]))
