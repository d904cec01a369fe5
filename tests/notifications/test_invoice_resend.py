"""Staff's "Resend invoice": the customer gets the invoice email again, PDF attached, once per request; a void
invoice is refused and nothing is sent."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from orderworks.invoicing.rules import InvoiceIsVoid
from orderworks.invoicing.service import resend_invoice, void_invoice
from orderworks.invoicing.service.queries import order_documents
from orderworks.invoicing.service.settings import update_invoice_settings
from orderworks.orders.models import OrderHistory
from orderworks.orders.service.placement import place_order
from orderworks.payments.gateways.test import TestGateway
from orderworks.payments.service.authorize import authorize_payment
from tests.builders import STAFF, order_cmd
from tests.notifications.conftest import relay
from tests.payments.cards import card


def _invoiced_order(new_uow, factory, tmp_path):  # type: ignore[no-untyped-def]
    update_invoice_settings(new_uow(), {"auto_invoice": True})
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 2)), actor=STAFF)
    authorize_payment(new_uow(), TestGateway(tmp_path / "gateway.db"), order.id, card=card(), actor=STAFF,
                      capture=True)
    relay(factory)
    [invoice] = order_documents(new_uow(), order.id).invoices
    return order, invoice


def test_a_resent_invoice_reaches_the_customer_again_with_its_pdf(shop, inbox, new_uow, factory,
                                                                  tmp_path) -> None:  # type: ignore[no-untyped-def]
    order, invoice = _invoiced_order(new_uow, factory, tmp_path)
    resend_invoice(new_uow(), invoice.id, actor=STAFF)
    relay(factory)
    relay(factory)  # nothing due twice

    subject = f"Invoice {invoice.number} for order {order.number}"
    assert inbox.subjects().count(subject) == 2
    again = inbox.messages[-1]
    assert again["Subject"] == subject and again["To"] == "ada@example.com"
    [pdf] = list(again.iter_attachments())
    assert pdf.get_filename() == f"{invoice.number}.pdf" and pdf.get_content().startswith(b"%PDF")
    with new_uow() as uow:
        actions = uow.session.execute(select(OrderHistory.action).where(OrderHistory.order_id == order.id)).scalars()
        assert "invoice_resent" in list(actions)


def test_a_void_invoice_is_not_sent_again(shop, inbox, new_uow, factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    update_invoice_settings(new_uow(), {"auto_invoice": False})
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 2)), actor=STAFF)
    from orderworks.invoicing.service import issue_invoice

    invoice = issue_invoice(new_uow(), order.id, actor=STAFF)
    void_invoice(new_uow(), invoice.id, actor=STAFF, reason="wrong address")
    relay(factory)
    before = len(inbox.messages)
    with pytest.raises(InvoiceIsVoid):
        resend_invoice(new_uow(), invoice.id, actor=STAFF)
    relay(factory)
    assert len(inbox.messages) == before
