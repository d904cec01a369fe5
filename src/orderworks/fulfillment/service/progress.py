"""What every fulfilment change ends with: the order's fulfilment status derived from shipped and delivered
quantities, OrderFulfilled once every unit is out, and the order completed once it is also paid."""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orderworks.core.actor import Actor
from orderworks.core.uow import UnitOfWork
from orderworks.fulfillment.events import OrderCompleted, OrderFulfilled
from orderworks.fulfillment.models import DigitalDelivery, Shipment, ShipmentLine
from orderworks.fulfillment.rules import SHIPPED_STATUSES, LineProgress, ShipmentStatus, is_complete
from orderworks.orders import history
from orderworks.orders.models import Order
from orderworks.orders.rules.status import ORDER_TRANSITIONS, OrderStatus, derive_fulfillment_status


def shipped_by_line(session: Session, order_id: uuid.UUID) -> tuple[dict[uuid.UUID, int], dict[uuid.UUID, int]]:
    """Units shipped and units delivered per order line (digital deliveries count as both)."""
    shipped: dict[uuid.UUID, int] = defaultdict(int)
    delivered: dict[uuid.UUID, int] = defaultdict(int)
    rows = session.execute(
        select(ShipmentLine.order_line_id, Shipment.status, func.sum(ShipmentLine.quantity))
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .where(Shipment.order_id == order_id, Shipment.status.in_(list(SHIPPED_STATUSES)))
        .group_by(ShipmentLine.order_line_id, Shipment.status))
    for line_id, status, qty in rows:
        shipped[line_id] += int(qty)
        if status == ShipmentStatus.DELIVERED:
            delivered[line_id] += int(qty)
    for line_id, qty in session.execute(select(DigitalDelivery.order_line_id, DigitalDelivery.quantity)
                                        .where(DigitalDelivery.order_id == order_id)):
        shipped[line_id] += qty
        delivered[line_id] += qty
    return dict(shipped), dict(delivered)


def line_progress(session: Session, order: Order) -> list[LineProgress]:
    shipped, _ = shipped_by_line(session, order.id)
    return [LineProgress(line.sku, line.name, line.quantity, min(shipped.get(line.id, 0), line.quantity))
            for line in order.lines]


def refresh_order(uow: UnitOfWork, order: Order, *, actor: Actor) -> None:
    """Re-derive the order's fulfilment status; announce fulfilment, complete the order when fulfilled and paid."""
    session = uow.session
    session.flush()
    shipped, delivered = shipped_by_line(session, order.id)
    ordered = sum(line.quantity for line in order.lines)
    clip = lambda per: sum(min(per.get(line.id, 0), line.quantity) for line in order.lines)  # noqa: E731
    before = order.fulfillment_status
    after = derive_fulfillment_status(ordered, clip(shipped), clip(delivered), 0)
    if str(after) != before and before not in ("partially_returned", "returned"):
        order.fulfillment_status = after
        history.record(session, order, actor=actor, action="fulfillment_status_changed", from_status=before,
                       to_status=after)
        if after in ("fulfilled", "delivered") and before not in ("fulfilled", "delivered"):
            uow.outbox.add(OrderFulfilled(order_id=str(order.id), number=order.number))
    complete_if_done(uow, order, actor=actor)


def complete_if_done(uow: UnitOfWork, order: Order, *, actor: Actor) -> bool:
    """Fulfilled and paid: the order is completed (also when the payment arrives after the goods left)."""
    current = OrderStatus(order.status)
    if not is_complete(fulfillment_status=order.fulfillment_status, payment_status=order.payment_status):
        return False
    if not ORDER_TRANSITIONS.can(current, OrderStatus.COMPLETED):
        return False
    order.status = OrderStatus.COMPLETED
    history.record(uow.session, order, actor=actor, action="completed", from_status=current,
                   to_status=order.status, note="fulfilled and paid")
    uow.outbox.add(OrderCompleted(order_id=str(order.id), number=order.number))
    return True
