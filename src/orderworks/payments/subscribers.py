"""The payments area's answers to other areas' events (registered in orderworks/subscribers.py)."""

from __future__ import annotations

from orderworks.core.actor import Actor, ActorKind
from orderworks.core.relay import Event
from orderworks.core.settings import get_settings
from orderworks.core.uow import UnitOfWork
from orderworks.payments.gateways import gateway_from_settings
from orderworks.payments.rules import PaymentState
from orderworks.payments.service.capture import void_payment
from orderworks.payments.service.claims import RequestKey
from orderworks.payments.service.queries import payments_for_order

RULE = Actor(ActorKind.RULE, name="canceled order releases its authorizations")


def void_authorizations_of_canceled_order(uow: UnitOfWork, event: Event) -> None:
    """OrderCanceled: release every authorization nothing was captured from, so the customer's bank frees the
    held money at once. Money already captured is left for staff to refund (a seller decides that).

    Runs outside the relay's transaction (each void claims, calls the gateway, records), keyed on the event and the
    payment, so a re-delivered event replays the void instead of calling the gateway again."""
    views, _ = payments_for_order(uow, event.payload["order_id"])
    open_ = [v.payment for v in views if v.payment.status == PaymentState.AUTHORIZED]
    if not open_:
        return
    gateway = gateway_from_settings(get_settings())
    for payment in open_:
        key = RequestKey(principal="relay", key=f"void-on-cancel:{event.id}:{payment.id}",
                         fingerprint=f"void:{payment.id}")
        void_payment(uow, gateway, payment.id, actor=RULE, reason="order canceled", request=key)
