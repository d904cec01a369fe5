"""The unit of work: one use case, one transaction. Only the unit of work commits.

Use cases do `with uow: ...; uow.commit()`. The block may be nested (an API route that records an idempotency key
around a use case): inner commits are deferred to the outermost block, so the whole request is one transaction.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from orderworks.core.db import is_sqlite
from orderworks.core.outbox import Outbox


class UnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session], *, read_only: bool = False):
        self._factory = session_factory
        self._depth = 0
        self._committed = False
        self._read_only = read_only
        self.session: Session
        self.outbox: Outbox

    def reader(self) -> UnitOfWork:
        """A read-only unit of work on the same database (on SQLite it takes no write lock)."""
        return UnitOfWork(self._factory, read_only=True)

    @property
    def dialect(self) -> str:
        bind = self._factory.kw["bind"]
        return str(bind.dialect.name)

    def __enter__(self) -> UnitOfWork:
        if self._depth == 0:
            bind = self._factory.kw["bind"]
            if self._read_only and isinstance(bind, Engine) and is_sqlite(bind):
                bind = bind.execution_options(read_only=True)
            self.session = self._factory(bind=bind)
            self.outbox = Outbox(self.session)
            self._committed = False
        self._depth += 1
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._depth -= 1
        if self._depth > 0:
            return
        # close() rolls back whatever was not committed and detaches objects without expiring them, so what a
        # read-only use case loaded stays readable after the block.
        self.session.close()

    def commit(self) -> None:
        if self._depth > 1:
            self.session.flush()  # the outermost block commits; what follows in it must see these rows
            return
        self.session.commit()
        self._committed = True

    def flush(self) -> None:
        self.session.flush()

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        return self.session.execute(*args, **kwargs)
