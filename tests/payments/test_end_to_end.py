"""The same seller's flow against the built-in test gateway and against Stripe's API (localstripe): authorize,
partial capture, capture the rest, partial refund, void another authorization; and a crash after the gateway
call finished once by reconcile."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from orderworks.core.clock import now
from orderworks.core.errors import InvalidTransition
from orderworks.orders.models import Order
from orderworks.payments.models import PaymentTransaction
from orderworks.payments.service.authorize import authorize_payment
from orderworks.payments.service.capture import capture_payment, void_payment
from orderworks.payments.service.errors import CardDeclined
from orderworks.payments.service.reconcile import reconcile_payments
from orderworks.payments.service.refund import refund_payment
from tests.builders import STAFF
from tests.payments.cards import card

DECLINED_EVERYWHERE = "4000000000000341"  # declines on the test gateway and on localstripe


def _payment_status(new_uow, order_id) -> str:  # type: ignore[no-untyped-def]
    uow = new_uow()
    with uow:
        return str(uow.session.get(Order, order_id).payment_status)


def test_authorize_capture_in_parts_refund_and_void(place, new_uow, any_gateway) -> None:  # type: ignore[no-untyped-def]
    gateway = any_gateway
    first, second = place(), place()
    pid = authorize_payment(new_uow(), gateway, first.id, card=card(), actor=STAFF).payment.id
    assert _payment_status(new_uow, first.id) == "authorized"

    part = capture_payment(new_uow(), gateway, pid, actor=STAFF, amount=6000)
    if gateway.multiple_captures:
        assert (part.payment.status, part.payment.captured) == ("partially_captured", 6000)
        rest = capture_payment(new_uow(), gateway, pid, actor=STAFF)
        assert (rest.payment.status, rest.payment.captured) == ("captured", 11047)
        captured = 11047
    else:  # Stripe without multicapture: a partial capture releases the rest
        assert (part.payment.status, part.payment.captured) == ("captured", 6000)
        with pytest.raises(InvalidTransition):
            capture_payment(new_uow(), gateway, pid, actor=STAFF)
        captured = 6000

    refunded = refund_payment(new_uow(), gateway, pid, actor=STAFF, reason="scratched", amount=1000)
    assert (refunded.payment.status, refunded.payment.refunded) == ("partially_refunded", 1000)
    assert _payment_status(new_uow, first.id) == "partially_refunded"

    other = authorize_payment(new_uow(), gateway, second.id, card=card(), actor=STAFF).payment.id
    voided = void_payment(new_uow(), gateway, other, actor=STAFF, reason="customer canceled")
    assert voided.payment.status == "voided"
    assert _payment_status(new_uow, second.id) == "voided"

    uow = new_uow()
    with uow:
        ledger = uow.session.execute(select(PaymentTransaction.kind, PaymentTransaction.status,
                                            PaymentTransaction.amount)
                                     .where(PaymentTransaction.payment_id == pid)
                                     .order_by(PaymentTransaction.created_at)).all()
    assert sum(a for k, s, a in ledger if k == "capture" and s == "succeeded") == captured
    assert all(s == "succeeded" for _, s, _ in ledger)


def test_a_crash_after_the_capture_call_is_finished_once_by_reconcile(order, new_uow, any_gateway) -> None:  # type: ignore[no-untyped-def]
    gateway = any_gateway
    pid = authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF).payment.id
    real_capture = gateway.capture

    def dies_after(**kw):  # type: ignore[no-untyped-def]
        real_capture(**kw)
        raise SystemExit("killed after the gateway call, before our commit")

    gateway.capture = dies_after  # type: ignore[method-assign]
    with pytest.raises(SystemExit):
        capture_payment(new_uow(), gateway, pid, actor=STAFF)
    gateway.capture = real_capture  # type: ignore[method-assign]

    report = reconcile_payments(new_uow(), gateway, now=now() + timedelta(minutes=10))
    assert len(report.finished) == 1
    assert _payment_status(new_uow, order.id) == "paid"
    uow = new_uow()
    with uow:
        captures = uow.session.execute(select(PaymentTransaction.status, PaymentTransaction.amount)
                                       .where(PaymentTransaction.kind == "capture")).all()
    assert captures == [("succeeded", 11047)]


def test_a_decline_then_a_retry_with_another_card(order, new_uow, any_gateway) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CardDeclined) as declined:
        authorize_payment(new_uow(), any_gateway, order.id, card=card(DECLINED_EVERYWHERE), actor=STAFF)
    assert declined.value.details["decline_code"]
    assert _payment_status(new_uow, order.id) == "failed"
    retried = authorize_payment(new_uow(), any_gateway, order.id, card=card(), actor=STAFF, capture=True)
    assert (retried.payment.status, retried.payment.captured) == ("captured", 11047)
    assert _payment_status(new_uow, order.id) == "paid"


def test_stripe_refusing_our_key_charges_nothing_and_says_so(order, new_uow, localstripe_url) -> None:  # type: ignore[no-untyped-def]
    from orderworks.payments.gateways.stripe import StripeGateway
    from orderworks.payments.service.errors import GatewayTimedOut

    wrong_key = StripeGateway(api_key="not-a-secret-key", api_base=localstripe_url)
    with pytest.raises(GatewayTimedOut) as refused:
        authorize_payment(new_uow(), wrong_key, order.id, card=card(), actor=STAFF)
    assert "nothing was charged" in refused.value.message
    uow = new_uow()
    with uow:
        assert uow.session.execute(select(PaymentTransaction)).first() is None
