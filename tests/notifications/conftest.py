"""Notification fixtures: a real SMTP server (aiosmtpd on 127.0.0.1, a free port found first), the settings that
point the mailer at it, and helpers to drive the relay and read what arrived."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from orderworks.core.outbox import OutboxEvent
from orderworks.core.relay import relay_until_idle
from orderworks.core.settings import Settings, get_settings
from orderworks.core.uow import UnitOfWork
from orderworks.orders import pricing_setup as setup
from orderworks.subscribers import SUBSCRIBERS

SECRET = "test-secret-for-links"
BASE_URL = "https://shop.example.com"


class Inbox:
    """The SMTP server's handler: keeps every accepted message; refuses the next `refuse` ones with a 451."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = 0
        self.refused = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse > 0:
            self.refuse -= 1
            self.refused += 1
            return "451 4.3.0 Try again later"
        raw = envelope.original_content or envelope.content
        self.messages.append(message_from_bytes(raw, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in self.messages]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()  # aiosmtpd's Controller(port=0) crashes (PITFALLS)
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def inbox(smtp: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Inbox]:
    """Mail goes to the real SMTP server above."""
    box, port = smtp
    _configure(monkeypatch, tmp_path, ORDERWORKS_SMTP_HOST="127.0.0.1", ORDERWORKS_SMTP_PORT=str(port))
    yield box
    get_settings.cache_clear()


@pytest.fixture
def eml_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Settings]:
    """No SMTP host: every message is written as an .eml file under var_dir/mail."""
    monkeypatch.delenv("ORDERWORKS_SMTP_HOST", raising=False)
    settings = _configure(monkeypatch, tmp_path)
    yield settings
    get_settings.cache_clear()


def _configure(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> Settings:
    values = {"ORDERWORKS_SECRET_KEY": SECRET, "ORDERWORKS_PUBLIC_BASE_URL": BASE_URL,
              "ORDERWORKS_VAR_DIR": str(tmp_path / "var"), "ORDERWORKS_MAIL_FROM": "orders@shop.example.com",
              "ORDERWORKS_TEST_GATEWAY_PATH": str(tmp_path / "gateway.db"), **env}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    return get_settings()


@pytest.fixture
def shop(new_uow: Callable[[], UnitOfWork]) -> None:
    """basic_store (tests/builders) with the seller's name, address and staff email."""
    from tests.builders import basic_store

    basic_store(new_uow, stock=50)
    setup.update_store(new_uow(), {"name": "Chairs & Co", "email": "staff@shop.example.com"})


def relay(factory: Any) -> int:
    return relay_until_idle(factory, SUBSCRIBERS)


def emit(new_uow: Callable[[], UnitOfWork], type_: str, payload: dict[str, Any]) -> uuid.UUID:
    """An outbox row as another area writes it (fulfilment events before that branch lands)."""
    with new_uow() as uow:
        row = OutboxEvent(type=type_, aggregate_type="order", aggregate_id=str(payload.get("order_id", "")),
                          payload=payload)
        uow.session.add(row)
        uow.commit()
    return row.id


def body(message: EmailMessage, subtype: str = "plain") -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} part"
    return str(part.get_content()).replace("\r\n", "\n")  # type: ignore[attr-defined]
