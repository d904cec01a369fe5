"""What every `orderworks` command shares: the console, a session factory for the configured database, and how a
refused command reports its error (code, message, field) and exits 1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from orderworks.core.db import make_engine, make_session_factory
from orderworks.core.errors import DomainError
from orderworks.core.settings import get_settings

console = Console()


def session_factory() -> sessionmaker[Session]:
    return make_session_factory(make_engine(get_settings().database_url))


def fail(exc: DomainError) -> NoReturn:
    console.print(f"[red]{exc.code}[/red]: {exc.message}" + (f" ({exc.field})" if exc.field else ""))
    raise typer.Exit(1)


@contextmanager
def refusals() -> Iterator[None]:
    """Around a command's use case: a refusal prints why and exits 1, never a traceback."""
    try:
        yield
    except DomainError as exc:
        fail(exc)
    except (DataError, IntegrityError) as exc:  # a value the database refuses (too long for its column, ...)
        console.print(f"[red]rejected_by_database[/red]: {str(exc.orig).splitlines()[0]}")
        raise typer.Exit(1) from exc
