"""Stripe's webhook: verified with the SDK from the Stripe-Signature header (no API key); an event about a
PaymentIntent resolves the claim left in flight on it."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from orderworks.orders.models import Order
from orderworks.orders.service.placement import place_order
from orderworks.payments.gateways.stripe import StripeGateway
from orderworks.payments.service.authorize import authorize_payment
from orderworks.payments.service.capture import capture_payment
from tests.builders import STAFF, basic_store, order_cmd
from tests.payments.cards import card

SECRET = "whsec_orderworks_test"


def signed(payload: bytes, secret: str = SECRET) -> str:
    ts = int(time.time())
    digest = hmac.new(secret.encode(), f"{ts}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={ts},v1={digest}"


@pytest.fixture
def hook(app, new_uow, localstripe_url) -> TestClient:  # type: ignore[no-untyped-def]
    basic_store(new_uow, stock=10)
    app.state.settings.stripe_webhook_secret = SECRET
    app.state.payment_gateway = StripeGateway(api_key="sk_test_orderworks", api_base=localstripe_url)
    return TestClient(app)  # no Authorization header: the signature is the authentication


def _event(kind: str, obj: dict) -> bytes:  # type: ignore[type-arg]
    return json.dumps({"id": "evt_1", "object": "event", "type": kind, "data": {"object": obj}}).encode()


def test_a_signed_event_resolves_the_capture_a_crash_left_in_flight(hook, app, new_uow) -> None:  # type: ignore[no-untyped-def]
    gateway = app.state.payment_gateway
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 1)), actor=STAFF)
    out = authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF)
    real = gateway.capture

    def dies_after(**kw):  # type: ignore[no-untyped-def]
        real(**kw)
        raise SystemExit("killed")

    gateway.capture = dies_after
    with pytest.raises(SystemExit):
        capture_payment(new_uow(), gateway, out.payment.id, actor=STAFF)
    gateway.capture = real

    payload = _event("payment_intent.succeeded", {"id": out.payment.gateway_reference, "object": "payment_intent"})
    answered = hook.post("/api/v1/webhooks/stripe", content=payload, headers={"Stripe-Signature": signed(payload)})
    assert answered.status_code == 200, answered.text
    assert answered.json() == {"received": True, "type": "payment_intent.succeeded", "resolved": 1}
    uow = new_uow()
    with uow:
        assert uow.session.execute(select(Order.payment_status).where(Order.id == order.id)).scalar_one() == "paid"


@pytest.mark.parametrize("signature", [None, "t=1,v1=deadbeef", "bad"])
def test_an_unsigned_or_badly_signed_event_is_refused(hook, signature) -> None:  # type: ignore[no-untyped-def]
    payload = _event("payment_intent.succeeded", {"id": "pi_x"})
    headers = {"Stripe-Signature": signature} if signature else {}
    refused = hook.post("/api/v1/webhooks/stripe", content=payload, headers=headers)
    assert (refused.status_code, refused.json()["error"]["code"]) == (400, "invalid_signature")


def test_an_event_signed_with_another_secret_is_refused(hook) -> None:  # type: ignore[no-untyped-def]
    payload = _event("charge.refunded", {"id": "ch_x", "payment_intent": "pi_x"})
    refused = hook.post("/api/v1/webhooks/stripe", content=payload,
                        headers={"Stripe-Signature": signed(payload, "whsec_someone_else")})
    assert refused.status_code == 400
