"""Digital products are fulfilled on payment, without a shipment: a download link and a licence key per line,
recorded on the order once (a second payment event delivers nothing twice)."""

from __future__ import annotations

import secrets
import uuid

from sqlalchemy import select

from orderworks.core.actor import Actor
from orderworks.core.uow import UnitOfWork
from orderworks.fulfillment.events import DigitalGoodsDelivered
from orderworks.fulfillment.models import DigitalDelivery
from orderworks.fulfillment.service.progress import refresh_order
from orderworks.orders import history
from orderworks.orders.models import Order
from orderworks.orders.service.loading import order_for_update

PAID = "paid"


def licence_key() -> str:
    raw = secrets.token_hex(10).upper()
    return "-".join(raw[i:i + 5] for i in range(0, 20, 5))


def download_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/downloads/{token}"


def deliver_digital_goods(uow: UnitOfWork, order_id: str | uuid.UUID, *, base_url: str,
                          actor: Actor) -> list[DigitalDelivery]:
    """Once the order is paid, give each digital line its download link and licence key (DigitalGoodsDelivered)."""
    with uow:
        order = order_for_update(uow.session, order_id)
        if order.payment_status != PAID or order.status in ("canceled", "draft"):
            return []
        done = set(uow.session.execute(select(DigitalDelivery.order_line_id)
                                       .where(DigitalDelivery.order_id == order.id)).scalars())
        new = [DigitalDelivery(order_id=order.id, order_line_id=line.id, sku=line.sku, name=line.name,
                               quantity=line.quantity, download_token=secrets.token_urlsafe(24),
                               licence_key=licence_key())
               for line in order.lines if not line.shippable and line.id not in done]
        if not new:
            return []
        uow.session.add_all(new)
        deliveries = [{"sku": d.sku, "name": d.name, "download_url": download_url(base_url, d.download_token),
                       "licence_key": d.licence_key} for d in new]
        history.record(uow.session, order, actor=actor, action="digital_goods_delivered",
                       data={"skus": [d.sku for d in new]})
        uow.outbox.add(DigitalGoodsDelivered(order_id=str(order.id), number=order.number, items=deliveries))
        refresh_order(uow, order, actor=actor)
        uow.commit()
    return new


def digital_of(uow: UnitOfWork, order: Order) -> list[DigitalDelivery]:
    return list(uow.session.execute(select(DigitalDelivery).where(DigitalDelivery.order_id == order.id)
                                    .order_by(DigitalDelivery.delivered_at)).scalars())
