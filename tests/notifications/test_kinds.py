"""Every other email, each from the event that causes it: payment declined (with what to do), canceled (by a
person, and by the unpaid-order rule), refunded, backordered; and the staff notifications."""

from __future__ import annotations

import pytest

from orderworks.core.uow import UnitOfWork
from orderworks.notifications.service import update_notification_settings
from orderworks.orders.service.lifecycle import cancel_order, hold_order
from orderworks.orders.service.placement import place_order
from orderworks.payments.gateways.test import TestGateway
from orderworks.payments.service.authorize import authorize_payment
from orderworks.payments.service.errors import CardDeclined
from orderworks.payments.service.refund import refund_payment
from tests.builders import STAFF, order_cmd
from tests.notifications.conftest import body, emit, relay
from tests.payments.cards import EXPIRED, INSUFFICIENT_FUNDS, card


def _to(inbox, address):  # type: ignore[no-untyped-def]
    return [m for m in inbox.messages if m["To"] == address]


def test_a_declined_card_tells_the_customer_what_to_do_and_staff_what_failed(shop, inbox, new_uow, factory,
                                                                             tmp_path) -> None:  # type: ignore[no-untyped-def]
    order = place_order(new_uow(), order_cmd(), actor=STAFF)
    with pytest.raises(CardDeclined):
        authorize_payment(new_uow(), TestGateway(tmp_path / "gw.db"), order.id, card=card(INSUFFICIENT_FUNDS),
                          actor=STAFF)
    relay(factory)
    [_, declined] = _to(inbox, "ada@example.com")
    assert declined["Subject"] == f"Payment for order {order.number} was declined"
    text = body(declined)
    assert "insufficient funds" in text and "Pay with another card" in text and "$57.91" in text
    [staff] = _to(inbox, "staff@shop.example.com")
    assert staff["Subject"] == f"[Chairs & Co] Payment failed on order {order.number}"
    assert "insufficient_funds" in body(staff) and "/admin/orders/" in body(staff)
    assert "/track/" not in body(staff)  # the customer's link is the customer's


def test_an_expired_card_is_told_to_check_the_card(shop, inbox, new_uow, factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    order = place_order(new_uow(), order_cmd(), actor=STAFF)
    with pytest.raises(CardDeclined):
        authorize_payment(new_uow(), TestGateway(tmp_path / "gw.db"), order.id, card=card(EXPIRED), actor=STAFF)
    relay(factory)
    declined = _to(inbox, "ada@example.com")[-1]
    assert "Check the card number, expiry date and security code" in body(declined)


def test_canceled_by_a_person_and_by_the_unpaid_order_rule(shop, inbox, new_uow, factory) -> None:  # type: ignore[no-untyped-def]
    by_hand = place_order(new_uow(), order_cmd(), actor=STAFF)
    unpaid = place_order(new_uow(), order_cmd(email="bob@example.com"), actor=STAFF)
    cancel_order(new_uow(), by_hand.id, actor=STAFF, reason="customer asked")
    cancel_order(new_uow(), unpaid.id, actor=STAFF, reason="unpaid after 60 minutes")
    relay(factory)
    [_, canceled] = _to(inbox, "ada@example.com")
    assert canceled["Subject"] == f"Order {by_hand.number} was canceled"
    assert "(customer asked)" in body(canceled)
    [_, timed_out] = _to(inbox, "bob@example.com")
    assert "did not receive its payment in time" in body(timed_out) and "Nothing was charged" in body(timed_out)


def test_a_refund_tells_the_customer_how_much(shop, inbox, new_uow, factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    gateway = TestGateway(tmp_path / "gw.db")
    order = place_order(new_uow(), order_cmd(), actor=STAFF)
    paid = authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF, capture=True)
    refund_payment(new_uow(), gateway, paid.payment.id, actor=STAFF, reason="goodwill", amount=500)
    relay(factory)
    [refunded] = [m for m in _to(inbox, "ada@example.com") if m["Subject"].startswith("Refund")]
    assert refunded["Subject"] == f"Refund of $5.00 for order {order.number}"
    assert "(goodwill)" in body(refunded) and "(your card)" in body(refunded)


def test_a_backorder_tells_the_customer_and_staff(shop, inbox, new_uow, factory) -> None:  # type: ignore[no-untyped-def]
    order = place_order(new_uow(), order_cmd(), actor=STAFF)
    emit(new_uow, "OrderBackordered", {"order_id": str(order.id), "number": order.number,
                                       "lines": [{"sku": "RED-CHAIR", "name": "Red chair", "quantity": 1}]})
    relay(factory)
    customer = _to(inbox, "ada@example.com")[-1]
    assert customer["Subject"] == f"Items of order {order.number} are on backorder"
    assert "1 x Red chair (RED-CHAIR)" in body(customer)
    [staff] = _to(inbox, "staff@shop.example.com")
    assert staff["Subject"] == f"[Chairs & Co] Backorder on order {order.number}"


def test_an_order_held_for_review_and_a_disabled_webhook_endpoint_tell_staff(shop, inbox, new_uow,
                                                                             factory) -> None:  # type: ignore[no-untyped-def]
    order = place_order(new_uow(), order_cmd(), actor=STAFF)
    hold_order(new_uow(), order.id, actor=STAFF, reason="address does not match the card")
    emit(new_uow, "WebhookEndpointDisabled", {"endpoint_id": "wh-1", "url": "https://erp.example.com/hook",
                                              "reason": "8 failed deliveries in a row"})
    relay(factory)
    held, webhook = _to(inbox, "staff@shop.example.com")
    assert held["Subject"] == f"[Chairs & Co] Order {order.number} needs review"
    assert "address does not match the card" in body(held) and "$57.91" in body(held)
    assert webhook["Subject"] == "[Chairs & Co] Webhook endpoint disabled"
    assert "https://erp.example.com/hook" in body(webhook) and "8 failed deliveries" in body(webhook)
    assert held.get_body(preferencelist=("html",)) is not None  # multipart/alternative for staff too


def test_staff_emails_can_be_switched_off(shop, inbox, new_uow: UnitOfWork, factory) -> None:  # type: ignore[no-untyped-def]
    update_notification_settings(new_uow(), {"staff_notifications": False})
    order = place_order(new_uow(), order_cmd(), actor=STAFF)
    hold_order(new_uow(), order.id, actor=STAFF, reason="review")
    relay(factory)
    assert _to(inbox, "staff@shop.example.com") == []
    assert len(_to(inbox, "ada@example.com")) == 1


def test_digital_goods_reach_the_customer_with_their_links_and_keys(shop, inbox, new_uow, factory) -> None:  # type: ignore[no-untyped-def]
    order = place_order(new_uow(), order_cmd(), actor=STAFF)
    emit(new_uow, "DigitalGoodsDelivered", {"order_id": str(order.id), "number": order.number, "items": [
        {"sku": "EBOOK", "name": "Chair care e-book", "download_url": "https://dl.example.com/abc",
         "licence_key": "KEY-1234"}]})
    relay(factory)
    digital = _to(inbox, "ada@example.com")[-1]
    assert digital["Subject"] == f"Your downloads for order {order.number}"
    assert "https://dl.example.com/abc" in body(digital) and "KEY-1234" in body(digital, "html")


def test_the_customer_hears_of_out_for_delivery_and_of_a_delivery_problem_only(shop, inbox, new_uow,
                                                                              factory) -> None:  # type: ignore[no-untyped-def]
    order = place_order(new_uow(), order_cmd(), actor=STAFF)
    base = {"order_id": str(order.id), "number": order.number, "shipment_id": "shp-1"}
    emit(new_uow, "ShipmentTrackingUpdated", {**base, "tracking_status": "in_transit", "previous": "pre_transit"})
    emit(new_uow, "ShipmentTrackingUpdated", {**base, "tracking_status": "out_for_delivery", "previous": "in_transit"})
    emit(new_uow, "ShipmentTrackingUpdated", {**base, "tracking_status": "exception", "previous": "out_for_delivery",
                                              "description": "Address not found"})
    relay(factory)
    subjects = [m["Subject"] for m in _to(inbox, "ada@example.com")][1:]
    assert subjects == [f"Order {order.number} arrives today",
                        f"A problem with the delivery of order {order.number}"]
    assert "Address not found" in body(_to(inbox, "ada@example.com")[-1])
