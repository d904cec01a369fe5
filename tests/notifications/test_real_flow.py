"""The whole order through the real areas (fulfilment merged): placed, paid by card with auto-invoice, shipped
with a tracking number and delivered, with a real SMTP server; each customer email arrives exactly once."""

from __future__ import annotations

import io

from pypdf import PdfReader

from orderworks.fulfillment.service.queries import shipments_for_order
from orderworks.fulfillment.service.shipping import deliver_shipment, ship_shipment
from orderworks.invoicing.service.queries import order_documents
from orderworks.invoicing.service.settings import update_invoice_settings
from orderworks.notifications.queries import emails_for_order
from orderworks.orders.service.placement import place_order
from orderworks.payments.gateways.test import TestGateway
from orderworks.payments.service.authorize import authorize_payment
from tests.builders import STAFF, order_cmd
from tests.notifications.conftest import BASE_URL, body, relay
from tests.payments.cards import card

UPS = "1Z999AA10123456784"


def _shipments(new_uow, order):  # type: ignore[no-untyped-def]
    uow = new_uow()
    with uow:
        return shipments_for_order(uow, order.id)


def test_the_real_flow_sends_confirmation_invoice_shipped_and_delivered_once_each(shop, inbox, new_uow, factory,
                                                                                 tmp_path) -> None:  # type: ignore[no-untyped-def]
    update_invoice_settings(new_uow(), {"auto_invoice": True})
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 2)), actor=STAFF)
    relay(factory)
    authorize_payment(new_uow(), TestGateway(tmp_path / "gw.db"), order.id, card=card(), actor=STAFF, capture=True)
    relay(factory)
    [ready] = _shipments(new_uow, order)
    ship_shipment(new_uow(), ready.shipment.id, carrier="ups", tracking_numbers=[UPS], actor=STAFF)
    relay(factory)
    deliver_shipment(new_uow(), ready.shipment.id, actor=STAFF)
    relay(factory)
    relay(factory)

    [invoice_row] = order_documents(new_uow(), order.id).invoices
    assert inbox.subjects() == [f"Order {order.number} confirmed",
                                f"Invoice {invoice_row.number} for order {order.number}",
                                f"Order {order.number} has shipped", f"Order {order.number} was delivered"]
    assert all(m["To"] == "ada@example.com" for m in inbox.messages)
    assert all(f"{BASE_URL}/track/" in body(m) for m in inbox.messages)
    shipped = body(inbox.messages[2])
    assert UPS in shipped and "UPS" in shipped and "2 x Red chair" in shipped and "Ships later" not in shipped
    assert "ups.com" in shipped  # the carrier's tracking page
    [pdf] = list(inbox.messages[1].iter_attachments())
    assert invoice_row.number in PdfReader(io.BytesIO(pdf.get_content())).pages[0].extract_text()

    with new_uow() as uow:
        kinds = [(e.kind, e.status) for e in emails_for_order(uow.session, order.id)]
    assert kinds == [("order_confirmation", "sent"), ("invoice", "sent"), ("shipped", "sent"), ("delivered", "sent")]
