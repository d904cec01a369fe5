"""The order page and its actions through HTTP: what it shows, which buttons each state and role gets, and that
each button changes the order through its use case."""

from __future__ import annotations

from sqlalchemy import select

from orderworks.orders.models import Order, OrderHistory
from orderworks.payments.models import Payment
from tests.builders import STAFF

HX = {"hx-request": "true"}


def _payment_id(factory, order):  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.execute(select(Payment.id).where(Payment.order_id == order.id)).scalar_one()


def test_the_page_shows_the_order_with_balance_due_and_its_timeline(staff_client, placed):
    order = placed()
    page = staff_client("owner").get(f"/admin/orders/{order.id}")
    assert page.status_code == 200
    text = page.text
    assert f"Order #{order.number}" in text and "Ada Lovelace" in text and "RED-CHAIR" in text
    assert 'id="payment-status">Balance due<' in text
    assert "$110.47" in text and "Mountain View" in text
    assert 'data-action="placed"' in text and "Sam Staff" in text  # who placed it
    assert "Charge a card" in text and "Record offline payment" in text and "Capture $" not in text


def test_capture_takes_the_money_and_the_page_says_paid(staff_client, authorized, factory, gateway):
    order = authorized()
    client = staff_client("finance")
    page = client.get(f"/admin/orders/{order.id}").text
    assert 'id="payment-status">Authorized<' in page and "Capture $110.47" in page
    response = client.post(f"/admin/orders/{order.id}/payments/{_payment_id(factory, order)}/capture", headers=HX)
    assert response.status_code == 200
    assert 'id="payment-status">Paid<' in response.text and "Captured $110.47" in response.text
    with factory() as session:
        assert session.get(Order, order.id).payment_status == "paid"
        entry = session.execute(select(OrderHistory).where(OrderHistory.order_id == order.id)
                                .order_by(OrderHistory.created_at.desc())).scalars().first()
    assert entry.actor_name == "Finance" and entry.actor_kind == "staff"
    assert len(gateway.operations("capture")) == 1


def test_a_role_that_may_not_refund_sees_no_refund_button_and_is_refused(staff_client, authorized, factory):
    order = authorized()
    owner = staff_client("owner")
    payment_id = _payment_id(factory, order)
    owner.post(f"/admin/orders/{order.id}/payments/{payment_id}/capture", headers=HX)
    assert ">Refund</summary>" in owner.get(f"/admin/orders/{order.id}").text
    clerk = staff_client("fulfillment")
    page = clerk.get(f"/admin/orders/{order.id}").text
    assert ">Refund</summary>" not in page and "Capture $" not in page
    refused = clerk.post(f"/admin/orders/{order.id}/payments/{payment_id}/refund",
                         data={"reason": "try anyway"}, headers=HX)
    assert refused.status_code == 403
    with factory() as session:
        assert session.get(Payment, payment_id).refunded == 0


def test_refund_by_finance(staff_client, authorized, factory):
    order = authorized()
    client = staff_client("finance")
    payment_id = _payment_id(factory, order)
    client.post(f"/admin/orders/{order.id}/payments/{payment_id}/capture", headers=HX)
    response = client.post(f"/admin/orders/{order.id}/payments/{payment_id}/refund",
                           data={"reason": "damaged", "amount": "10.47"}, headers=HX)
    assert response.status_code == 200 and "Refunded $10.47" in response.text
    assert 'id="payment-status">Partially refunded<' in response.text


def test_a_refused_action_answers_its_status_with_the_message(staff_client, authorized, factory):
    order = authorized()
    client = staff_client("owner")
    payment_id = _payment_id(factory, order)
    client.post(f"/admin/orders/{order.id}/payments/{payment_id}/capture", headers=HX)
    again = client.post(f"/admin/orders/{order.id}/payments/{payment_id}/capture", headers=HX)
    assert again.status_code == 409 and again.headers["hx-retarget"] == "#flashes"
    assert "flash-error" in again.text


def test_hold_release_and_cancel(staff_client, placed, factory):
    order = placed()
    client = staff_client("customer_service")
    held = client.post(f"/admin/orders/{order.id}/hold", headers={**HX, "hx-prompt": "address check"})
    assert 'id="order-status">On hold<' in held.text and "address check" in held.text
    released = client.post(f"/admin/orders/{order.id}/release", headers=HX)
    assert 'id="order-status">Open<' in released.text
    canceled = client.post(f"/admin/orders/{order.id}/cancel", data={"reason": "customer asked"}, headers=HX)
    assert 'id="order-status">Canceled<' in canceled.text and "Cancel order" not in canceled.text
    with factory() as session:
        assert session.get(Order, order.id).cancel_reason == "customer asked"


def test_record_offline_payment_and_note(staff_client, placed):
    order = placed()
    client = staff_client("owner")
    paid = client.post(f"/admin/orders/{order.id}/payments/offline",
                       data={"method": "check", "reference": "CHK-1009"}, headers=HX)
    assert 'id="payment-status">Paid<' in paid.text and "CHK-1009" in paid.text
    noted = client.post(f"/admin/orders/{order.id}/notes", data={"body": "Called the customer"}, headers=HX)
    assert "Called the customer" in noted.text


def test_charge_a_card_and_a_decline(staff_client, placed, gateway):
    order = placed()
    client = staff_client("owner")
    declined = client.post(f"/admin/orders/{order.id}/payments/card",
                           data={"number": "4000000000000002", "expiry": "12/34", "cvc": "123"}, headers=HX)
    assert declined.status_code == 200 and "flash-error" in declined.text and "Failed" in declined.text
    charged = client.post(f"/admin/orders/{order.id}/payments/card",
                          data={"number": "4242 4242 4242 4242", "expiry": "12/34", "cvc": "123",
                                "capture_now": "true"}, headers=HX)
    assert "Charged $110.47" in charged.text and 'id="payment-status">Paid<' in charged.text


def test_reorder_opens_a_draft(staff_client, placed, factory):
    order = placed()
    client = staff_client("owner")
    response = client.post(f"/admin/orders/{order.id}/reorder", headers=HX)
    assert response.status_code == 204
    draft_url = response.headers["hx-location"]
    draft = client.get(draft_url).text
    assert 'id="order-status">Draft<' in draft and "Place order" in draft
    placed_draft = client.post(f"{draft_url}/place", headers=HX)
    assert 'id="order-status">Open<' in placed_draft.text


def test_an_unknown_order_is_a_404_page(staff_client):
    response = staff_client("owner").get("/admin/orders/00000000-0000-7000-8000-000000000000")
    assert response.status_code == 404 and "Not found" in response.text


def test_edit_before_payment_changes_the_order_and_a_stale_form_is_refused(staff_client, placed, factory):
    order = placed()
    client = staff_client("customer_service")
    form = client.get(f"/admin/orders/{order.id}/edit")
    assert form.status_code == 200 and 'name="version" value="1"' in form.text
    data = {"version": "1", "sku": ["RED-CHAIR", ""], "quantity": ["3", "1"], "customer_name": "Ada King",
            "customer_email": "ada@example.com", "shipping_method": "standard",
            "ship_name": "Ada King", "ship_line1": "1600 Amphitheatre Pkwy", "ship_city": "Mountain View",
            "ship_region": "CA", "ship_postal_code": "94043", "ship_country": "US"}
    saved = client.post(f"/admin/orders/{order.id}/edit", data=data, headers=HX)
    assert saved.status_code == 204 and saved.headers["hx-location"] == f"/admin/orders/{order.id}"
    page = client.get(f"/admin/orders/{order.id}").text
    assert "is updated" in page and "Ada King" in page and 'data-action="edited"' in page
    with factory() as session:
        assert session.get(Order, order.id).items_total == 3 * 4900
    stale = client.post(f"/admin/orders/{order.id}/edit", data=data, headers=HX)
    assert stale.status_code == 409


def test_edit_is_not_offered_once_paid(staff_client, placed):
    order = placed()
    client = staff_client("owner")
    assert f'href="/admin/orders/{order.id}/edit"' in client.get(f"/admin/orders/{order.id}").text
    client.post(f"/admin/orders/{order.id}/payments/offline", data={"method": "cash"}, headers=HX)
    assert f'href="/admin/orders/{order.id}/edit"' not in client.get(f"/admin/orders/{order.id}").text


def test_resend_an_invoice_from_the_order_page(staff_client, placed, new_uow, factory):
    from sqlalchemy import select

    from orderworks.core.outbox import OutboxEvent
    from orderworks.invoicing.service import issue_invoice, void_invoice

    order = placed()
    invoice = issue_invoice(new_uow(), order.id, actor=STAFF)
    client = staff_client("customer_service")
    page = client.get(f"/admin/orders/{order.id}").text
    assert f'hx-post="/admin/orders/{order.id}/invoices/{invoice.id}/resend"' in page
    sent = client.post(f"/admin/orders/{order.id}/invoices/{invoice.id}/resend", headers=HX)
    assert sent.status_code == 200 and f"Invoice {invoice.number} will be emailed to the customer again" in sent.text
    with factory() as session:
        resent = session.execute(select(OutboxEvent).where(OutboxEvent.type == "InvoiceResent")).scalars().all()
        assert [e.payload["invoice_id"] for e in resent] == [str(invoice.id)]
    void_invoice(new_uow(), invoice.id, actor=STAFF, reason="wrong address")
    assert "/resend" not in client.get(f"/admin/orders/{order.id}").text  # a void invoice offers no Resend
    refused = client.post(f"/admin/orders/{order.id}/invoices/{invoice.id}/resend", headers=HX)
    assert refused.status_code == 409


def test_the_customers_feedback_shows_on_the_order_page(staff_client, placed, new_uow, factory):
    from orderworks.storefront.service import leave_feedback

    order = placed()
    client = staff_client("customer_service")
    assert 'id="feedback"' not in client.get(f"/admin/orders/{order.id}").text
    with factory() as session:  # delivered (the fulfilment flow is tested elsewhere): the customer may rate it
        session.get(Order, order.id).fulfillment_status = "delivered"
        session.commit()
    leave_feedback(new_uow(), order.id, rating="4", comment="Sturdy chairs, <b>slow</b> courier")
    page = client.get(f"/admin/orders/{order.id}").text
    assert 'aria-label="4 out of 5"' in page and "4/5" in page
    assert "Sturdy chairs, &lt;b&gt;slow&lt;/b&gt; courier" in page  # the customer's words, escaped
