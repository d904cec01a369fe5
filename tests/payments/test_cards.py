"""Every test card of the test gateway does what docs/payments.md says; card numbers are checked and never kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from orderworks.core.errors import ValidationFailed
from orderworks.core.outbox import OutboxEvent
from orderworks.orders.models import Order, OrderHistory
from orderworks.payments.models import Payment, PaymentTransaction
from orderworks.payments.service.authorize import authorize_payment
from orderworks.payments.service.errors import CardDeclined, GatewayTimedOut
from tests.builders import STAFF
from tests.payments import cards
from tests.payments.cards import card

APPROVED = [  # number, brand, AVS, CVV
    (cards.APPROVE, "visa", "Y", "M"),
    ("5555555555554444", "mastercard", "Y", "M"),
    (cards.CVC_CHECK_FAILS, "visa", "Y", "N"),
    (cards.AVS_MISMATCH, "visa", "N", "M"),
]
DECLINED = [
    (cards.GENERIC_DECLINE, "generic_decline", "Your card was declined."),
    (cards.INSUFFICIENT_FUNDS, "insufficient_funds", "Your card has insufficient funds."),
    (cards.EXPIRED, "expired_card", "Your card has expired."),
    (cards.INCORRECT_CVC, "incorrect_cvc", "Your card's security code is incorrect."),
]


@pytest.mark.parametrize(("number", "brand", "avs", "cvv"), APPROVED)
def test_approving_cards_authorize_with_their_avs_and_cvv_results(order, uow, gateway, number, brand, avs,
                                                                   cvv) -> None:  # type: ignore[no-untyped-def]
    out = authorize_payment(uow, gateway, order.id, card=card(number), actor=STAFF)
    p = out.payment
    assert (p.status, p.card_brand, p.card_last4, p.avs_result, p.cvv_result) == ("authorized", brand, number[-4:],
                                                                                 avs, cvv)
    assert p.amount == order.total == 11047
    assert gateway.charge(p.gateway_reference) == {"authorized": 11047, "captured": 0, "refunded": 0, "voided": 0}


def test_an_amex_card_takes_a_four_digit_cvc(order, uow, gateway) -> None:  # type: ignore[no-untyped-def]
    out = authorize_payment(uow, gateway, order.id, card=card("378282246310005", cvc="1234"), actor=STAFF)
    assert (out.payment.status, out.payment.card_brand) == ("authorized", "amex")


@pytest.mark.parametrize(("number", "code", "message"), DECLINED)
def test_declining_cards_fail_the_payment_and_the_order_with_the_reason(order, new_uow, gateway, number, code,
                                                                        message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CardDeclined) as declined:
        authorize_payment(new_uow(), gateway, order.id, card=card(number), actor=STAFF)
    assert declined.value.status == 402
    assert declined.value.details["decline_code"] == code
    assert message in declined.value.message
    uow = new_uow()
    with uow:
        p = uow.session.execute(select(Payment)).scalar_one()
        assert (p.status, p.decline_code, p.message) == ("failed", code, message)
        assert uow.session.get(Order, order.id).payment_status == "failed"
        entry = uow.session.execute(select(OrderHistory).where(OrderHistory.action == "payment_declined")).scalar_one()
        assert (entry.from_status, entry.to_status, entry.note) == ("pending", "failed", message)
        event = uow.session.execute(select(OutboxEvent).where(OutboxEvent.type == "PaymentFailed")).scalar_one()
        assert event.payload["decline_code"] == code and event.payload["number"] == order.number
    assert gateway.operations("authorize") == [{"kind": "authorize", "reference": None, "amount": 11047,
                                                "approved": False}]


def test_timeout_after_the_charge_leaves_the_claim_processing_and_the_card_charged(order, new_uow,
                                                                                   gateway) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(GatewayTimedOut) as timed_out:
        authorize_payment(new_uow(), gateway, order.id, card=card(cards.TIMEOUT_AFTER_CHARGE), actor=STAFF)
    assert timed_out.value.status == 504
    uow = new_uow()
    with uow:
        p = uow.session.execute(select(Payment)).scalar_one()
        txn = uow.session.execute(select(PaymentTransaction)).scalar_one()
    assert (p.status, txn.status) == ("pending", "processing")
    assert [op["approved"] for op in gateway.operations("authorize")] == [True]


def test_timeout_before_the_charge_leaves_the_claim_processing_and_nothing_charged(order, new_uow,
                                                                                   gateway) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(GatewayTimedOut):
        authorize_payment(new_uow(), gateway, order.id, card=card(cards.TIMEOUT_BEFORE_CHARGE), actor=STAFF)
    uow = new_uow()
    with uow:
        assert uow.session.execute(select(PaymentTransaction.status)).scalar_one() == "processing"
    assert gateway.operations() == []


@pytest.mark.parametrize(("number", "month", "year", "cvc", "field"), [
    ("4242424242424241", 12, 2034, "123", "card.number"),  # Luhn
    ("4242-4242-4242-424x", 12, 2034, "123", "card.number"),
    ("4242424242424242", 1, 2020, "123", "card.exp_year"),  # expired
    ("4242424242424242", 13, 2034, "123", "card.exp_month"),
    ("4242424242424242", 12, 2034, "12", "card.cvc"),
    ("378282246310005", 12, 2034, "123", "card.cvc"),  # amex has four
])
def test_a_bad_card_is_refused_before_anything_is_written(order, new_uow, gateway, number, month, year, cvc,
                                                          field) -> None:  # type: ignore[no-untyped-def]
    from orderworks.payments.cards import CardDetails

    with pytest.raises(ValidationFailed) as refused:
        authorize_payment(new_uow(), gateway, order.id, card=CardDetails(number, month, year, cvc), actor=STAFF)
    assert refused.value.field == field
    uow = new_uow()
    with uow:
        assert uow.session.execute(select(Payment)).first() is None
    assert gateway.operations() == []


def test_no_card_number_or_cvc_is_stored_anywhere(order, new_uow, gateway) -> None:  # type: ignore[no-untyped-def]
    authorize_payment(new_uow(), gateway, order.id, card=card(cards.APPROVE, cvc="987"), actor=STAFF)
    uow = new_uow()
    with uow:
        dumped = []
        for table in ("payments", "payment_transactions", "order_history", "outbox_events"):
            dumped += [str(row) for row in uow.session.execute(text(f"SELECT * FROM {table}"))]
    assert dumped and not any("4242424242424242" in row for row in dumped)
    assert "424242424242" not in gateway.path.read_bytes().decode("latin-1")
