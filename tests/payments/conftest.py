"""Payment fixtures: a placed order of $110.47 (2 x RED-CHAIR at 49.00, $5 shipping, CA tax) and the test gateway
in its own file."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from orderworks.core.uow import UnitOfWork
from orderworks.orders.models import Order
from orderworks.orders.service.placement import place_order
from orderworks.payments.gateways.port import PaymentGateway
from orderworks.payments.gateways.test import TestGateway
from tests.builders import STAFF, basic_store, order_cmd


@pytest.fixture
def gateway(tmp_path: Path) -> TestGateway:
    return TestGateway(tmp_path / "gateway.db")


@pytest.fixture
def place(new_uow: Callable[[], UnitOfWork]) -> Callable[..., Order]:
    basic_store(new_uow, stock=50)

    def _place(quantity: int = 2) -> Order:
        return place_order(new_uow(), order_cmd(("RED-CHAIR", quantity)), actor=STAFF)

    return _place


@pytest.fixture
def order(place: Callable[..., Order]) -> Order:
    return place()


@pytest.fixture(scope="session")
def localstripe_url() -> Iterator[str]:
    """localstripe (GPL, dev-only) as a separate process on 127.0.0.1 and a free port, for the whole session."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, str(Path(__file__).with_name("localstripe_server.py")), str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("localstripe did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(params=["test", "localstripe"])
def any_gateway(request: pytest.FixtureRequest, tmp_path: Path) -> PaymentGateway:
    """The same flow against the built-in test gateway and against Stripe's API (localstripe)."""
    if request.param == "test":
        return TestGateway(tmp_path / "gateway.db")
    from orderworks.payments.gateways.stripe import StripeGateway

    return StripeGateway(api_key="sk_test_orderworks", api_base=request.getfixturevalue("localstripe_url"))
