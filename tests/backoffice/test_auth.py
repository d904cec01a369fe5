"""Signing in and out, sessions, lock-out, CSRF and role checks, through the HTTP interface (TestClient)."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import select

from orderworks.backoffice.models import StaffSession, StaffUser
from orderworks.backoffice.rules import MAX_FAILED_ATTEMPTS
from orderworks.backoffice.web.auth import SESSION_COOKIE
from orderworks.backoffice.web.csrf import HEADER as CSRF_HEADER
from orderworks.core.clock import now
from tests.backoffice.conftest import PASSWORD, csrf_of, form_token


def _post_login(client, email, password):  # type: ignore[no-untyped-def]
    page = client.get("/admin/login")
    return client.post("/admin/login", data={"email": email, "password": password,
                                             "csrf_token": form_token(page.text)}, follow_redirects=False)


def test_pages_send_a_stranger_to_sign_in(browser_client):
    response = browser_client.get("/admin/orders?view=late", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login?next=/admin/orders?view=late"


def test_sign_in_opens_a_session_in_an_httponly_cookie(browser_client, make_staff, factory):
    email = make_staff("owner")
    response = _post_login(browser_client, email, PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == "/admin/orders"
    cookie = [c for c in response.headers.get_list("set-cookie") if c.startswith(f"{SESSION_COOKIE}=")][0]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/admin" in cookie
    token = browser_client.cookies.get(SESSION_COOKIE)
    with factory() as session:
        stored = session.execute(select(StaffSession.id)).scalars().all()
    assert len(stored) == 1 and token not in stored  # only a digest of the token is kept
    assert "Orders" in browser_client.get("/admin/orders").text


def test_wrong_password_is_refused_without_saying_whether_the_email_exists(browser_client, make_staff):
    email = make_staff("owner")
    wrong = _post_login(browser_client, email, "not the password")
    unknown = _post_login(browser_client, "nobody@shop.example", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong email or password" in wrong.text and "Wrong email or password" in unknown.text
    assert browser_client.get("/admin/orders", follow_redirects=False).status_code == 303


def test_repeated_failures_lock_the_account_even_for_the_right_password(browser_client, make_staff, factory):
    email = make_staff("owner")
    for _ in range(MAX_FAILED_ATTEMPTS - 1):
        assert _post_login(browser_client, email, "guess").status_code == 401
    assert _post_login(browser_client, email, "guess").status_code == 403
    locked = _post_login(browser_client, email, PASSWORD)
    assert locked.status_code == 403 and "locked" in locked.text
    with factory() as session:
        assert session.execute(select(StaffUser.locked_until)).scalar_one() > now()
    with time_machine.travel(now() + timedelta(minutes=16), tick=False):
        assert _post_login(browser_client, email, PASSWORD).status_code == 303


def test_an_expired_session_signs_out(staff_client):
    client = staff_client("owner")
    assert client.get("/admin/orders", follow_redirects=False).status_code == 200
    with time_machine.travel(now() + timedelta(hours=13), tick=False):
        assert client.get("/admin/orders", follow_redirects=False).status_code == 303


def test_sign_out_ends_the_session(staff_client, factory):
    client = staff_client("owner")
    assert client.post("/admin/logout", follow_redirects=False).status_code == 303
    with factory() as session:
        assert session.execute(select(StaffSession)).first() is None
    assert client.get("/admin/orders", follow_redirects=False).status_code == 303


def test_a_change_without_the_csrf_header_is_refused(staff_client, factory):
    client = staff_client("owner")
    del client.headers[CSRF_HEADER]
    assert client.post("/admin/logout").status_code == 403
    with factory() as session:
        assert session.execute(select(StaffSession)).first() is not None  # still signed in: nothing happened
    client.headers[CSRF_HEADER] = "forged-token"
    assert client.post("/admin/logout").status_code == 403


def test_the_sign_in_form_checks_its_csrf_field(browser_client, make_staff):
    email = make_staff("owner")
    csrf_of(browser_client)
    response = browser_client.post("/admin/login", data={"email": email, "password": PASSWORD,
                                                         "csrf_token": "forged"}, follow_redirects=False)
    assert response.status_code == 403


def test_sign_in_does_not_redirect_off_site(browser_client, make_staff):
    email = make_staff("owner")
    page = browser_client.get("/admin/login?next=//evil.example/")
    response = browser_client.post("/admin/login", data={"email": email, "password": PASSWORD, "next": "//evil.example/",
                                                         "csrf_token": form_token(page.text)}, follow_redirects=False)
    assert response.headers["location"] == "/admin/orders"


def test_api_routes_are_untouched_by_the_back_office_csrf(client):
    assert client.get("/health").status_code == 200
    assert client.post("/api/v1/orders", json={}).status_code == 422  # API keys, no cookies: no CSRF check
