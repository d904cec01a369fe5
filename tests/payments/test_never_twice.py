"""Never twice (DESIGN rule 4): racing captures, retried requests and a process that dies between the gateway call
and the commit never capture twice; reconcile finishes what a crash or a timeout left in flight, once."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from orderworks.core.clock import now
from orderworks.core.errors import DomainError, IdempotencyKeyInUse
from orderworks.orders.models import Order, OrderHistory
from orderworks.payments.gateways.test import TestGateway
from orderworks.payments.models import Payment, PaymentTransaction
from orderworks.payments.service.authorize import authorize_payment
from orderworks.payments.service.capture import capture_payment
from orderworks.payments.service.claims import RequestKey
from orderworks.payments.service.errors import GatewayTimedOut
from orderworks.payments.service.reconcile import reconcile_payments
from tests.builders import STAFF
from tests.payments import cards
from tests.payments.cards import card

LATER = timedelta(minutes=10)


class SlowGateway(TestGateway):
    """The test gateway taking its time over a capture, so that racing requests really overlap."""

    __test__ = False

    def capture(self, **kw):  # type: ignore[no-untyped-def,override]
        time.sleep(0.05)
        return super().capture(**kw)


class DiesAfterTheCall(TestGateway):
    """The process dies right after the gateway captured, before our commit (BaseException: nothing catches it)."""

    __test__ = False

    def capture(self, **kw):  # type: ignore[no-untyped-def,override]
        super().capture(**kw)
        raise SystemExit("killed after the gateway call")


def _authorized(new_uow, gateway, order) -> uuid.UUID:  # type: ignore[no-untyped-def]
    return authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF).payment.id


def _race(new_uow, gateway, pid: uuid.UUID, keys: list[RequestKey | None]) -> list[str]:  # type: ignore[no-untyped-def]
    def attempt(key: RequestKey | None) -> str:
        try:
            out = capture_payment(new_uow(), gateway, pid, actor=STAFF, request=key)
            return "replayed" if out.replayed else "captured"
        except DomainError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=20) as pool:
        return list(pool.map(attempt, keys))


@pytest.mark.parametrize("same_key", [True, False], ids=["same-key", "no-key"])
def test_twenty_concurrent_captures_of_one_authorization_capture_once(order, new_uow, tmp_path,
                                                                      same_key) -> None:  # type: ignore[no-untyped-def]
    gateway = SlowGateway(tmp_path / "slow.db")
    pid = _authorized(new_uow, gateway, order)
    key = RequestKey("staff-1", "capture-1", "fingerprint")
    outcomes = _race(new_uow, gateway, pid, [key if same_key else None] * 20)

    assert outcomes.count("captured") == 1
    allowed = {"captured", "replayed", "idempotency_key_in_use"} if same_key else {
        "captured", "payment_in_progress", "invalid_transition"}
    assert set(outcomes) <= allowed
    assert [op["amount"] for op in gateway.operations("capture")] == [11047]  # the network's own books
    assert gateway.charge(_reference(new_uow, pid))["captured"] == 11047
    uow = new_uow()
    with uow:
        captures = uow.session.execute(select(PaymentTransaction).where(PaymentTransaction.kind == "capture")).all()
        assert len(captures) == 1
        assert uow.session.get(Order, order.id).payment_status == "paid"


def _reference(new_uow, pid: uuid.UUID) -> str:  # type: ignore[no-untyped-def]
    uow = new_uow()
    with uow:
        return str(uow.session.execute(select(Payment.gateway_reference).where(Payment.id == pid)).scalar_one())


def test_a_process_dying_after_the_gateway_call_is_finished_once_by_reconcile(order, new_uow, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "network.db"
    pid = _authorized(new_uow, TestGateway(path), order)
    key = RequestKey("staff-1", "capture-after-crash", "fingerprint")
    with pytest.raises(SystemExit):
        capture_payment(new_uow(), DiesAfterTheCall(path), pid, actor=STAFF, request=key)

    gateway = TestGateway(path)  # a new process: same network
    uow = new_uow()
    with uow:
        assert uow.session.get(Payment, pid).status == "authorized"  # our side never heard back
        assert uow.session.execute(select(PaymentTransaction.status).where(
            PaymentTransaction.kind == "capture")).scalar_one() == "processing"
    with pytest.raises(IdempotencyKeyInUse):  # the client's retry does not capture again
        capture_payment(new_uow(), gateway, pid, actor=STAFF, request=key)
    assert reconcile_payments(new_uow(), gateway, now=now()).finished == []  # within the grace period

    report = reconcile_payments(new_uow(), gateway, now=now() + LATER)
    assert len(report.finished) == 1
    assert reconcile_payments(new_uow(), gateway, now=now() + LATER).finished == []  # once
    retried = capture_payment(new_uow(), gateway, pid, actor=STAFF, request=key)
    assert retried.replayed and retried.payment.status == "captured"
    assert [op["amount"] for op in gateway.operations("capture")] == [11047]
    uow = new_uow()
    with uow:
        assert uow.session.get(Order, order.id).payment_status == "paid"
        [entry] = uow.session.execute(select(OrderHistory).where(OrderHistory.action == "payment_captured")).scalars()
        assert entry.actor_name == "Sam Staff (via reconcile)"


@pytest.mark.parametrize(("number", "finished", "status", "decline_code", "calls"), [
    (cards.TIMEOUT_AFTER_CHARGE, 1, "authorized", None, 1),  # the network charged: the payment is finished
    (cards.TIMEOUT_BEFORE_CHARGE, 0, "failed", "not_received", 0),  # it never heard of it: failed, no charge
], ids=["timeout-after-the-charge", "timeout-before-the-charge"])
def test_reconcile_settles_an_authorization_that_timed_out(order, new_uow, gateway, number, finished, status,
                                                           decline_code, calls) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(GatewayTimedOut):
        authorize_payment(new_uow(), gateway, order.id, card=card(number), actor=STAFF)
    report = reconcile_payments(new_uow(), gateway, now=now() + LATER)
    assert (len(report.finished), len(report.failed)) == (finished, 1 - finished)
    uow = new_uow()
    with uow:
        p = uow.session.execute(select(Payment)).scalar_one()
        assert (p.status, p.decline_code) == (status, decline_code)
        assert uow.session.get(Order, order.id).payment_status == status
    assert len(gateway.operations("authorize")) == calls


def test_the_same_capture_request_twice_in_a_row_replays_without_calling_the_gateway(order, new_uow,
                                                                                     gateway) -> None:  # type: ignore[no-untyped-def]
    pid = _authorized(new_uow, gateway, order)
    key = RequestKey("staff-1", "k", "fingerprint")
    first = capture_payment(new_uow(), gateway, pid, actor=STAFF, request=key, amount=1000)
    again = capture_payment(new_uow(), gateway, pid, actor=STAFF, request=key, amount=1000)
    assert (first.replayed, again.replayed) == (False, True)
    assert again.transaction.id == first.transaction.id
    assert len(gateway.operations("capture")) == 1


KILLED_AFTER_THE_CALL = """
import os, sys
from orderworks.core.db import make_engine, make_session_factory
from orderworks.core.uow import UnitOfWork
from orderworks.migrations import registry
from orderworks.payments.gateways.test import TestGateway
from orderworks.payments.service.capture import capture_payment
from tests.builders import STAFF

class Killed(TestGateway):
    def capture(self, **kw):
        super().capture(**kw)
        os._exit(9)  # the process dies at once: no exception handler, no rollback, no commit

url, path, payment_id = sys.argv[1:4]
capture_payment(UnitOfWork(make_session_factory(make_engine(url))), Killed(path), payment_id, actor=STAFF)
"""


def test_a_process_killed_after_the_gateway_call_is_finished_once_by_reconcile(engine, order, new_uow,
                                                                               gateway) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    pid = _authorized(new_uow, gateway, order)
    url = engine.url.render_as_string(hide_password=False)
    died = subprocess.run([sys.executable, "-c", KILLED_AFTER_THE_CALL, url, str(gateway.path), str(pid)],
                          capture_output=True, text=True, timeout=60)
    assert died.returncode == 9, died.stderr
    assert [op["amount"] for op in gateway.operations("capture")] == [11047]  # the network captured

    report = reconcile_payments(new_uow(), gateway, now=now() + LATER)
    assert len(report.finished) == 1
    uow = new_uow()
    with uow:
        assert uow.session.get(Payment, pid).status == "captured"
        assert uow.session.get(Order, order.id).payment_status == "paid"
    assert [op["amount"] for op in gateway.operations("capture")] == [11047]  # still once
