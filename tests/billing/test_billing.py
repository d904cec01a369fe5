"""Payments and invoicing together, through the outbox relay: an invoice on capture when the store wants one,
marked paid with the order, and a credit note for every refund (per line when the refund was)."""

from __future__ import annotations

from orderworks.core.relay import relay_until_idle
from orderworks.invoicing.service.queries import order_documents
from orderworks.invoicing.service.settings import update_invoice_settings
from orderworks.payments.service.authorize import authorize_payment
from orderworks.payments.service.capture import capture_payment
from orderworks.payments.service.offline import record_offline_payment
from orderworks.payments.service.refund import RefundLine, refund_payment
from orderworks.subscribers import SUBSCRIBERS
from tests.builders import STAFF
from tests.payments.cards import card


def _documents(new_uow, order_id):  # type: ignore[no-untyped-def]
    return order_documents(new_uow(), order_id)


def test_a_capture_issues_the_invoice_as_paid_when_the_store_invoices_on_capture(order, new_uow, factory,
                                                                                  gateway) -> None:  # type: ignore[no-untyped-def]
    update_invoice_settings(new_uow(), {"auto_invoice": True})
    payment = authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF)
    relay_until_idle(factory, SUBSCRIBERS)
    assert _documents(new_uow, order.id).invoices == []  # an authorization is not a sale yet

    capture_payment(new_uow(), gateway, payment.payment.id, actor=STAFF)
    relay_until_idle(factory, SUBSCRIBERS)
    [invoice] = _documents(new_uow, order.id).invoices
    assert (invoice.status, invoice.total) == ("paid", 11047)
    [printed] = invoice.snapshot["payments"]
    assert printed["method"] == "card" and printed["amount"] == 11047 and "4242" in printed["reference"]

    relay_until_idle(factory, SUBSCRIBERS)  # nothing is due again: still one invoice
    assert len(_documents(new_uow, order.id).invoices) == 1


def test_a_partial_payment_issues_an_invoice_that_is_paid_when_the_rest_comes_in(order, new_uow, factory,
                                                                                 gateway) -> None:  # type: ignore[no-untyped-def]
    update_invoice_settings(new_uow(), {"auto_invoice": True})
    record_offline_payment(new_uow(), order.id, method="check", amount=5000, reference="1041", actor=STAFF)
    relay_until_idle(factory, SUBSCRIBERS)
    [invoice] = _documents(new_uow, order.id).invoices
    assert invoice.status == "issued"
    record_offline_payment(new_uow(), order.id, method="cash", actor=STAFF)
    relay_until_idle(factory, SUBSCRIBERS)
    [invoice] = _documents(new_uow, order.id).invoices
    assert invoice.status == "paid"


def test_without_auto_invoice_a_capture_issues_nothing(order, new_uow, factory, gateway) -> None:  # type: ignore[no-untyped-def]
    authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF, capture=True)
    relay_until_idle(factory, SUBSCRIBERS)
    assert _documents(new_uow, order.id).invoices == []


def test_every_refund_gets_its_credit_note_once(order, new_uow, factory, gateway) -> None:  # type: ignore[no-untyped-def]
    update_invoice_settings(new_uow(), {"auto_invoice": True})
    payment = authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF, capture=True)
    relay_until_idle(factory, SUBSCRIBERS)
    line_id = str(order.lines[0].id)
    refund_payment(new_uow(), gateway, payment.payment.id, actor=STAFF, reason="one chair came broken",
                   lines=[RefundLine(line_id=line_id, quantity=1)])
    refund_payment(new_uow(), gateway, payment.payment.id, actor=STAFF, reason="goodwill", amount=500)
    relay_until_idle(factory, SUBSCRIBERS)
    relay_until_idle(factory, SUBSCRIBERS)
    docs = _documents(new_uow, order.id)
    # one chair of two: half the line total, tax included (98.00 + 7.11) / 2, rounded half up
    assert [(c.total, c.reason) for c in docs.credit_notes] == [(5256, "one chair came broken"), (500, "goodwill")]
    assert docs.credit_notes[0].number != docs.credit_notes[1].number
    assert docs.credit_notes[0].snapshot["lines"][0]["quantity"] == 1


def test_a_refund_without_an_invoice_issues_the_invoice_then_credits_it(order, new_uow, factory,
                                                                        gateway) -> None:  # type: ignore[no-untyped-def]
    payment = authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF, capture=True)
    refund_payment(new_uow(), gateway, payment.payment.id, actor=STAFF, reason="canceled by phone")
    relay_until_idle(factory, SUBSCRIBERS)
    docs = _documents(new_uow, order.id)
    assert len(docs.invoices) == 1
    assert [c.total for c in docs.credit_notes] == [11047]


def test_the_order_answers_its_payments_balance_due_and_invoices(order, new_uow, factory, client) -> None:  # type: ignore[no-untyped-def]
    update_invoice_settings(new_uow(), {"auto_invoice": True})
    paid = client.post(f"/api/v1/orders/{order.id}/payments", headers={"Idempotency-Key": "cash-1"},
                       json={"method": "cash", "amount": "60.00", "reference": "till 2"})
    assert paid.status_code == 201, paid.text
    relay_until_idle(factory, SUBSCRIBERS)

    body = client.get(f"/api/v1/orders/{order.id}").json()
    assert (body["payment_status"], body["balance_due"]) == ("partially_paid", "50.47")
    assert [(p["method"], p["captured"]) for p in body["payments"]] == [("cash", "60.00")]
    [invoice] = body["invoices"]
    assert (invoice["status"], invoice["total"]) == ("issued", "110.47")
    assert body["credit_notes"] == []
    held = client.post(f"/api/v1/orders/{order.id}/hold", headers={"Idempotency-Key": "h-1"}, json={"reason": "x"})
    assert held.json()["balance_due"] == "50.47" and held.json()["invoices"][0]["number"] == invoice["number"]
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    assert {"balance_due", "payments", "invoices", "credit_notes"} <= set(schema["OrderDetailOut"]["properties"])


def test_canceling_an_order_voids_its_open_authorization_once(order, new_uow, factory, gateway,
                                                              monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from orderworks.core.settings import get_settings
    from orderworks.orders.service.lifecycle import cancel_order
    from orderworks.payments.service.queries import get_payment

    monkeypatch.setenv("ORDERWORKS_TEST_GATEWAY_PATH", str(gateway.path))  # the gateway the worker talks to
    get_settings.cache_clear()
    try:
        held = authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF)
        cancel_order(new_uow(), order.id, actor=STAFF, reason="customer changed their mind")
        relay_until_idle(factory, SUBSCRIBERS)
        assert get_payment(new_uow(), held.payment.id).payment.status == "voided"
        assert len(gateway.operations("void")) == 1  # the card network's own books

        with new_uow() as uow:  # as if the worker died after the void, before recording its delivery
            from orderworks.core.outbox import OutboxEvent
            from orderworks.core.relay import EventDelivery
            uow.session.query(EventDelivery).filter(
                EventDelivery.subscriber == "payments.void_authorizations_of_canceled_order").delete()
            uow.session.query(OutboxEvent).filter(OutboxEvent.type == "OrderCanceled").update(
                {"status": "pending"})
            uow.commit()
        relay_until_idle(factory, SUBSCRIBERS)
        assert len(gateway.operations("void")) == 1
    finally:
        get_settings.cache_clear()


def test_canceling_an_order_leaves_captured_money_for_staff_to_refund(order, new_uow, factory, gateway,
                                                                      monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from orderworks.core.settings import get_settings
    from orderworks.orders.service.lifecycle import cancel_order

    monkeypatch.setenv("ORDERWORKS_TEST_GATEWAY_PATH", str(gateway.path))
    get_settings.cache_clear()
    try:
        authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF, capture=True)
        cancel_order(new_uow(), order.id, actor=STAFF, reason="out of stock after all")
        relay_until_idle(factory, SUBSCRIBERS)
        assert gateway.operations("void") == []
        assert gateway.operations("refund") == []
    finally:
        get_settings.cache_clear()
