"""Storefront fixtures: a store with a placed order (2 x RED-CHAIR, $110.47), a browser-like client (no API key,
no redirects followed) and the order's signed link."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from orderworks.core.relay import relay_until_idle
from orderworks.core.signing import order_link_token
from orderworks.core.uow import UnitOfWork
from orderworks.fulfillment.service.queries import ShipmentView, shipments_for_order
from orderworks.fulfillment.service.shipping import deliver_shipment, ship_shipment
from orderworks.orders.models import Order
from orderworks.orders.service.placement import place_order
from orderworks.payments.gateways.test import TestGateway
from orderworks.payments.service.authorize import authorize_payment
from orderworks.subscribers import SUBSCRIBERS
from tests.builders import STAFF, basic_store, order_cmd
from tests.payments.cards import card


@pytest.fixture
def place(new_uow: Callable[[], UnitOfWork]) -> Callable[..., Order]:
    basic_store(new_uow, stock=50)

    def _place(quantity: int = 2, email: str = "ada@example.com") -> Order:
        return place_order(new_uow(), order_cmd(("RED-CHAIR", quantity), email=email), actor=STAFF)

    return _place


@pytest.fixture
def order(place: Callable[..., Order]) -> Order:
    return place()


@pytest.fixture
def browser(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, follow_redirects=False) as c:
        yield c


@pytest.fixture
def link(app) -> Callable[[Order], str]:  # type: ignore[no-untyped-def]
    return lambda order: f"/track/{order_link_token(app.state.settings.secret_key, str(order.id))}"


@pytest.fixture
def relay(factory: sessionmaker[Session]) -> Callable[[], int]:
    """The outbox relay with the real subscriber table: placement allocates shipments, payment readies them."""
    return lambda: relay_until_idle(factory, SUBSCRIBERS)


@pytest.fixture
def pay(new_uow: Callable[[], UnitOfWork], relay: Callable[[], int], tmp_path: Path) -> Callable[[Order], None]:
    gateway = TestGateway(tmp_path / "gateway.db")

    def _pay(order: Order) -> None:
        relay()
        authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF, capture=True)
        relay()
    return _pay


@pytest.fixture
def shipments(new_uow: Callable[[], UnitOfWork], relay: Callable[[], int]) -> Callable[[Order], list[ShipmentView]]:
    def _read(order: Order) -> list[ShipmentView]:
        relay()
        uow = new_uow()
        with uow:
            return shipments_for_order(uow, order.id)
    return _read


@pytest.fixture
def ship(new_uow: Callable[[], UnitOfWork], relay: Callable[[], int],
         shipments: Callable[[Order], list[ShipmentView]]) -> Callable[..., list[ShipmentView]]:
    """Ship every open shipment of a paid order (the fulfilment area's use cases), and deliver them if asked."""
    def _ship(order: Order, *, carrier: str = "ups", tracking: str = "1Z999AA10123456784",
              deliver: bool = False) -> list[ShipmentView]:
        views = shipments(order)
        for n, view in enumerate(views):
            number = tracking if len(views) == 1 else f"{tracking}{n}"
            ship_shipment(new_uow(), view.shipment.id, carrier=carrier, tracking_numbers=[number], actor=STAFF)
            if deliver:
                deliver_shipment(new_uow(), view.shipment.id, actor=STAFF)
        relay()
        return views
    return _ship
