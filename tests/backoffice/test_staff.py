"""Staff accounts: creation rules, the CLI, and the expired-session job."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from orderworks.backoffice.models import StaffSession, StaffUser
from orderworks.backoffice.service import create_staff, delete_expired_sessions, sign_in
from orderworks.core.clock import now
from orderworks.core.errors import AlreadyExists, ValidationFailed
from orderworks.core.settings import Settings


def test_create_staff_checks_email_role_and_password(new_uow):
    with pytest.raises(ValidationFailed) as bad_role:
        create_staff(new_uow(), email="a@shop.example", name="A", password="long enough pw", role="integration")
    assert bad_role.value.field == "role"
    with pytest.raises(ValidationFailed) as short:
        create_staff(new_uow(), email="a@shop.example", name="A", password="short", role="owner")
    assert short.value.field == "password"
    with pytest.raises(ValidationFailed) as bad_email:
        create_staff(new_uow(), email="not an email", name="A", password="long enough pw", role="owner")
    assert bad_email.value.field == "email"
    staff = create_staff(new_uow(), email="Ann@Shop.Example", name="", password="long enough pw", role="finance")
    assert (staff.email, staff.name, staff.role) == ("ann@shop.example", "ann", "finance")
    with pytest.raises(AlreadyExists):
        create_staff(new_uow(), email="ann@shop.example", name="Ann", password="long enough pw", role="owner")


def test_the_password_is_stored_as_an_argon2_hash(new_uow, factory):
    create_staff(new_uow(), email="a@shop.example", name="A", password="long enough pw", role="owner")
    with factory() as session:
        stored = session.execute(select(StaffUser.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and "long enough pw" not in stored


def test_expired_sessions_are_deleted_by_the_job(new_uow, factory):
    create_staff(new_uow(), email="a@shop.example", name="A", password="long enough pw", role="owner")
    sign_in(new_uow(), email="a@shop.example", password="long enough pw")
    assert delete_expired_sessions(factory, Settings(), now()) == 0
    assert delete_expired_sessions(factory, Settings(), now() + timedelta(hours=13)) == 1
    with factory() as session:
        assert session.execute(select(StaffSession)).first() is None


def test_cli_staff_create(tmp_path, engine):
    env = {**os.environ, "ORDERWORKS_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    cli = [sys.executable, "-m", "orderworks.cli", "staff"]
    made = subprocess.run([*cli, "create", "--email", "clerk@shop.example", "--password", "clerk-password-1",
                           "--role", "fulfillment"], env=env, capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stdout + made.stderr
    assert "clerk@shop.example created (fulfillment)" in made.stdout
    refused = subprocess.run([*cli, "create", "--email", "x@shop.example", "--password", "pw", "--role", "owner"],
                             env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1 and "validation_failed" in refused.stdout
    listed = subprocess.run([*cli, "list"], env={**env, "COLUMNS": "200"}, capture_output=True, text=True, timeout=60)
    assert "clerk@shop.example" in listed.stdout and "fulfillment" in listed.stdout
