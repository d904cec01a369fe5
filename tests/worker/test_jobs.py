"""The scheduled jobs: each does its work once when due, nothing before, and nothing twice when run again or by
two workers at once."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from orderworks.core.clock import now
from orderworks.core.outbox import OutboxEvent
from orderworks.core.settings import Settings
from orderworks.core.uow import UnitOfWork
from orderworks.inventory.service import stock_for_sku
from orderworks.jobs import JOBS, get_job
from orderworks.orders import pricing_setup as setup
from orderworks.orders.models import Order, OrderHistory
from orderworks.orders.service.lifecycle import hold_order
from orderworks.orders.service.placement import place_order
from orderworks.payments.gateways.test import TestGateway
from orderworks.payments.models import Payment
from orderworks.payments.service.authorize import authorize_payment
from orderworks.payments.service.errors import CardDeclined, GatewayTimedOut
from tests.builders import STAFF, basic_store, order_cmd
from tests.payments import cards
from tests.payments.cards import card


@pytest.fixture
def gateway(tmp_path: Path) -> TestGateway:
    return TestGateway(tmp_path / "gateway.db")


@pytest.fixture
def settings(engine, tmp_path: Path) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(database_url=engine.url.render_as_string(hide_password=False), var_dir=tmp_path,
                    test_gateway_path=tmp_path / "gateway.db")


@pytest.fixture
def place(new_uow: Callable[[], UnitOfWork]) -> Callable[[], Order]:
    basic_store(new_uow, stock=50)
    return lambda: place_order(new_uow(), order_cmd(("RED-CHAIR", 2)), actor=STAFF)


def _run(name: str, factory, settings: Settings, at: datetime) -> int:  # type: ignore[no-untyped-def]
    with time_machine.travel(at, tick=False):
        return get_job(name).run(factory, settings, now())


def _order(new_uow, order_id) -> Order:  # type: ignore[no-untyped-def]
    with new_uow() as uow:
        return uow.session.get(Order, order_id)


def _events(new_uow, type_: str) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    with new_uow() as uow:
        return [e.payload for e in uow.session.execute(
            select(OutboxEvent).where(OutboxEvent.type == type_).order_by(OutboxEvent.created_at)).scalars()]


def _reserved(new_uow) -> int:  # type: ignore[no-untyped-def]
    return stock_for_sku(new_uow(), "RED-CHAIR")[0].reserved


def test_an_order_left_unpaid_past_the_store_timeout_is_canceled_once(place, new_uow, factory, settings) -> None:  # type: ignore[no-untyped-def]
    setup.update_store(new_uow(), {"unpaid_order_timeout_minutes": 60})
    order = place()
    placed = now()

    assert _run("cancel-unpaid-orders", factory, settings, placed + timedelta(minutes=59)) == 0
    assert _order(new_uow, order.id).status == "pending"

    assert _run("cancel-unpaid-orders", factory, settings, placed + timedelta(minutes=61)) == 1
    canceled = _order(new_uow, order.id)
    assert (canceled.status, canceled.cancel_reason) == ("canceled", "not paid within 1 hour(s)")
    assert _reserved(new_uow) == 0  # the stock is back on sale
    assert _events(new_uow, "OrderCanceled") == [{"order_id": str(order.id), "number": order.number,
                                                   "reason": "not paid within 1 hour(s)", "released_units": 2,
                                                   "reason_code": "unpaid"}]
    with new_uow() as uow:
        entry = uow.session.execute(select(OrderHistory).where(OrderHistory.action == "canceled")).scalar_one()
    assert (entry.actor_kind, entry.actor_name) == ("rule", "unpaid order timeout")

    assert _run("cancel-unpaid-orders", factory, settings, placed + timedelta(minutes=90)) == 0  # once
    assert len(_events(new_uow, "OrderCanceled")) == 1


def test_the_unpaid_rule_leaves_paid_held_and_paying_orders_alone_and_is_off_by_default(place, new_uow, factory,
                                                                                         settings, gateway) -> None:  # type: ignore[no-untyped-def]
    unpaid = place()
    later = now() + timedelta(days=3)
    assert _run("cancel-unpaid-orders", factory, settings, later) == 0  # no timeout set: the rule is off

    setup.update_store(new_uow(), {"unpaid_order_timeout_minutes": 30})
    authorized, held, paying = place(), place(), place()
    authorize_payment(new_uow(), gateway, authorized.id, card=card(), actor=STAFF)
    hold_order(new_uow(), held.id, actor=STAFF, reason="waiting for the customer's call")
    with pytest.raises(GatewayTimedOut):  # a claim still in flight: the customer may have been charged
        authorize_payment(new_uow(), gateway, paying.id, card=card(cards.TIMEOUT_AFTER_CHARGE), actor=STAFF)

    assert _run("cancel-unpaid-orders", factory, settings, later) == 1
    assert [_order(new_uow, o.id).status for o in (unpaid, authorized, held, paying)] == [
        "canceled", "pending", "on_hold", "pending"]

    setup.update_store(new_uow(), {"unpaid_order_timeout_minutes": 0})  # 0 switches it off again
    assert _run("cancel-unpaid-orders", factory, settings, later + timedelta(days=30)) == 0


def test_two_workers_running_the_unpaid_rule_at_once_cancel_each_order_once(place, new_uow, factory,
                                                                            settings) -> None:  # type: ignore[no-untyped-def]
    setup.update_store(new_uow(), {"unpaid_order_timeout_minutes": 5})
    orders = [place() for _ in range(6)]
    at = now() + timedelta(minutes=10)
    with ThreadPoolExecutor(2) as pool:
        done = list(pool.map(lambda _: _run("cancel-unpaid-orders", factory, settings, at), range(2)))
    assert sum(done) == 6
    assert sorted(e["number"] for e in _events(new_uow, "OrderCanceled")) == sorted(o.number for o in orders)
    assert _reserved(new_uow) == 0


def test_a_stale_authorization_is_voided_once_through_the_gateway(place, new_uow, factory, settings,
                                                                   gateway) -> None:  # type: ignore[no-untyped-def]
    order = place()
    payment = authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF).payment
    authorized = now()

    assert _run("expire-authorizations", factory, settings, authorized + timedelta(days=6)) == 0
    with ThreadPoolExecutor(2) as pool:  # two workers at once, after the default 7 days
        done = list(pool.map(lambda _: _run("expire-authorizations", factory, settings,
                                            authorized + timedelta(days=7, minutes=1)), range(2)))
    assert sum(done) == 1
    assert _run("expire-authorizations", factory, settings, authorized + timedelta(days=9)) == 0

    with new_uow() as uow:
        assert uow.session.get(Payment, payment.id).status == "voided"
        entry = uow.session.execute(select(OrderHistory).where(OrderHistory.action == "payment_voided")).scalar_one()
    assert entry.actor_name == "authorization expiry"
    assert len(gateway.operations("void")) == 1  # the bank was asked once
    assert [e["payment_id"] for e in _events(new_uow, "PaymentVoided")] == [str(payment.id)]


def test_the_store_sets_how_old_an_authorization_may_get(place, new_uow, factory, settings, gateway) -> None:  # type: ignore[no-untyped-def]
    setup.update_store(new_uow(), {"authorization_expiry_days": 3})
    order = place()
    authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF)
    assert _run("expire-authorizations", factory, settings, now() + timedelta(days=2)) == 0
    assert _run("expire-authorizations", factory, settings, now() + timedelta(days=3, minutes=1)) == 1
    assert _order(new_uow, order.id).payment_status == "voided"


def test_reconcile_finishes_a_claim_a_timeout_left_in_flight(place, new_uow, factory, settings, gateway) -> None:  # type: ignore[no-untyped-def]
    order = place()
    with pytest.raises(GatewayTimedOut):
        authorize_payment(new_uow(), gateway, order.id, card=card(cards.TIMEOUT_AFTER_CHARGE), actor=STAFF)
    assert _run("reconcile-payments", factory, settings, now() + timedelta(minutes=1)) == 0  # within the grace
    assert _run("reconcile-payments", factory, settings, now() + timedelta(minutes=10)) == 1
    assert _run("reconcile-payments", factory, settings, now() + timedelta(minutes=20)) == 0
    assert _order(new_uow, order.id).payment_status == "authorized"


def test_a_declined_orders_stock_is_released_once_after_the_hold(place, new_uow, factory, settings, gateway) -> None:  # type: ignore[no-untyped-def]
    setup.update_store(new_uow(), {"declined_stock_hold_minutes": 30})
    order = place()
    with pytest.raises(CardDeclined):
        authorize_payment(new_uow(), gateway, order.id, card=card(cards.GENERIC_DECLINE), actor=STAFF)
    assert _run("release-declined-stock", factory, settings, now() + timedelta(minutes=29)) == 0
    with ThreadPoolExecutor(2) as pool:
        done = list(pool.map(lambda _: _run("release-declined-stock", factory, settings,
                                            now() + timedelta(minutes=31)), range(2)))
    assert sum(done) == 1
    assert _reserved(new_uow) == 0
    assert len(_events(new_uow, "DeclinedOrderStockReleased")) == 1


def test_the_jobs_table_is_what_the_worker_schedules(tmp_path: Path) -> None:
    from orderworks.worker import create_worker

    worker = create_worker(Settings(database_url=f"sqlite:///{tmp_path}/x.db", var_dir=tmp_path), registry={})
    names = [job.name for job in JOBS]
    assert len(set(names)) == len(names)
    # at 08:15 UTC every job is due but the two daily ones (digest 08:00, sessions 03:30); at 10:16 only the
    # every-minute webhook retries
    due = worker.huey.read_periodic(datetime(2026, 12, 1, 8, 15))
    assert sorted(task.name for task in due) == sorted(
        f"orderworks.job.{name}" for name in names
        if name not in ("failed-deliveries-digest", "delete-expired-staff-sessions"))
    assert {t.name for t in worker.huey.read_periodic(datetime(2026, 12, 1, 8, 0))} >= {
        "orderworks.job.failed-deliveries-digest"}
    assert {t.name for t in worker.huey.read_periodic(datetime(2026, 12, 1, 10, 16))} == {
        "orderworks.job.retry-webhook-deliveries"}


def test_the_worker_runs_a_job_as_its_huey_periodic_task(place, new_uow, factory, settings) -> None:  # type: ignore[no-untyped-def]
    from orderworks.worker import create_worker

    setup.update_store(new_uow(), {"unpaid_order_timeout_minutes": 5})
    order = place()
    worker = create_worker(settings, factory=factory, registry={})
    [task] = [t for t in worker.huey.read_periodic(datetime(2026, 12, 1, 10, 15))
              if t.name == "orderworks.job.cancel-unpaid-orders"]
    with time_machine.travel(now() + timedelta(minutes=10), tick=False):
        assert worker.huey.execute(task) == 1
    assert _order(new_uow, order.id).status == "canceled"
