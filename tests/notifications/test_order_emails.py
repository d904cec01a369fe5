"""The customer's emails over a real SMTP server: placing, paying (auto-invoice), shipping and delivering an
order sends exactly the expected emails, once each, with the signed link, the tracking link and the invoice PDF."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from orderworks.core.relay import EventDelivery
from orderworks.core.signing import order_id_from_token
from orderworks.invoicing.service.queries import order_documents
from orderworks.invoicing.service.settings import update_invoice_settings
from orderworks.notifications.models import EmailMessage
from orderworks.notifications.queries import emails_for_order
from orderworks.orders.service.placement import place_order
from orderworks.payments.gateways.test import TestGateway
from orderworks.payments.service.authorize import authorize_payment
from tests.builders import STAFF, order_cmd
from tests.notifications.conftest import BASE_URL, SECRET, body, emit, relay
from tests.payments.cards import card

TRACKING_URL = "https://track.example.com/1Z999AA10123456784"


def shipped_payload(order, *, remaining=()):  # type: ignore[no-untyped-def]
    return {"order_id": str(order.id), "number": order.number, "shipment_id": "shp-1", "carrier": "ups",
            "tracking_numbers": ["1Z999AA10123456784"], "tracking_url": TRACKING_URL,
            "lines": [{"sku": "RED-CHAIR", "name": "Red chair", "quantity": 2}], "remaining": list(remaining)}


def delivered_payload(order):  # type: ignore[no-untyped-def]
    return {"order_id": str(order.id), "number": order.number, "shipment_id": "shp-1",
            "delivered_at": "2026-12-03T14:30:00+00:00"}


def test_placing_paying_shipping_and_delivering_sends_each_email_once(shop, inbox, new_uow, factory,
                                                                      tmp_path) -> None:  # type: ignore[no-untyped-def]
    update_invoice_settings(new_uow(), {"auto_invoice": True})
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 2)), actor=STAFF)
    relay(factory)
    authorize_payment(new_uow(), TestGateway(tmp_path / "gateway.db"), order.id, card=card(), actor=STAFF,
                      capture=True)
    relay(factory)  # PaymentCaptured -> invoice issued -> InvoiceIssued -> invoice email
    emit(new_uow, "ShipmentShipped", shipped_payload(order))
    emit(new_uow, "ShipmentDelivered", delivered_payload(order))
    relay(factory)
    relay(factory)  # nothing is due again

    [inv] = order_documents(new_uow(), order.id).invoices
    assert inbox.subjects() == [f"Order {order.number} confirmed", f"Invoice {inv.number} for order {order.number}",
                                f"Order {order.number} has shipped", f"Order {order.number} was delivered"]
    confirmation, invoice, shipped, delivered = inbox.messages
    for message in inbox.messages:
        assert message["To"] == "ada@example.com"
        assert message["From"].addresses[0].addr_spec == "orders@shop.example.com"
        assert message.get_content_type() in ("multipart/alternative", "multipart/mixed")
        text, html = body(message), body(message, "html")
        token = text.split(f"{BASE_URL}/track/")[1].split()[0].split("#")[0]
        assert order_id_from_token(SECRET, token) == str(order.id)  # the signed customer link
        assert f"{BASE_URL}/track/{token}" in html
        assert "Chairs & Co" in text and "Chairs &amp; Co" in html  # the store in the footer
    assert "$110.47" in body(confirmation) and "2 x Red chair" in body(confirmation)
    assert TRACKING_URL in body(shipped) and "1Z999AA10123456784" in body(shipped) and "UPS" in body(shipped)
    assert "Ships later" not in body(shipped)
    assert "#feedback" in body(delivered) and "December 3, 2026" in body(delivered)

    [pdf] = [part for part in invoice.iter_attachments()]
    assert (pdf.get_content_type(), pdf.get_filename()) == ("application/pdf", f"{inv.number}.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_content())).pages)
    assert inv.number in text and order.number in text and "110.47" in text

    with new_uow() as uow:
        rows = emails_for_order(uow.session, order.id)
    assert [(r.kind, r.status, r.to) for r in rows] == [
        ("order_confirmation", "sent", "ada@example.com"), ("invoice", "sent", "ada@example.com"),
        ("shipped", "sent", "ada@example.com"), ("delivered", "sent", "ada@example.com")]
    assert [r.message_id for r in rows] == [str(m["Message-ID"]) for m in inbox.messages]


def test_a_shipment_email_says_what_ships_later(shop, inbox, new_uow, factory) -> None:  # type: ignore[no-untyped-def]
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 3)), actor=STAFF)
    emit(new_uow, "ShipmentShipped", shipped_payload(order, remaining=[{"sku": "RED-CHAIR", "name": "Red chair",
                                                                        "quantity": 1}]))
    relay(factory)
    shipped = inbox.messages[-1]
    assert shipped["Subject"] == f"Order {order.number} has shipped"
    text = body(shipped)
    assert "Part of your order" in text and "Ships later:\n1 x Red chair (RED-CHAIR)" in text


def test_a_redelivered_event_sends_nothing_twice(shop, inbox, new_uow, factory) -> None:  # type: ignore[no-untyped-def]
    order = place_order(new_uow(), order_cmd(), actor=STAFF)
    relay(factory)
    assert len(inbox.messages) == 1
    # The relay hands the event over again (its delivery row lost, as after a crash before it was recorded).
    with new_uow() as uow:
        for row in uow.session.execute(select(EventDelivery)).scalars():
            uow.session.delete(row)
        uow.session.execute(EventDelivery.__table__.update().values(status="retrying"))
        from orderworks.core.outbox import OutboxEvent

        uow.session.execute(OutboxEvent.__table__.update().values(status="pending"))
        uow.commit()
    relay(factory)
    assert len(inbox.messages) == 1
    with new_uow() as uow:
        assert len(list(uow.session.execute(select(EmailMessage)).scalars())) == 1
    assert order.number in inbox.messages[0]["Subject"]
