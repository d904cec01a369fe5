"""`orderworks payments ...` from the command line, against the same database and test gateway file."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import select

from orderworks.payments.models import Payment
from orderworks.payments.service.authorize import authorize_payment
from tests.builders import STAFF
from tests.payments.cards import card


def _cli(engine, gateway, *args: str) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    env = {**os.environ, "ORDERWORKS_DATABASE_URL": engine.url.render_as_string(hide_password=False),
           "ORDERWORKS_TEST_GATEWAY_PATH": str(gateway.path), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "orderworks.cli", "payments", *args], env=env,
                          capture_output=True, text=True, timeout=60)


def test_capture_list_and_reconcile_from_the_command_line(engine, order, new_uow, gateway) -> None:  # type: ignore[no-untyped-def]
    authorize_payment(new_uow(), gateway, order.id, card=card(), actor=STAFF)
    captured = _cli(engine, gateway, "capture", order.number, "--amount", "10.00")
    assert captured.returncode == 0, captured.stdout + captured.stderr
    assert "Captured $10.00" in captured.stdout and "partially_captured" in captured.stdout
    listed = _cli(engine, gateway, "list", order.number)
    assert "visa ....4242" in listed.stdout and "balance due $100.47" in listed.stdout
    assert "Finished 0, failed 0" in _cli(engine, gateway, "reconcile").stdout
    uow = new_uow()
    with uow:
        assert uow.session.execute(select(Payment.captured)).scalar_one() == 1000
    assert [op["amount"] for op in gateway.operations("capture")] == [1000]


def test_capturing_an_order_without_an_authorization_says_so(engine, order, gateway) -> None:  # type: ignore[no-untyped-def]
    refused = _cli(engine, gateway, "capture", order.number)
    assert refused.returncode == 1
    assert "no authorization to capture" in refused.stdout
