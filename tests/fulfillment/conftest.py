"""Fulfilment fixtures: the relay run with the real subscriber table, and small helpers to pay and read."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from orderworks.core.relay import relay_until_idle
from orderworks.core.uow import UnitOfWork
from orderworks.fulfillment.models import Shipment
from orderworks.fulfillment.service.queries import ShipmentView, shipments_for_order
from orderworks.orders.models import Order
from orderworks.payments.service.offline import record_offline_payment
from orderworks.subscribers import SUBSCRIBERS
from tests.builders import STAFF


@pytest.fixture
def relay(factory: sessionmaker[Session]) -> Callable[[], int]:
    return lambda: relay_until_idle(factory, SUBSCRIBERS)


@pytest.fixture
def pay(new_uow: Callable[[], UnitOfWork], relay: Callable[[], int]) -> Callable[[Order], None]:
    def _pay(order: Order) -> None:
        record_offline_payment(new_uow(), order.id, method="cash", actor=STAFF)
        relay()
    return _pay


@pytest.fixture
def shipments(new_uow: Callable[[], UnitOfWork]) -> Callable[[Order], list[ShipmentView]]:
    def _read(order: Order) -> list[ShipmentView]:
        uow = new_uow()
        with uow:
            return shipments_for_order(uow, order.id)
    return _read


@pytest.fixture
def reload(new_uow: Callable[[], UnitOfWork]) -> Callable[[Order], Order]:
    def _reload(order: Order) -> Order:
        uow = new_uow()
        with uow:
            return uow.session.execute(select(Order).where(Order.id == order.id)).scalar_one()
    return _reload


def outbox_types(new_uow: Callable[[], UnitOfWork], order: Order) -> list[str]:
    from orderworks.core.outbox import OutboxEvent

    uow = new_uow()
    with uow:
        return list(uow.session.execute(select(OutboxEvent.type).where(OutboxEvent.aggregate_id == str(order.id))
                                        .order_by(OutboxEvent.created_at)).scalars())


__all__ = ["Shipment", "outbox_types"]
