"""A worker process killed (SIGKILL) in the middle of a webhook call: its attempt is left `abandoned`, another
worker sends the delivery again once the lease is over, and the receiver accepts it once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from orderworks.core.clock import now
from orderworks.core.settings import Settings
from orderworks.notifications.webhooks import service
from orderworks.notifications.webhooks.delivery import retry_due_deliveries
from orderworks.notifications.webhooks.models import WebhookAttempt, WebhookDelivery
from tests.notifications.receiver import running_receiver

ROOT = Path(__file__).resolve().parents[2]
WORKER = """
import sys
from orderworks.core.clock import now
from orderworks.core.db import make_engine, make_session_factory
from orderworks.core.settings import Settings
from orderworks.notifications.webhooks.delivery import retry_due_deliveries
retry_due_deliveries(make_session_factory(make_engine(sys.argv[1])), Settings(webhook_timeout_seconds=120), now())
"""


def test_a_killed_worker_leaves_an_abandoned_attempt_and_the_delivery_goes_out_once(engine, new_uow,
                                                                                     factory) -> None:  # type: ignore[no-untyped-def]
    with running_receiver() as receiver:
        endpoint = service.create_endpoint(new_uow(), url=receiver.url, events=["*"])
        receiver.secret, receiver.script = endpoint.secret, ["hang"]
        service.fan_out(new_uow(), event_id=uuid.uuid4(), event_class="OrderHeld",
                        payload={"order_id": "o1", "number": "1001", "reason": "check"}, created_at=now())
        worker = subprocess.Popen([sys.executable, "-c", WORKER, engine.url.render_as_string(hide_password=False)],
                                  cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
        try:
            for _ in range(600):  # until the worker's call reaches the receiver
                if receiver.requests or worker.poll() is not None:
                    break
                time.sleep(0.05)
            assert len(receiver.requests) == 1 and worker.poll() is None
        finally:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()

        assert retry_due_deliveries(factory, Settings(), now()) == 0  # leased: nobody sends it meanwhile
        assert retry_due_deliveries(factory, Settings(), now() + timedelta(minutes=2)) == 1

        assert len(receiver.accepted()) == 1
        assert receiver.requests[0].headers["webhook-id"] == receiver.accepted()[0].headers["webhook-id"]
    with new_uow() as uow:
        attempts = [(a.number, a.status, a.response_code) for a in uow.session.execute(
            select(WebhookAttempt).order_by(WebhookAttempt.number)).scalars()]
        (delivery,) = uow.session.execute(select(WebhookDelivery)).scalars()
    assert attempts == [(1, "abandoned", None), (2, "succeeded", 200)]
    assert delivery.status == "delivered"
