"""Storefront fixtures: a store with a placed order (2 x RED-CHAIR, $110.47), a browser-like client (no API key,
no redirects followed) and the order's signed link."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from orderworks.core.signing import order_link_token
from orderworks.core.uow import UnitOfWork
from orderworks.orders.models import Order
from orderworks.orders.service.placement import place_order
from orderworks.payments.gateways.test import TestGateway
from orderworks.payments.service.authorize import authorize_payment
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
def pay(new_uow: Callable[[], UnitOfWork], tmp_path: Path) -> Callable[[Order], None]:
    gateway = TestGateway(tmp_path / "gateway.db")
    return lambda order: (authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF, capture=True),
                          None)[1]


@pytest.fixture
def set_fulfillment(new_uow: Callable[[], UnitOfWork]) -> Callable[[Order, str], None]:
    """Stands in for the fulfilment area's ship and deliver use cases: the derived status they leave behind."""
    def _set(order: Order, status: str) -> None:
        uow = new_uow()
        with uow:
            uow.session.execute(update(Order).where(Order.id == order.id).values(fulfillment_status=status))
            uow.commit()
    return _set
