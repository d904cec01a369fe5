"""What fulfilment does when the rest of the system moves (registered in orderworks/subscribers.py): allocate a
placed or edited order, make shipments ready and deliver digital goods on payment, cancel shipments of a
canceled order, put shipments back while an order is held, allocate backorders when stock is received."""

from __future__ import annotations

from sqlalchemy import select

from orderworks.catalog.models import Variant
from orderworks.core.actor import Actor, ActorKind
from orderworks.core.relay import Event
from orderworks.core.settings import get_settings
from orderworks.core.uow import UnitOfWork
from orderworks.fulfillment.service.allocation import (allocate_backorders, allocate_order, cancel_order_shipments,
                                                      reallocate_after_edit)
from orderworks.fulfillment.service.digital import deliver_digital_goods
from orderworks.fulfillment.service.readiness import refresh_order_readiness

RULE = Actor(ActorKind.RULE, name="fulfilment rule")


def allocate_placed_order(uow: UnitOfWork, event: Event) -> None:
    """OrderPlaced: allocate the order to locations (shipments pending until it may ship)."""
    allocate_order(uow, event.payload["order_id"], actor=RULE)


def reallocate_edited_order(uow: UnitOfWork, event: Event) -> None:
    """OrderUpdated: lines or quantities may have changed: shipments not yet picked are re-made."""
    reallocate_after_edit(uow, event.payload["order_id"], actor=RULE)


def ready_after_payment(uow: UnitOfWork, event: Event) -> None:
    """PaymentCaptured: a paid order's shipments become ready, its digital goods go out, and it completes if
    it already shipped."""
    order_id = event.payload["order_id"]
    with uow:
        refresh_order_readiness(uow, order_id, actor=RULE)
        deliver_digital_goods(uow, order_id, base_url=get_settings().public_base_url, actor=RULE)
        uow.commit()


def refresh_after_hold(uow: UnitOfWork, event: Event) -> None:
    """OrderHeld / OrderReleased: shipments wait while the order is held and are ready again once released."""
    refresh_order_readiness(uow, event.payload["order_id"], actor=RULE)


def cancel_shipments(uow: UnitOfWork, event: Event) -> None:
    """OrderCanceled: open shipments are canceled (the stock went back with the order)."""
    cancel_order_shipments(uow, event.payload["order_id"], actor=RULE,
                           reason=event.payload.get("reason") or "order canceled")


def allocate_received_stock(uow: UnitOfWork, event: Event) -> None:
    """StockChanged (a receipt or a count that added stock): backordered orders get it, oldest first."""
    if int(event.payload.get("delta") or 0) <= 0:
        return
    with uow:
        variant_id = uow.session.execute(select(Variant.id).where(Variant.sku == event.payload["sku"])).scalar()
        if variant_id is not None:
            allocate_backorders(uow, variant_id, actor=RULE)
        uow.commit()
