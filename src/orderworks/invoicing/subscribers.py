"""Invoicing's answers to the orders' events (registered in orderworks/subscribers.py)."""

from __future__ import annotations

from orderworks.core.actor import Actor, ActorKind
from orderworks.core.relay import Event
from orderworks.core.uow import UnitOfWork
from orderworks.invoicing.service.corrections import reissue_edited_invoice, void_for_canceled_order

RULE = Actor(ActorKind.RULE, name="invoice follows its order")


def reissue_after_edit(uow: UnitOfWork, event: Event) -> None:
    reissue_edited_invoice(uow, event.payload["order_id"], actor=RULE)


def void_after_cancel(uow: UnitOfWork, event: Event) -> None:
    void_for_canceled_order(uow, event.payload["order_id"], actor=RULE)
