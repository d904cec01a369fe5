"""How many SQL statements placing one order costs, counted with SQLAlchemy event listeners, per layer.

An executemany (several rows in one call) counts once, as one round trip from Python. Transaction control is
counted apart: SQLite's BEGIN IMMEDIATE is issued as a statement by core/db.py but is not one of the writes.
"""

from __future__ import annotations

import re
import uuid
import warnings
from collections import Counter
from typing import Any, Self

from sqlalchemy import event
from workload import BENCH, order_command, order_json

_TABLE = re.compile(r"^\s*(?:SELECT\s.*?\sFROM|INSERT INTO|UPDATE|DELETE FROM)\s+(\w+)", re.IGNORECASE | re.DOTALL)


class StatementCounter:
    """Counts statements and transactions on an engine while active."""

    def __init__(self, engine: Any):
        self.engine = engine
        self.statements: Counter[str] = Counter()
        self.transactions = 0

    def _on_statement(self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        if statement.strip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            return
        verb = statement.split(None, 1)[0].upper()
        table = _TABLE.match(statement)
        self.statements[f"{verb} {table.group(1) if table else '?'}"] += 1

    def _on_begin(self, conn: Any) -> None:
        self.transactions += 1

    def __enter__(self) -> Self:
        event.listen(self.engine, "before_cursor_execute", self._on_statement)
        event.listen(self.engine, "begin", self._on_begin)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._on_statement)
        event.remove(self.engine, "begin", self._on_begin)

    def per_order(self, orders: int) -> dict[str, Any]:
        return {"statements": round(sum(self.statements.values()) / orders, 2),
                "transactions": round(self.transactions / orders, 2),
                "by_statement": {k: round(v / orders, 2) for k, v in sorted(self.statements.items())}}


def count_statements(url: str, api_key: str, *, orders: int = 10) -> dict[str, Any]:
    """Statements per order through the service and through the API (in-process, the same app as served)."""
    from fastapi.testclient import TestClient

    from orderworks.api.app import create_app
    from orderworks.core.db import make_engine, make_session_factory
    from orderworks.core.settings import Settings
    from orderworks.core.uow import UnitOfWork
    from orderworks.orders.service.placement import place_order

    engine = make_engine(url)
    factory = make_session_factory(engine)
    cmd = order_command()
    place_order(UnitOfWork(factory), cmd, actor=BENCH)  # first use: the number series row, warm caches
    with StatementCounter(engine) as service:
        for _ in range(orders):
            place_order(UnitOfWork(factory), cmd, actor=BENCH)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        app = create_app(Settings(database_url=url), engine=engine)
    body = order_json()
    with (TestClient(app, headers={"Authorization": f"Bearer {api_key}"}) as client,
          StatementCounter(engine) as http):
        for _ in range(orders):
            answer = client.post("/api/v1/orders", json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
            if answer.status_code != 201:
                raise RuntimeError(f"HTTP {answer.status_code}: {answer.text[:300]}")
    engine.dispose()
    return {"service": service.per_order(orders), "http": http.per_order(orders)}
