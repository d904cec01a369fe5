"""Webhooks reach a real HTTP receiver on 127.0.0.1 that verifies Standard Webhooks signatures: failed attempts
(a 500, a timeout) are retried with backoff until one is accepted, each attempt recorded; a delivery is sent once
per endpoint; an endpoint that keeps failing is disabled and staff are told through the outbox."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from orderworks.core.clock import now
from orderworks.core.outbox import OutboxEvent
from orderworks.core.relay import relay_until_idle
from orderworks.core.settings import Settings
from orderworks.notifications.webhooks import service
from orderworks.notifications.webhooks.delivery import claim_due, retry_due_deliveries
from orderworks.notifications.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from orderworks.orders.events import OrderCanceled, OrderPlaced
from orderworks.subscribers import SUBSCRIBERS
from tests.notifications.receiver import running_receiver

FAST = Settings(webhook_timeout_seconds=0.5)


@pytest.fixture
def receiver():  # type: ignore[no-untyped-def]
    with running_receiver() as r:
        yield r


def _endpoint(new_uow, receiver, events=("order.placed",)):  # type: ignore[no-untyped-def]
    endpoint = service.create_endpoint(new_uow(), url=receiver.url, events=list(events), description="ERP")
    receiver.secret = endpoint.secret
    return endpoint


def _place(new_uow, number: str = "1001") -> str:  # type: ignore[no-untyped-def]
    """An OrderPlaced outbox row, as placement writes it; returns the event id."""
    with new_uow() as uow:
        row = uow.outbox.add(OrderPlaced(order_id=f"order-{number}", number=number, channel="web", currency="USD",
                                         total=10525, customer_email="ada@example.com", backordered=False))
        uow.commit()
    return str(row.id)


def _attempts(new_uow):  # type: ignore[no-untyped-def]
    with new_uow() as uow:
        return [(a.number, a.status, a.response_code) for a in uow.session.execute(
            select(WebhookAttempt).order_by(WebhookAttempt.delivery_id, WebhookAttempt.number)).scalars()]


def _deliveries(new_uow) -> list[WebhookDelivery]:  # type: ignore[no-untyped-def]
    with new_uow() as uow:
        return list(uow.session.execute(select(WebhookDelivery).order_by(WebhookDelivery.created_at)).scalars())


def test_failed_attempts_are_retried_until_accepted_and_delivered_once(new_uow, factory, receiver) -> None:  # type: ignore[no-untyped-def]
    _endpoint(new_uow, receiver)
    receiver.script = [500, "timeout"]
    event_id = _place(new_uow)

    relay_until_idle(factory, SUBSCRIBERS)  # the subscriber's first attempt: 500
    assert _deliveries(new_uow)[0].status == "pending"
    assert retry_due_deliveries(factory, FAST, now()) == 0  # not due yet: backing off
    assert retry_due_deliveries(factory, FAST, now() + timedelta(seconds=11)) == 1  # the timeout
    assert retry_due_deliveries(factory, FAST, now() + timedelta(seconds=11)) == 0  # backoff grew
    assert retry_due_deliveries(factory, FAST, now() + timedelta(minutes=2)) == 1  # accepted
    assert retry_due_deliveries(factory, FAST, now() + timedelta(days=2)) == 0

    assert [r.answered for r in receiver.requests] == [500, "timeout", 200]
    assert all(r.verified for r in receiver.requests)
    assert {r.headers["webhook-id"] for r in receiver.requests} == {event_id}
    assert len(receiver.accepted()) == 1
    envelope = receiver.accepted()[0].json
    assert envelope["type"] == "order.placed" and envelope["id"] == event_id and envelope["api_version"]
    assert envelope["data"]["number"] == "1001" and envelope["data"]["total"] == 10525
    attempts = _attempts(new_uow)
    assert attempts == [(1, "failed", 500), (2, "failed", None), (3, "succeeded", 200)]
    (delivery,) = _deliveries(new_uow)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 200)
    with new_uow() as uow:
        timeout_attempt = uow.session.execute(select(WebhookAttempt).where(WebhookAttempt.number == 2)).scalar_one()
        assert "timed out" in (timeout_attempt.error or "") and timeout_attempt.duration_ms is not None


def test_only_endpoints_that_want_the_event_get_it_once_each(new_uow, factory, receiver) -> None:  # type: ignore[no-untyped-def]
    _endpoint(new_uow, receiver, events=["order.placed"])
    service.create_endpoint(new_uow(), url=receiver.url + "/all", events=["*"])
    service.create_endpoint(new_uow(), url=receiver.url + "/cancels", events=["order.canceled"])
    off = service.create_endpoint(new_uow(), url=receiver.url + "/off", events=["*"])
    service.update_endpoint(new_uow(), str(off.id), enabled=False)
    receiver.secret = None  # three secrets: this test counts requests, not signatures
    receiver.default = 204
    _place(new_uow)
    with new_uow() as uow:
        uow.outbox.add(OrderCanceled(order_id="order-1001", number="1001", reason="asked", released_units=1))
        uow.commit()

    relay_until_idle(factory, SUBSCRIBERS)
    relay_until_idle(factory, SUBSCRIBERS)  # nothing twice

    paths = sorted((r.path, r.json["type"]) for r in receiver.requests)
    assert paths == [("/hooks", "order.placed"), ("/hooks/all", "order.canceled"), ("/hooks/all", "order.placed"),
                     ("/hooks/cancels", "order.canceled")]
    assert {d.status for d in _deliveries(new_uow)} == {"delivered"}


def test_an_endpoint_that_keeps_failing_is_disabled_and_staff_are_told(new_uow, factory, receiver) -> None:  # type: ignore[no-untyped-def]
    endpoint = _endpoint(new_uow, receiver)
    receiver.default = 503
    strict = Settings(webhook_timeout_seconds=0.5, webhook_max_attempts=2, webhook_disable_after=2)
    _place(new_uow, "1001")
    _place(new_uow, "1002")
    relay_until_idle(factory, SUBSCRIBERS)  # the first event's first attempt; the second waits for the job
    assert retry_due_deliveries(factory, strict, now() + timedelta(hours=1)) == 2
    assert retry_due_deliveries(factory, strict, now() + timedelta(hours=2)) == 1

    assert {d.status for d in _deliveries(new_uow)} == {"failed"}
    with new_uow() as uow:
        row = uow.session.get(WebhookEndpoint, endpoint.id)
        assert row is not None and not row.enabled and "2 deliveries in a row failed" in (row.disabled_reason or "")
        (event,) = uow.session.execute(select(OutboxEvent).where(OutboxEvent.type == "WebhookEndpointDisabled")
                                       ).scalars()
        assert event.payload["endpoint_id"] == str(endpoint.id) and event.payload["url"] == receiver.url
        assert "HTTP 503" in event.payload["reason"]

    _place(new_uow, "1003")  # a disabled endpoint gets nothing new
    relay_until_idle(factory, SUBSCRIBERS)
    assert len(_deliveries(new_uow)) == 2 and len(receiver.requests) == 4


def test_a_failing_endpoint_is_not_called_by_the_relay_until_it_answers_again(new_uow, factory,
                                                                               receiver) -> None:  # type: ignore[no-untyped-def]
    _endpoint(new_uow, receiver)
    receiver.script = [500]
    _place(new_uow, "1001")
    _place(new_uow, "1002")
    relay_until_idle(factory, SUBSCRIBERS)
    assert len(receiver.requests) == 1  # the relay does not wait on a failing receiver for the second event

    assert retry_due_deliveries(factory, FAST, now()) == 1  # the second, due at once; the first backs off
    _place(new_uow, "1003")
    relay_until_idle(factory, SUBSCRIBERS)  # healthy again: the relay sends at once
    assert [r.json["data"]["number"] for r in receiver.accepted()] == ["1002", "1003"]


def test_several_workers_never_send_the_same_attempt_twice(new_uow, factory, receiver) -> None:  # type: ignore[no-untyped-def]
    _endpoint(new_uow, receiver)
    receiver.script = [500]  # the first fails: the endpoint is failing, so 29 more wait for the job
    ids = [_place(new_uow, str(1000 + n)) for n in range(30)]
    relay_until_idle(factory, SUBSCRIBERS)
    assert len(receiver.requests) == 1
    later = now() + timedelta(minutes=1)
    barrier = threading.Barrier(3)
    made: list[int] = []

    def work() -> None:
        barrier.wait()
        made.append(retry_due_deliveries(factory, FAST, later))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sum(made) == 30
    accepted = [r.headers["webhook-id"] for r in receiver.accepted()]
    assert sorted(accepted) == sorted(ids)  # each once
    assert sorted(_attempts(new_uow)) == sorted([(1, "failed", 500), (2, "succeeded", 200)]
                                                + [(1, "succeeded", 200)] * 29)


def test_a_worker_that_died_during_the_call_leaves_an_attempt_another_retries(new_uow, factory, receiver) -> None:  # type: ignore[no-untyped-def]
    _endpoint(new_uow, receiver)
    receiver.script = [500]
    _place(new_uow)
    relay_until_idle(factory, SUBSCRIBERS)
    at = now() + timedelta(minutes=1)
    (claimed,) = claim_due(new_uow(), at)  # ... and the worker is killed before it calls
    assert retry_due_deliveries(factory, FAST, at) == 0  # leased: nobody else sends it meanwhile

    assert retry_due_deliveries(factory, FAST, at + timedelta(minutes=2)) == 1
    assert _attempts(new_uow) == [(1, "failed", 500), (2, "abandoned", None), (3, "succeeded", 200)]
    assert claimed.number == 2 and _deliveries(new_uow)[0].status == "delivered"


def test_a_rotated_secret_signs_beside_the_old_one_for_a_day(new_uow, factory, receiver) -> None:  # type: ignore[no-untyped-def]
    endpoint = _endpoint(new_uow, receiver)
    old = endpoint.secret
    rotated = service.rotate_secret(new_uow(), str(endpoint.id))
    assert rotated.secret != old
    _place(new_uow)
    relay_until_idle(factory, SUBSCRIBERS)

    (request,) = receiver.requests
    assert request.verified  # with the old secret, still valid
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    from standardwebhooks.webhooks import Webhook

    assert json.loads(request.body) == Webhook(rotated.secret).verify(request.body, request.headers)


def test_an_order_placed_through_the_api_reaches_the_endpoint(client, new_uow, factory, receiver) -> None:  # type: ignore[no-untyped-def]
    from tests.builders import ORDER_JSON, basic_store

    basic_store(new_uow)
    created = client.post("/api/v1/webhooks", json={"url": receiver.url, "events": ["*"]},
                          headers={"Idempotency-Key": "hook-1"}).json()
    receiver.secret = created["secret"]
    order = client.post("/api/v1/orders", json=ORDER_JSON, headers={"Idempotency-Key": "order-1"}).json()

    relay_until_idle(factory, SUBSCRIBERS)

    received = [r.json for r in receiver.accepted()]
    placed = [m for m in received if m["type"] == "order.placed"]
    assert len(placed) == 1 and placed[0]["data"]["order_id"] == order["id"]
    assert placed[0]["data"]["number"] == order["number"] and placed[0]["data"]["currency"] == "USD"
    assert all(r.verified for r in receiver.requests)
