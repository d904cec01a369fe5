"""The scheduled jobs: the feedback request the store's number of days after delivery, and the staff digest of
parked deliveries, each sent once however often (and on however many workers) the job runs."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from orderworks.core.outbox import OutboxEvent
from orderworks.core.relay import EventDelivery
from orderworks.core.settings import get_settings
from orderworks.notifications.feedback import send_due_feedback_requests
from orderworks.notifications.models import FeedbackRequest
from orderworks.notifications.service import update_notification_settings
from orderworks.notifications.staff import send_failed_deliveries_digest
from orderworks.orders.service.placement import place_order
from tests.builders import STAFF, order_cmd
from tests.notifications.conftest import body, emit, relay

DELIVERED = datetime(2026, 12, 3, 14, 30, tzinfo=UTC)


def _deliver(new_uow, order, at=DELIVERED, shipment="shp-1"):  # type: ignore[no-untyped-def]
    emit(new_uow, "ShipmentDelivered", {"order_id": str(order.id), "number": order.number, "shipment_id": shipment,
                                        "delivered_at": at.isoformat()})


def test_the_feedback_request_goes_out_the_stores_number_of_days_after_delivery(shop, inbox, new_uow,
                                                                               factory) -> None:  # type: ignore[no-untyped-def]
    update_notification_settings(new_uow(), {"feedback_request_days": 5})
    order = place_order(new_uow(), order_cmd(), actor=STAFF)
    _deliver(new_uow, order)
    relay(factory)
    before = len(inbox.messages)  # confirmation + delivered
    settings = get_settings()

    assert send_due_feedback_requests(factory, settings, DELIVERED + timedelta(days=4)) == 0
    assert send_due_feedback_requests(factory, settings, DELIVERED + timedelta(days=5, minutes=1)) == 1
    assert send_due_feedback_requests(factory, settings, DELIVERED + timedelta(days=6)) == 0
    [request] = inbox.messages[before:]
    assert request["Subject"] == f"How was your order {order.number}?" and "#feedback" in body(request)
    with new_uow() as uow:
        row = uow.session.execute(select(FeedbackRequest)).scalar_one()
    assert (row.status, row.due_at) == ("sent", DELIVERED + timedelta(days=5))


def test_a_second_delivery_of_the_order_moves_its_one_request(shop, inbox, new_uow, factory) -> None:  # type: ignore[no-untyped-def]
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 2)), actor=STAFF)
    _deliver(new_uow, order)
    _deliver(new_uow, order, at=DELIVERED + timedelta(days=2), shipment="shp-2")
    relay(factory)
    with new_uow() as uow:
        [row] = uow.session.execute(select(FeedbackRequest)).scalars()
    assert row.due_at == DELIVERED + timedelta(days=2 + 7)  # the store default: 7 days


def test_no_feedback_request_when_the_store_sends_none(shop, inbox, new_uow, factory) -> None:  # type: ignore[no-untyped-def]
    update_notification_settings(new_uow(), {"feedback_request_days": 0})
    order = place_order(new_uow(), order_cmd(), actor=STAFF)
    _deliver(new_uow, order)
    relay(factory)
    with new_uow() as uow:
        assert list(uow.session.execute(select(FeedbackRequest)).scalars()) == []


def test_workers_running_the_feedback_job_at_once_send_each_request_once(shop, inbox, new_uow,
                                                                        factory) -> None:  # type: ignore[no-untyped-def]
    orders = [place_order(new_uow(), order_cmd(email=f"c{i}@example.com"), actor=STAFF) for i in range(6)]
    for order in orders:
        _deliver(new_uow, order)
    relay(factory)
    before = len(inbox.messages)
    settings, at = get_settings(), DELIVERED + timedelta(days=8)
    counts: list[int] = []
    threads = [threading.Thread(target=lambda: counts.append(send_due_feedback_requests(factory, settings, at)))
               for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == 6
    sent = inbox.messages[before:]
    assert sorted(m["To"] for m in sent) == sorted(f"c{i}@example.com" for i in range(6))


def _park(new_uow, subscriber, at):  # type: ignore[no-untyped-def]
    with new_uow() as uow:
        event = OutboxEvent(type="OrderPlaced", aggregate_type="order", aggregate_id="x", payload={}, status="failed")
        uow.session.add(event)
        uow.session.flush()
        uow.session.add(EventDelivery(event_id=event.id, subscriber=subscriber, status="failed", attempts=8,
                                      last_error="ConnectionRefusedError: [Errno 111]", updated_at=at))
        uow.commit()


def test_the_digest_reports_deliveries_parked_since_the_last_one_once(shop, inbox, new_uow,
                                                                      factory) -> None:  # type: ignore[no-untyped-def]
    settings = get_settings()
    t0 = datetime(2026, 12, 1, 8, tzinfo=UTC)
    assert send_failed_deliveries_digest(factory, settings, t0) == 0  # nothing parked: no email
    _park(new_uow, "webhooks.deliver", t0 + timedelta(minutes=5))
    _park(new_uow, "notifications.email.shipped", t0 + timedelta(minutes=6))
    assert send_failed_deliveries_digest(factory, settings, t0 + timedelta(hours=1)) == 2
    assert send_failed_deliveries_digest(factory, settings, t0 + timedelta(hours=2)) == 0
    _park(new_uow, "webhooks.deliver", t0 + timedelta(hours=2, minutes=30))
    assert send_failed_deliveries_digest(factory, settings, t0 + timedelta(hours=3)) == 1

    first, second = inbox.messages
    assert first["To"] == "staff@shop.example.com"
    assert first["Subject"] == "[Chairs & Co] 2 failed event deliveries"
    assert "webhooks.deliver" in body(first) and "notifications.email.shipped" in body(first)
    assert "orderworks events retry" in body(first)
    assert second["Subject"] == "[Chairs & Co] 1 failed event delivery"
