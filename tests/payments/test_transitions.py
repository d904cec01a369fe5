"""The payment status table: every allowed move happens through a use case and writes its history entry; every
other move is refused with 409 and writes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from orderworks.core.errors import InvalidTransition
from orderworks.orders.models import OrderHistory
from orderworks.payments.models import PaymentTransaction
from orderworks.payments.rules import PAYMENT_TRANSITIONS, PaymentState
from orderworks.payments.service.authorize import authorize_payment
from orderworks.payments.service.capture import capture_payment, void_payment
from orderworks.payments.service.errors import CardDeclined, GatewayTimedOut, PaymentInProgress
from orderworks.payments.service.refund import refund_payment
from tests.builders import STAFF
from tests.payments import cards
from tests.payments.cards import card

S = PaymentState


def test_every_move_of_the_table_happens_and_is_in_the_order_history(place, new_uow, gateway) -> None:  # type: ignore[no-untyped-def]
    def auth(**kw: object) -> str:
        return str(authorize_payment(new_uow(), gateway, place().id, card=card(), actor=STAFF, **kw).payment.id)

    def cap(pid: str, amount: int | None = None) -> None:
        capture_payment(new_uow(), gateway, pid, actor=STAFF, amount=amount)

    def ref(pid: str, amount: int | None = None) -> None:
        refund_payment(new_uow(), gateway, pid, actor=STAFF, reason="test", amount=amount)

    a = auth()
    cap(a, 1000), cap(a, 1000), ref(a, 500), ref(a, 500), ref(a)  # pc, pc, pr, pr, refunded
    b = auth()
    cap(b, 1000), ref(b)  # partially captured -> refunded
    c = auth()
    cap(c, 1000), cap(c), ref(c)  # partially captured -> captured -> refunded
    d = auth()
    cap(d), ref(d, 100)  # authorized -> captured -> partially refunded
    void_payment(new_uow(), gateway, auth(), actor=STAFF, reason="customer changed their mind")
    auth(capture=True)  # pending -> captured in one call
    with pytest.raises(CardDeclined):
        authorize_payment(new_uow(), gateway, place().id, card=card(cards.GENERIC_DECLINE), actor=STAFF)

    uow = new_uow()
    with uow:
        moves = set(uow.session.execute(select(OrderHistory.from_status, OrderHistory.to_status)
                                        .where(OrderHistory.action.like("payment_%"))).all())
    table = {(str(f), str(t)) for f in S for t in PAYMENT_TRANSITIONS.targets(f)}
    assert moves == table


def _authorized(new_uow, gateway, order) -> str:  # type: ignore[no-untyped-def]
    return str(authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF).payment.id)


def _build(state: S) -> Callable[..., str]:
    def build(new_uow, gateway, order) -> str:  # type: ignore[no-untyped-def]
        if state == S.FAILED:
            with pytest.raises(CardDeclined) as declined:
                authorize_payment(new_uow(), gateway, order.id, card=card(cards.GENERIC_DECLINE), actor=STAFF)
            return str(declined.value.details["payment_id"])
        if state == S.PENDING:
            with pytest.raises(GatewayTimedOut):
                authorize_payment(new_uow(), gateway, order.id, card=card(cards.TIMEOUT_AFTER_CHARGE), actor=STAFF)
            uow = new_uow()
            with uow:
                return str(uow.session.execute(select(PaymentTransaction.payment_id)).scalar_one())
        pid = _authorized(new_uow, gateway, order)
        steps = {S.AUTHORIZED: [], S.PARTIALLY_CAPTURED: [("capture", 1000)], S.CAPTURED: [("capture", None)],
                 S.PARTIALLY_REFUNDED: [("capture", None), ("refund", 1000)],
                 S.REFUNDED: [("capture", None), ("refund", None)], S.VOIDED: [("void", None)]}[state]
        for action, amount in steps:
            _act(new_uow, gateway, pid, action, amount)
        return pid
    return build


def _act(new_uow, gateway, pid: str, action: str, amount: int | None) -> None:  # type: ignore[no-untyped-def]
    if action == "capture":
        capture_payment(new_uow(), gateway, pid, actor=STAFF, amount=amount)
    elif action == "void":
        void_payment(new_uow(), gateway, pid, actor=STAFF)
    else:
        refund_payment(new_uow(), gateway, pid, actor=STAFF, reason="test", amount=amount)


ALLOWED = {(S.AUTHORIZED, "capture"), (S.AUTHORIZED, "void"), (S.PARTIALLY_CAPTURED, "capture"),
           (S.PARTIALLY_CAPTURED, "refund"), (S.CAPTURED, "refund"), (S.PARTIALLY_REFUNDED, "refund")}
REFUSED = [(s, a) for s in S for a in ("capture", "void", "refund") if (s, a) not in ALLOWED]


@pytest.mark.parametrize(("state", "action"), REFUSED, ids=[f"{s}-{a}" for s, a in REFUSED])
def test_a_move_the_table_forbids_is_refused_with_409_and_writes_nothing(order, new_uow, gateway, state,
                                                                         action) -> None:  # type: ignore[no-untyped-def]
    pid = _build(state)(new_uow, gateway, order)
    uow = new_uow()
    with uow:
        rows_before = uow.session.execute(select(func.count()).select_from(PaymentTransaction)).scalar()
    calls_before = len(gateway.operations())
    expected = PaymentInProgress if state == S.PENDING else InvalidTransition  # pending: its claim is in flight
    with pytest.raises(expected) as refused:
        _act(new_uow, gateway, pid, action, 100 if action != "void" else None)
    assert refused.value.status == 409
    if expected is InvalidTransition:
        assert refused.value.details["from"] == state
    uow = new_uow()
    with uow:
        assert uow.session.execute(select(func.count()).select_from(PaymentTransaction)).scalar() == rows_before
    assert len(gateway.operations()) == calls_before


@pytest.mark.parametrize(("state", "action"), sorted(ALLOWED), ids=[f"{s}-{a}" for s, a in sorted(ALLOWED)])
def test_a_move_the_table_allows_goes_through(order, new_uow, gateway, state, action) -> None:  # type: ignore[no-untyped-def]
    pid = _build(state)(new_uow, gateway, order)
    _act(new_uow, gateway, pid, action, 100 if action != "void" else None)
    uow = new_uow()
    with uow:
        kinds = list(uow.session.execute(select(PaymentTransaction.kind, PaymentTransaction.status)
                                         .order_by(PaymentTransaction.created_at)).all())
    assert kinds[-1] == (action, "succeeded")
