"""Back-office fixtures: staff logins per role, and a TestClient signed in as one of them (CSRF header set)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from orderworks.backoffice.service import create_staff
from orderworks.backoffice.web.csrf import COOKIE as CSRF_COOKIE
from orderworks.backoffice.web.csrf import HEADER as CSRF_HEADER
from orderworks.core.uow import UnitOfWork

PASSWORD = "correct horse battery"
BASE = "http://127.0.0.1"


def csrf_of(client: TestClient) -> str:
    """The CSRF token the browser holds (the cookie the back office set), as pages print it."""
    token = client.cookies.get(CSRF_COOKIE)
    if token is None:
        client.get("/admin/login")
        token = client.cookies.get(CSRF_COOKIE)
    assert token
    return token


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no csrf_token field on the page"
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> TestClient:
    page = client.get("/admin/login")
    response = client.post("/admin/login", data={"email": email, "password": password,
                                                 "csrf_token": form_token(page.text)}, follow_redirects=False)
    assert response.status_code == 303, response.text
    client.headers[CSRF_HEADER] = csrf_of(client)
    return client


@pytest.fixture
def relay(factory):  # type: ignore[no-untyped-def]
    """Run the outbox relay (what the worker does): allocation after placement, readiness after payment..."""
    from orderworks.core.relay import relay_until_idle
    from orderworks.subscribers import SUBSCRIBERS

    return lambda: relay_until_idle(factory, SUBSCRIBERS)


@pytest.fixture
def gateway(app, tmp_path):  # type: ignore[no-untyped-def]
    """The built-in test gateway in its own file, set on the API app (the back office charges through it)."""
    from orderworks.payments.gateways.test import TestGateway

    app.state.payment_gateway = TestGateway(tmp_path / "gateway.db")
    return app.state.payment_gateway


@pytest.fixture
def placed(new_uow: Callable[[], UnitOfWork]) -> Callable[..., object]:
    """`placed(quantity=2, email=...)`: an order placed on basic_store (2 x RED-CHAIR is $110.47)."""
    from orderworks.orders.service.placement import place_order
    from tests.builders import STAFF, basic_store, order_cmd

    basic_store(new_uow, stock=100)

    def _place(quantity: int = 2, **overrides: object) -> object:
        return place_order(new_uow(), order_cmd(("RED-CHAIR", quantity), **overrides), actor=STAFF)

    return _place


@pytest.fixture
def authorized(new_uow, gateway, placed):  # type: ignore[no-untyped-def]
    """`authorized()`: a placed order with its card authorized, not captured (payment status "Authorized")."""
    from orderworks.payments.service.authorize import authorize_payment
    from tests.builders import STAFF
    from tests.payments.cards import card

    def _authorized(**overrides: object):  # type: ignore[no-untyped-def]
        order = placed(**overrides)
        authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF, capture=False)
        return order

    return _authorized


@pytest.fixture
def make_staff(new_uow: Callable[[], UnitOfWork]) -> Callable[..., str]:
    """A staff login with `role`; returns its email (the password is PASSWORD)."""

    made: list[str] = []

    def _make(role: str = "owner", email: str | None = None, name: str | None = None) -> str:
        address = email or f"{role}{len(made) or ''}@shop.example"
        made.append(address)
        create_staff(new_uow(), email=address, name=name or role.replace("_", " ").title(), password=PASSWORD,
                     role=role)
        return address

    return _make


@pytest.fixture
def browser_client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A client with no API key: what a browser sends."""
    with TestClient(app, base_url=BASE) as c:
        yield c


@pytest.fixture
def staff_client(app, make_staff) -> Callable[[str], TestClient]:  # type: ignore[no-untyped-def]
    """`staff_client("finance")`: a client signed in as a new staff member with that role."""
    clients: list[TestClient] = []

    def _client(role: str = "owner") -> TestClient:
        client = TestClient(app, base_url=BASE)
        clients.append(client)
        return sign_in(client, make_staff(role))

    yield _client
    for c in clients:
        c.close()
