"""Whether an order may ship: paid, free, or agreed to be paid later by a method the store ships unpaid (cash on
delivery, net terms); never while held or canceled. Pending shipments become ready when it may, and go back to
pending when it may no longer (put on hold) before they leave."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderworks.core.actor import Actor
from orderworks.core.errors import ValidationFailed
from orderworks.core.store import Store, get_store
from orderworks.core.uow import UnitOfWork
from orderworks.fulfillment import rules
from orderworks.fulfillment.events import ShipmentReady
from orderworks.fulfillment.models import Shipment, ShippingTerms
from orderworks.fulfillment.rules import SHIPPABLE_STATUSES, ShipmentStatus
from orderworks.fulfillment.service.loading import shipments_of
from orderworks.fulfillment.service.timeline import record
from orderworks.inventory.models import StockLocation
from orderworks.orders import history
from orderworks.orders.models import Order
from orderworks.orders.service.loading import order_for_update


def _pairs(result) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return {row[0]: row[1] for row in result}


def unpaid_terms(session: Session, order_id: uuid.UUID) -> str | None:
    return session.execute(select(ShippingTerms.method).where(ShippingTerms.order_id == order_id)).scalar_one_or_none()


def order_may_ship(session: Session, order: Order, store: Store) -> bool:
    return rules.may_ship(order_status=order.status, payment_status=order.payment_status, total=order.total,
                          unpaid_terms=unpaid_terms(session, order.id),
                          ship_unpaid_methods=store.ship_unpaid_methods or [])


def refresh_readiness(uow: UnitOfWork, order: Order, *, store: Store, actor: Actor) -> None:
    """Pending shipments become ready when the order may ship; ready ones go back when it may not."""
    session = uow.session
    may = order_may_ship(session, order, store)
    shipments = shipments_of(session, order.id, open_only=True, lock=True)
    codes = _location_codes(session, {s.location_id for s in shipments})
    for shipment in shipments:
        before = shipment.status
        if may and shipment.status == ShipmentStatus.PENDING:
            make_ready_locked(uow, order, shipment, actor=actor, location_code=codes.get(shipment.location_id, ""))
        elif not may and shipment.status in SHIPPABLE_STATUSES:
            rules.put_back(shipment)
            record(session, order, shipment, actor=actor, action="shipment_put_back", before=before,
                   note="the order may not ship now")


def make_ready_locked(uow: UnitOfWork, order: Order, shipment: Shipment, *, actor: Actor,
                      location_code: str | None = None) -> None:
    before = shipment.status
    rules.make_ready(shipment)
    record(uow.session, order, shipment, actor=actor, action="shipment_ready", before=before)
    code = location_code if location_code is not None else _location_codes(uow.session, {shipment.location_id}).get(
        shipment.location_id, "")
    uow.outbox.add(ShipmentReady(order_id=str(order.id), number=order.number, shipment_id=str(shipment.id),
                                 location_code=code))


def _location_codes(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    return _pairs(session.execute(select(StockLocation.id, StockLocation.code).where(StockLocation.id.in_(ids))))


def refresh_order_readiness(uow: UnitOfWork, order_id: str | uuid.UUID, *, actor: Actor) -> None:
    """After a payment, hold, release: make the order's shipments ready (or not) and complete it when it is
    fulfilled and now paid."""
    from orderworks.fulfillment.service.progress import complete_if_done

    with uow:
        order = order_for_update(uow.session, order_id)
        refresh_readiness(uow, order, store=get_store(uow.session), actor=actor)
        complete_if_done(uow, order, actor=actor)
        uow.commit()


def set_shipping_terms(uow: UnitOfWork, order_id: str | uuid.UUID, *, method: str, actor: Actor,
                       note: str = "") -> list[Shipment]:
    """Agree that an order is paid later (cash on delivery, net terms): it ships unpaid if the store allows the
    method (Store.ship_unpaid_methods)."""
    with uow:
        store = get_store(uow.session)
        allowed = store.ship_unpaid_methods or []
        if method not in allowed:
            raise ValidationFailed(
                f"The store does not ship '{method}' orders unpaid (allowed: {', '.join(allowed) or 'none'})",
                field="method")
        order = order_for_update(uow.session, order_id)
        terms = uow.session.get(ShippingTerms, order.id)
        if terms is None:
            uow.session.add(ShippingTerms(order_id=order.id, method=method, note=note, set_by=actor.as_dict()))
        else:
            terms.method, terms.note, terms.set_by = method, note, actor.as_dict()
        history.record(uow.session, order, actor=actor, action="shipping_terms_set", note=note,
                       data={"method": method})
        uow.session.flush()
        refresh_readiness(uow, order, store=store, actor=actor)
        result = shipments_of(uow.session, order.id)
        uow.commit()
    return result
