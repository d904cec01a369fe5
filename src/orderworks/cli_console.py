"""What every `orderworks` command shares: the console, a unit of work on the configured database, and how a
refused command reports its domain error (code, message, field) and exits 1."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
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
