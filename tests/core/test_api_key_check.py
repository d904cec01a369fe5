"""Checking an API key is a read: it does not wait for an order being written (SQLite's single writer)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

from sqlalchemy import text

from orderworks.core.actor import ActorKind
from orderworks.core.apikeys import create_api_key
from orderworks.core.web import get_actor


def test_a_key_is_checked_while_another_transaction_is_writing(engine, factory, new_uow) -> None:  # type: ignore[no-untyped-def]
    key = create_api_key(new_uow(), name="shop front", role="integration").key
    request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(session_factory=factory)))
    writer = engine.connect()
    writer.begin()  # a write transaction (BEGIN IMMEDIATE on SQLite) left open, as a placement in progress
    writer.execute(text("UPDATE number_series SET last_value = last_value WHERE name = 'none'"))
    try:
        with ThreadPoolExecutor(1) as pool:
            actor = pool.submit(get_actor, request, f"Bearer {key}").result(timeout=10)  # busy_timeout is 30 s
    finally:
        writer.rollback()
        writer.close()
    assert (actor.kind, actor.name, actor.role) == (ActorKind.API_KEY, "shop front", "integration")
