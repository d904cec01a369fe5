"""Test fixtures: every database test runs on SQLite, and again on PostgreSQL when ORDERWORKS_TEST_DATABASE_URL
is set (CI always sets it). Each test gets a freshly migrated, empty database."""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from orderworks.core.db import make_engine, make_session_factory
from orderworks.core.migrate import upgrade
from orderworks.core.uow import UnitOfWork
from orderworks.migrations.registry import metadata

PG_URL = os.environ.get("ORDERWORKS_TEST_DATABASE_URL")
IN_CI = bool(os.environ.get("CI"))


def pytest_configure(config: pytest.Config) -> None:
    # Whatever a test does through the default settings (the relay writing .eml files, the queue file) lands in a
    # directory of this run, never in the checkout's ./var.
    os.environ.setdefault("ORDERWORKS_VAR_DIR", tempfile.mkdtemp(prefix="orderworks-test-var-"))
    if IN_CI and not PG_URL:
        raise pytest.UsageError("CI must set ORDERWORKS_TEST_DATABASE_URL: PostgreSQL tests may not be skipped")


def pytest_report_header(config: pytest.Config) -> str:
    if PG_URL:
        return f"databases: sqlite + postgresql ({make_url(PG_URL).render_as_string(hide_password=True)})"
    return "databases: sqlite ONLY -- set ORDERWORKS_TEST_DATABASE_URL to run the PostgreSQL half of the suite"


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
    if not PG_URL:
        terminalreporter.write_line(
            "WARNING: PostgreSQL tests were NOT run (ORDERWORKS_TEST_DATABASE_URL is unset)", red=True, bold=True)


BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def _reset_postgres(url: str) -> None:
    """Create the test database if needed, then migrate it from empty."""
    sa_url = make_url(url)
    admin = create_engine(sa_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": sa_url.database}).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{sa_url.database}"'))
    admin.dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    upgrade(url)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    if not PG_URL:
        pytest.fail("ORDERWORKS_TEST_DATABASE_URL is not set")
    url = _per_worker(PG_URL)
    _reset_postgres(url)
    return url


def _per_worker(url: str) -> str:
    """Under pytest-xdist each worker gets its own database (orderworks_ci_gw0, ...): the fixtures empty it."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    sa_url = make_url(url)
    return sa_url.set(database=f"{sa_url.database}_{worker}").render_as_string(hide_password=False)


TABLES = ", ".join(t.name for t in reversed(metadata.sorted_tables))


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(sqlite_template, path)
        eng = make_engine(f"sqlite:///{path}")
    else:
        url = request.getfixturevalue("postgres_url")
        eng = make_engine(url, pool_size=20)
        with eng.begin() as conn:
            conn.execute(text(f"TRUNCATE {TABLES} CASCADE"))
    yield eng
    eng.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def new_uow(factory: sessionmaker[Session]) -> Callable[[], UnitOfWork]:
    """A fresh unit of work (one per thread in concurrency tests)."""
    return lambda: UnitOfWork(factory)


@pytest.fixture
def uow(new_uow: Callable[[], UnitOfWork]) -> UnitOfWork:
    return new_uow()


@pytest.fixture
def app(engine: Engine):  # type: ignore[no-untyped-def]
    from orderworks.api.app import create_app
    from orderworks.core.settings import Settings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return create_app(Settings(database_url=str(engine.url)), engine=engine)


@pytest.fixture
def owner_key(new_uow: Callable[[], UnitOfWork]) -> str:
    from orderworks.core.apikeys import create_api_key

    return create_api_key(new_uow(), name="test owner", role="owner").key


@pytest.fixture
def client(app, owner_key: str) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, headers={"Authorization": f"Bearer {owner_key}"}) as c:
        yield c
