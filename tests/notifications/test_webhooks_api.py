"""The webhook API: register (the secret shown once), list, change, rotate, delete, deliveries with their attempts,
retry and ping against a real receiver; and its refusals, each a 4xx naming the field."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from orderworks.core.apikeys import create_api_key
from orderworks.core.clock import now
from orderworks.core.relay import relay_until_idle
from orderworks.core.settings import Settings
from orderworks.notifications.webhooks.delivery import retry_due_deliveries
from orderworks.subscribers import SUBSCRIBERS
from tests.notifications.receiver import running_receiver
from tests.notifications.test_webhooks_delivery import _place

SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # base64 of 24 bytes


def _key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


@pytest.fixture
def receiver():  # type: ignore[no-untyped-def]
    with running_receiver() as r:
        yield r


def _create(client: TestClient, **body):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/webhooks", json=body, headers=_key())


def test_register_an_endpoint_with_a_generated_secret_shown_once(client) -> None:  # type: ignore[no-untyped-def]
    r = _create(client, url="https://erp.example.com/hooks", events=["order.placed", "shipment.shipped",
                                                                       "order.placed"], description="ERP")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["secret"].startswith("whsec_") and body["events"] == ["order.placed", "shipment.shipped"]
    assert body["enabled"] is True

    shown = client.get(f"/api/v1/webhooks/{body['id']}").json()
    assert "secret" not in shown and shown["url"] == "https://erp.example.com/hooks"
    listed = client.get("/api/v1/webhooks").json()
    assert [e["id"] for e in listed["items"]] == [body["id"]] and "secret" not in listed["items"][0]


def test_a_given_secret_is_kept_and_rotation_shows_the_new_one(client) -> None:  # type: ignore[no-untyped-def]
    created = _create(client, url="http://127.0.0.1:9/x", events=["*"], secret=SECRET).json()
    assert created["secret"] == SECRET
    rotated = client.post(f"/api/v1/webhooks/{created['id']}/rotate-secret", headers=_key())
    assert rotated.status_code == 200
    assert rotated.json()["secret"] != SECRET and rotated.json()["previous_secret_expires_at"]


@pytest.mark.parametrize(("body", "field"), [
    ({"url": "ftp://erp.example.com/hooks", "events": ["*"]}, "url"),
    ({"url": "javascript:alert(1)", "events": ["*"]}, "url"),
    ({"url": "https://", "events": ["*"]}, "url"),
    ({"url": "https://erp.example.com:99999/", "events": ["*"]}, "url"),
    ({"url": "https://erp.example.com/", "events": ["order.placed", "order.exploded"]}, "events[1]"),
    ({"url": "https://erp.example.com/", "events": ["OrderPlaced"]}, "events[0]"),
    ({"url": "https://erp.example.com/", "events": []}, "events"),
    ({"url": "https://erp.example.com/", "events": ["*"], "secret": "hunter2"}, "secret"),
    ({"url": "https://erp.example.com/", "events": ["*"], "secret": "whsec_c2hvcnQ="}, "secret"),
    ({"url": "https://erp.example.com/"}, "events"),
])
def test_bad_registrations_are_refused_with_the_field(client, body, field) -> None:  # type: ignore[no-untyped-def]
    r = _create(client, **body)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == field
    assert client.get("/api/v1/webhooks").json()["items"] == []  # nothing half-written


def test_other_refusals(client, new_uow, app) -> None:  # type: ignore[no-untyped-def]
    assert client.get(f"/api/v1/webhooks/{uuid.uuid4()}").status_code == 404
    assert client.get("/api/v1/webhooks/not-an-id").json()["error"]["field"] == "endpoint_id"
    assert client.post("/api/v1/webhooks", json={"url": "https://x.example.com", "events": ["*"]}
                       ).json()["error"]["field"] == "Idempotency-Key"
    created = _create(client, url="https://erp.example.com/", events=["*"]).json()
    r = client.patch(f"/api/v1/webhooks/{created['id']}", json={"url": "file:///etc/passwd"}, headers=_key())
    assert (r.status_code, r.json()["error"]["field"]) == (422, "url")
    r = client.post(f"/api/v1/webhooks/{created['id']}/deliveries/{uuid.uuid4()}/retry", headers=_key())
    assert (r.status_code, r.json()["error"]["field"]) == (404, "delivery_id")
    finance = create_api_key(new_uow(), name="books", role="finance").key
    with TestClient(app, headers={"Authorization": f"Bearer {finance}"}) as other:
        assert other.get("/api/v1/webhooks").status_code == 403
        assert other.post("/api/v1/webhooks", json={"url": "https://x.example.com", "events": ["*"]},
                          headers=_key()).status_code == 403


def test_change_disable_enable_and_delete(client) -> None:  # type: ignore[no-untyped-def]
    created = _create(client, url="https://erp.example.com/", events=["*"]).json()
    path = f"/api/v1/webhooks/{created['id']}"
    r = client.patch(path, json={"events": ["payment.captured"], "enabled": False}, headers=_key()).json()
    assert r["events"] == ["payment.captured"] and r["enabled"] is False and r["disabled_reason"]
    r = client.patch(path, json={"enabled": True}, headers=_key()).json()
    assert r["enabled"] is True and r["disabled_reason"] is None
    assert client.delete(path, headers=_key()).status_code == 200
    assert client.get(path).status_code == 404
    assert client.get("/api/v1/webhooks").json()["items"] == []


def test_deliveries_show_every_attempt_and_a_failed_one_can_be_retried(client, new_uow, factory,
                                                                        receiver) -> None:  # type: ignore[no-untyped-def]
    created = _create(client, url=receiver.url, events=["order.placed"]).json()
    receiver.secret, receiver.default = created["secret"], 500
    event_id = _place(new_uow)
    relay_until_idle(factory, SUBSCRIBERS)
    retry_due_deliveries(factory, Settings(webhook_max_attempts=2), now() + timedelta(hours=1))

    page = client.get(f"/api/v1/webhooks/{created['id']}/deliveries").json()
    (delivery,) = page["items"]
    assert (delivery["status"], delivery["event_id"], delivery["event_type"]) == ("failed", event_id, "order.placed")
    assert [(a["number"], a["status"], a["response_code"]) for a in delivery["attempts"]] == [
        (1, "failed", 500), (2, "failed", 500)]
    assert all(a["duration_ms"] is not None and a["response_body"] for a in delivery["attempts"])
    assert delivery["payload"]["data"]["number"] == "1001"

    receiver.default = 200
    r = client.post(f"/api/v1/webhooks/{created['id']}/deliveries/{delivery['id']}/retry", headers=_key())
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "delivered" and r.json()["attempts"][-1]["response_code"] == 200
    assert len(receiver.accepted()) == 1 and receiver.accepted()[0].headers["webhook-id"] == event_id
    failed = client.get(f"/api/v1/webhooks/{created['id']}/deliveries", params={"status": "failed"}).json()
    assert failed["items"] == []


def test_ping_sends_a_signed_test_message(client, receiver) -> None:  # type: ignore[no-untyped-def]
    created = _create(client, url=receiver.url, events=["order.placed"]).json()
    receiver.secret = created["secret"]
    r = client.post(f"/api/v1/webhooks/{created['id']}/ping", headers=_key())
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "delivered" and r.json()["event_type"] == "webhook.ping"
    (request,) = receiver.accepted()
    assert request.json["type"] == "webhook.ping" and request.json["data"]["endpoint_id"] == created["id"]

    receiver.default = 500  # a failing ping is tried once and does not count against the endpoint
    r = client.post(f"/api/v1/webhooks/{created['id']}/ping", headers=_key()).json()
    assert r["status"] == "failed" and len(r["attempts"]) == 1
    assert client.get(f"/api/v1/webhooks/{created['id']}").json()["consecutive_failures"] == 0


def test_a_replayed_ping_is_not_sent_again(client, receiver) -> None:  # type: ignore[no-untyped-def]
    created = _create(client, url=receiver.url, events=["*"]).json()
    receiver.secret = created["secret"]
    first = client.post(f"/api/v1/webhooks/{created['id']}/ping", headers={"Idempotency-Key": "ping-1"})
    again = client.post(f"/api/v1/webhooks/{created['id']}/ping", headers={"Idempotency-Key": "ping-1"})
    assert again.json() == first.json() and again.headers.get("Idempotent-Replayed") == "true"
    assert len(receiver.requests) == 1


def test_deleting_an_endpoint_cancels_its_waiting_deliveries(client, new_uow, factory, receiver) -> None:  # type: ignore[no-untyped-def]
    created = _create(client, url=receiver.url, events=["order.placed"]).json()
    receiver.secret, receiver.default = created["secret"], 500
    _place(new_uow)
    relay_until_idle(factory, SUBSCRIBERS)
    assert client.delete(f"/api/v1/webhooks/{created['id']}", headers=_key()).status_code == 200

    receiver.default = 200
    assert retry_due_deliveries(factory, Settings(), now() + timedelta(hours=1)) == 0
    assert len(receiver.requests) == 1
    with new_uow() as uow:
        from sqlalchemy import select

        from orderworks.notifications.webhooks.models import WebhookDelivery

        assert list(uow.session.execute(select(WebhookDelivery.status)).scalars()) == ["canceled"]
