"""Finding an order by number and email, the signed link, and what a wrong guess learns (nothing)."""

from __future__ import annotations

import pytest

from orderworks.core.signing import order_link_token
from orderworks.orders.service.placement import place_order
from orderworks.storefront.models import LookupFailure
from orderworks.storefront.service import LookupLimit, TooManyLookups, find_order_for_customer
from tests.builders import STAFF, order_cmd
from tests.storefront.page import text, texts


def lookup(browser, number: str, email: str):  # type: ignore[no-untyped-def]
    return browser.post("/track", data={"number": number, "email": email})


def test_the_form_asks_for_number_and_email(browser, order) -> None:  # type: ignore[no-untyped-def]
    page = browser.get("/track")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'name="number"' in page.text and 'name="email"' in page.text
    assert text(page.text, "card").startswith("Track your order")


def test_the_right_pair_leads_to_the_signed_link_whatever_the_email_case(browser, order, link) -> None:  # type: ignore[no-untyped-def]
    answer = lookup(browser, f" #{order.number} ", "  ADA@Example.COM ")
    assert answer.status_code == 303
    assert answer.headers["location"] == link(order)
    page = browser.get(answer.headers["location"])
    assert page.status_code == 200
    assert f"Order {order.number}" in text(page.text, "card")


def test_a_wrong_email_and_an_unknown_number_answer_exactly_the_same(browser, order) -> None:  # type: ignore[no-untyped-def]
    wrong_email = lookup(browser, order.number, "eve@example.com")
    unknown_number = lookup(browser, "999999", "ada@example.com")
    assert wrong_email.status_code == unknown_number.status_code == 404
    assert wrong_email.content == unknown_number.content
    assert dict(wrong_email.headers) == dict(unknown_number.headers)
    assert "could not find an order with that number and email" in text(wrong_email.text, "message")
    assert order.number not in wrong_email.text


def test_an_empty_field_is_asked_for_again(browser, order) -> None:  # type: ignore[no-untyped-def]
    answer = lookup(browser, order.number, "")
    assert answer.status_code == 422
    assert "enter both" in text(answer.text, "message")


def test_a_draft_cannot_be_looked_up(browser, new_uow, place) -> None:  # type: ignore[no-untyped-def]
    draft = place_order(new_uow(), order_cmd(("RED-CHAIR", 1), draft=True), actor=STAFF)
    assert draft.status == "draft"
    assert lookup(browser, draft.number, "ada@example.com").status_code == 404


def test_wrong_pairs_are_limited_per_client(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    limit = LookupLimit(allowed=3)
    for _ in range(3):
        with pytest.raises(Exception) as refused:
            find_order_for_customer(new_uow(), number=order.number, email="eve@example.com", client="203.0.113.9",
                                    limit=limit)
        assert refused.value.code == "order_lookup_failed"  # type: ignore[attr-defined]
    with pytest.raises(TooManyLookups):  # even the right pair, until the window passes
        find_order_for_customer(new_uow(), number=order.number, email="ada@example.com", client="203.0.113.9",
                                limit=limit)
    assert find_order_for_customer(new_uow(), number=order.number, email="ada@example.com", client="198.51.100.1",
                                   limit=limit) == order.id
    uow = new_uow()
    with uow:
        assert uow.session.query(LookupFailure).count() == 3


def test_the_form_says_wait_after_too_many_wrong_pairs(browser, order) -> None:  # type: ignore[no-untyped-def]
    answers = [lookup(browser, order.number, f"guess{i}@example.com").status_code for i in range(5)]
    assert answers == [404] * 5
    blocked = lookup(browser, order.number, "ada@example.com")
    assert blocked.status_code == 429
    assert "Too many attempts" in text(blocked.text, "message")


def test_a_forged_or_damaged_token_is_a_404_page(browser, order, link) -> None:  # type: ignore[no-untyped-def]
    good = link(order)
    forged = order_link_token("another-secret", str(order.id))
    unknown = order_link_token(browser.app.state.settings.secret_key, "01a230ab-c569-76a3-bef6-7c0c8754677e")
    not_a_uuid = order_link_token(browser.app.state.settings.secret_key, "1001")
    for path in (f"/track/{forged}", good[:-2] + "xx", "/track/nonsense", f"/track/{unknown}",
                 f"/track/{not_a_uuid}"):
        page = browser.get(path)
        assert page.status_code == 404, path
        assert texts(page.text, "card")[0].startswith("Link not valid"), path
        assert order.number not in page.text


def test_the_page_keeps_its_link_to_itself(browser, order, link) -> None:  # type: ignore[no-untyped-def]
    page = browser.get(link(order))
    assert page.headers["referrer-policy"] == "same-origin"  # the token never reaches a carrier's site
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def test_the_limit_lifts_when_the_window_has_passed(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    import time_machine

    limit = LookupLimit(allowed=2)
    with time_machine.travel("2030-01-01 09:00:00+00:00", tick=False) as clock:
        for _ in range(2):
            with pytest.raises(Exception, match="No order matches"):
                find_order_for_customer(new_uow(), number=order.number, email="x@example.com", client="c1",
                                        limit=limit)
        with pytest.raises(TooManyLookups):
            find_order_for_customer(new_uow(), number=order.number, email="ada@example.com", client="c1", limit=limit)
        clock.shift(16 * 60)
        assert find_order_for_customer(new_uow(), number=order.number, email="ada@example.com", client="c1",
                                       limit=limit) == order.id


def test_a_fresh_store_answers_the_form(browser) -> None:  # type: ignore[no-untyped-def]
    assert browser.get("/track").status_code == 200
    assert lookup(browser, "1001", "ada@example.com").status_code == 404
    assert browser.post("/track", data={"number": "1\x00", "email": "a\x00@x"}).status_code == 404
    assert browser.post("/track", content=b"\xff\xfe", headers={
        "content-type": "application/x-www-form-urlencoded"}).status_code == 422
