"""Taking the money the way a seller does: split tender, offline receipts, retry after a decline, per-line refunds,
the store's payment mode, the balance due, and the stock a declined order keeps for a while."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from orderworks.core.clock import now
from orderworks.core.errors import ValidationFailed
from orderworks.core.outbox import OutboxEvent
from orderworks.inventory.service import stock_for_sku
from orderworks.orders import pricing_setup
from orderworks.orders.models import Order, OrderHistory
from orderworks.payments.service.authorize import authorize_payment
from orderworks.payments.service.capture import capture_payment
from orderworks.payments.service.errors import AmountTooLarge, CardDeclined, NothingDue, RefundExceedsCaptured
from orderworks.payments.service.offline import record_offline_payment
from orderworks.payments.service.queries import payments_for_order
from orderworks.payments.service.reconcile import release_stock_of_declined_orders
from orderworks.payments.service.refund import RefundLine, refund_payment
from tests.builders import STAFF
from tests.payments import cards
from tests.payments.cards import card


def _order(uow, order_id) -> Order:  # type: ignore[no-untyped-def]
    with uow:
        return uow.session.get(Order, order_id)


def _events(uow, type_: str) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    with uow:
        return [e.payload for e in uow.session.execute(
            select(OutboxEvent).where(OutboxEvent.type == type_).order_by(OutboxEvent.created_at)).scalars()]


def test_split_tender_a_gift_of_cash_and_the_rest_on_a_card(order, new_uow, gateway) -> None:  # type: ignore[no-untyped-def]
    record_offline_payment(new_uow(), order.id, method="cash", amount=4000, actor=STAFF)
    assert _order(new_uow(), order.id).payment_status == "partially_paid"
    card_payment = authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF)
    assert card_payment.payment.amount == 11047 - 4000  # the open amount by default
    assert _order(new_uow(), order.id).payment_status == "partially_paid"
    capture_payment(new_uow(), gateway, card_payment.payment.id, actor=STAFF)
    views, balance = payments_for_order(new_uow(), order.id)
    assert [(v.payment.method, v.payment.status, v.payment.captured) for v in views] == [
        ("cash", "captured", 4000), ("card", "captured", 7047)]
    assert balance == 0
    assert _order(new_uow(), order.id).payment_status == "paid"
    with pytest.raises(NothingDue):
        record_offline_payment(new_uow(), order.id, method="cash", actor=STAFF)


def test_a_new_payment_cannot_take_more_than_is_open(order, new_uow, gateway) -> None:  # type: ignore[no-untyped-def]
    authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF, amount=10000)
    with pytest.raises(AmountTooLarge) as refused:
        record_offline_payment(new_uow(), order.id, method="check", amount=2000, reference="1042", actor=STAFF)
    assert refused.value.details == {"open_amount": 1047}


@pytest.mark.parametrize("method", ["check", "money_order", "cash", "bank_transfer", "cod"])
def test_an_offline_payment_counts_as_captured_and_announces_a_capture(order, new_uow, method) -> None:  # type: ignore[no-untyped-def]
    out = record_offline_payment(new_uow(), order.id, method=method, reference="REF-7", actor=STAFF)
    assert (out.payment.status, out.payment.captured, out.payment.reference) == ("captured", 11047, "REF-7")
    assert _order(new_uow(), order.id).payment_status == "paid"
    [event] = _events(new_uow(), "PaymentCaptured")
    assert (event["method"], event["amount"], event["offline"], event["reference"]) == (method, 11047, True, "REF-7")


def test_a_check_needs_its_number(order, new_uow) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as refused:
        record_offline_payment(new_uow(), order.id, method="check", actor=STAFF)
    assert refused.value.field == "reference"


def test_an_offline_payment_is_refunded_by_hand(order, new_uow, gateway) -> None:  # type: ignore[no-untyped-def]
    out = record_offline_payment(new_uow(), order.id, method="cash", actor=STAFF)
    refund_payment(new_uow(), gateway, out.payment.id, actor=STAFF, reason="returned", amount=1047)
    assert _order(new_uow(), order.id).payment_status == "partially_refunded"
    assert gateway.operations() == []


def test_decline_then_retry_with_another_card(order, new_uow, gateway) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CardDeclined):
        authorize_payment(new_uow(), gateway, order.id, card=card(cards.INSUFFICIENT_FUNDS), actor=STAFF)
    assert _order(new_uow(), order.id).payment_status == "failed"
    retry = authorize_payment(new_uow(), gateway, order.id, card=card(cards.APPROVE), actor=STAFF, capture=True)
    assert (retry.payment.status, retry.payment.amount) == ("captured", 11047)
    assert _order(new_uow(), order.id).payment_status == "paid"
    views, balance = payments_for_order(new_uow(), order.id)
    assert [v.payment.status for v in views] == ["failed", "captured"] and balance == 0


def test_the_store_payment_mode_decides_when_no_capture_flag_is_given(order, new_uow, gateway, place) -> None:  # type: ignore[no-untyped-def]
    held = authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF)
    pricing_setup.update_store(new_uow(), {"payment_mode": "authorize_and_capture"})
    taken = authorize_payment(new_uow(), gateway, place().id, card=card(), actor=STAFF)
    kept = authorize_payment(new_uow(), gateway, place().id, card=card(), actor=STAFF, capture=False)
    assert [held.payment.status, taken.payment.status, kept.payment.status] == ["authorized", "captured",
                                                                               "authorized"]


def test_a_per_line_refund_takes_its_amount_from_the_order_line(place, new_uow, gateway) -> None:  # type: ignore[no-untyped-def]
    order = place(3)  # 3 x 49.00 with 7.25% tax: line total 157.66
    [line] = order.lines
    out = authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF, capture=True)
    refund_payment(new_uow(), gateway, out.payment.id, actor=STAFF, reason="one chair broken",
                   lines=[RefundLine(str(line.id), 1)])
    [event] = _events(new_uow(), "PaymentRefunded")
    share = round(line.total / 3)
    assert event["amount"] == share and event["reason"] == "one chair broken"
    assert event["lines"] == [{"line_id": str(line.id), "sku": "RED-CHAIR", "quantity": 1, "amount": share}]
    refund_payment(new_uow(), gateway, out.payment.id, actor=STAFF, reason="two more",
                   lines=[RefundLine(str(line.id), 2)])
    with pytest.raises(RefundExceedsCaptured) as refused:
        refund_payment(new_uow(), gateway, out.payment.id, actor=STAFF, reason="again",
                       lines=[RefundLine(str(line.id), 1)])
    assert refused.value.field == "lines[0].quantity"
    assert gateway.charge(out.payment.gateway_reference)["refunded"] == line.total


def test_refusing_to_refund_more_than_was_captured(order, new_uow, gateway) -> None:  # type: ignore[no-untyped-def]
    out = authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF)
    capture_payment(new_uow(), gateway, out.payment.id, actor=STAFF, amount=5000)
    refund_payment(new_uow(), gateway, out.payment.id, actor=STAFF, reason="partial", amount=3000)
    with pytest.raises(RefundExceedsCaptured) as refused:
        refund_payment(new_uow(), gateway, out.payment.id, actor=STAFF, reason="too much", amount=2001)
    assert refused.value.details == {"refundable": 2000, "asked": 2001}
    assert gateway.charge(out.payment.gateway_reference)["refunded"] == 3000


def test_events_carry_what_invoicing_needs(order, new_uow, gateway) -> None:  # type: ignore[no-untyped-def]
    out = authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF)
    capture_payment(new_uow(), gateway, out.payment.id, actor=STAFF, amount=6000)
    [authorized] = _events(new_uow(), "PaymentAuthorized")
    [captured] = _events(new_uow(), "PaymentCaptured")
    common = {"order_id": str(order.id), "number": order.number, "payment_id": str(out.payment.id),
              "method": "card", "currency": "USD"}
    assert authorized.items() >= {**common, "amount": 11047, "card_brand": "visa", "card_last4": "4242"}.items()
    assert captured.items() >= {**common, "amount": 6000, "captured_total": 6000,
                                "order_payment_status": "partially_paid", "offline": False}.items()


def test_every_payment_change_is_in_the_order_history_with_who_and_why(order, new_uow, gateway) -> None:  # type: ignore[no-untyped-def]
    out = authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF)
    capture_payment(new_uow(), gateway, out.payment.id, actor=STAFF)
    refund_payment(new_uow(), gateway, out.payment.id, actor=STAFF, reason="late delivery", amount=500)
    uow = new_uow()
    with uow:
        rows = uow.session.execute(select(OrderHistory).where(OrderHistory.action.like("payment_%"))
                                   .order_by(OrderHistory.created_at)).scalars().all()
    assert [(h.action, h.from_status, h.to_status, h.actor_name) for h in rows] == [
        ("payment_authorized", "pending", "authorized", "Sam Staff"),
        ("payment_captured", "authorized", "captured", "Sam Staff"),
        ("payment_refunded", "captured", "partially_refunded", "Sam Staff")]
    assert rows[2].note == "late delivery"
    assert rows[1].data["order_payment_status"] == ["authorized", "paid"]


def test_a_declined_order_keeps_its_stock_for_the_hold_time_then_releases_it(order, new_uow, gateway) -> None:  # type: ignore[no-untyped-def]
    pricing_setup.update_store(new_uow(), {"declined_stock_hold_minutes": 30})
    with pytest.raises(CardDeclined):
        authorize_payment(new_uow(), gateway, order.id, card=card(cards.GENERIC_DECLINE), actor=STAFF)
    assert release_stock_of_declined_orders(new_uow(), now() + timedelta(minutes=29)) == []
    assert stock_for_sku(new_uow(), "RED-CHAIR")[0].reserved == 2
    assert release_stock_of_declined_orders(new_uow(), now() + timedelta(minutes=31)) == [order.number]
    assert stock_for_sku(new_uow(), "RED-CHAIR")[0].reserved == 0
    assert release_stock_of_declined_orders(new_uow(), now() + timedelta(minutes=31)) == []  # once
    assert [e["released_units"] for e in _events(new_uow(), "DeclinedOrderStockReleased")] == [2]


def test_a_paid_order_keeps_its_stock_after_an_earlier_decline(order, new_uow, gateway) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CardDeclined):
        authorize_payment(new_uow(), gateway, order.id, card=card(cards.GENERIC_DECLINE), actor=STAFF)
    authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF)
    assert release_stock_of_declined_orders(new_uow(), now() + timedelta(days=1)) == []
    assert stock_for_sku(new_uow(), "RED-CHAIR")[0].reserved == 2


def test_a_payment_waiting_for_the_gateway_holds_its_amount_against_a_second_payment(order, new_uow,
                                                                                     gateway) -> None:  # type: ignore[no-untyped-def]
    from orderworks.payments.service.errors import GatewayTimedOut

    with pytest.raises(GatewayTimedOut):
        authorize_payment(new_uow(), gateway, order.id, card=card(cards.TIMEOUT_AFTER_CHARGE), actor=STAFF)
    with pytest.raises(NothingDue):  # it may have charged the whole order: no second charge meanwhile
        authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF)
    assert _order(new_uow(), order.id).payment_status == "unpaid"
