"""Feedback after delivery: taken from the customer's own page only, stored once per order, seen by staff."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from orderworks.core.outbox import OutboxEvent
from orderworks.orders.models import OrderHistory
from orderworks.storefront.models import OrderFeedback
from tests.storefront.page import hidden, text


@pytest.fixture
def delivered(order, pay, ship):  # type: ignore[no-untyped-def]
    pay(order)
    ship(order, deliver=True)
    return order


def send(browser, path: str, **form: str):  # type: ignore[no-untyped-def]
    if "proof" not in form:
        form["proof"] = hidden(browser.get(path).text, "proof")
    return browser.post(f"{path}/feedback", data=form)


def written(new_uow) -> tuple[list[OrderFeedback], list[str]]:  # type: ignore[no-untyped-def]
    uow = new_uow()
    with uow:
        rows = list(uow.session.execute(select(OrderFeedback)).scalars())
        events = list(uow.session.execute(select(OutboxEvent.type).where(OutboxEvent.type == "FeedbackReceived"))
                      .scalars())
    return rows, events


def test_no_form_before_delivery_and_a_post_is_refused(browser, new_uow, order, pay, link, app) -> None:  # type: ignore[no-untyped-def]
    from orderworks.storefront.rules import feedback_proof

    pay(order)
    page = browser.get(link(order)).text
    assert 'name="rating"' not in page and "How did we do?" not in page
    token = link(order).rsplit("/", 1)[1]
    answer = browser.post(f"{link(order)}/feedback", data={
        "rating": "5", "proof": feedback_proof(app.state.settings.secret_key, token)})
    assert answer.status_code == 409
    assert "once your order has been delivered" in text(answer.text, "message")
    assert written(new_uow) == ([], [])


def test_feedback_after_delivery_is_stored_and_staff_see_it(browser, client, new_uow, delivered, link) -> None:  # type: ignore[no-untyped-def]
    assert "How did we do?" in browser.get(link(delivered)).text
    answer = send(browser, link(delivered), rating="5", comment="  Lovely chairs, quick delivery. ")
    assert answer.status_code == 303 and answer.headers["location"].endswith("?feedback=thanks#feedback")
    assert text(browser.get(answer.headers["location"]).text, "ok") == "Thank you for your feedback!"

    api = client.get(f"/api/v1/orders/{delivered.id}/feedback").json()
    assert api["number"] == delivered.number
    assert {k: api["feedback"][k] for k in ("rating", "comment", "times_sent")} == {
        "rating": 5, "comment": "Lovely chairs, quick delivery.", "times_sent": 1}
    view = client.get(f"/api/v1/orders/{delivered.id}").json()
    assert view["feedback"]["rating"] == 5
    assert next(h for h in view["history"] if h["action"] == "feedback_received")["actor"]["kind"] == "customer"

    uow = new_uow()
    with uow:
        event = uow.session.execute(select(OutboxEvent).where(OutboxEvent.type == "FeedbackReceived")).scalar_one()
    assert event.payload == {"order_id": str(delivered.id), "number": delivered.number, "rating": 5,
                             "comment": "Lovely chairs, quick delivery.", "updated": False}


def test_sending_again_replaces_the_answer(browser, client, new_uow, delivered, link) -> None:  # type: ignore[no-untyped-def]
    send(browser, link(delivered), rating="2", comment="Late")
    page = browser.get(link(delivered)).text
    assert 'value="2" required checked' in page and ">Late</textarea>" in page
    assert send(browser, link(delivered), rating="4", comment="Arrived fine in the end").status_code == 303
    rows, events = written(new_uow)
    assert [(r.rating, r.comment, r.times_sent) for r in rows] == [(4, "Arrived fine in the end", 2)]
    assert events == ["FeedbackReceived", "FeedbackReceived"]
    uow = new_uow()
    with uow:
        actions = list(uow.session.execute(select(OrderHistory.action).where(
            OrderHistory.order_id == delivered.id, OrderHistory.action.like("feedback%"))
            .order_by(OrderHistory.created_at)).scalars())
    assert actions == ["feedback_received", "feedback_updated"]


@pytest.mark.parametrize("rating", ["", "0", "6", "-1", "3.5", "five", " ", "10000000000000000000"])
def test_bad_ratings_are_refused_and_nothing_is_written(browser, new_uow, delivered, link, rating) -> None:  # type: ignore[no-untyped-def]
    answer = send(browser, link(delivered), rating=rating, comment="hello")
    assert answer.status_code == 422
    assert "from 1 to 5" in text(answer.text, "message")
    assert ">hello</textarea>" in answer.text  # what the customer wrote is kept for the next try
    assert written(new_uow) == ([], [])


def test_a_too_long_comment_is_refused(browser, new_uow, delivered, link) -> None:  # type: ignore[no-untyped-def]
    answer = send(browser, link(delivered), rating="4", comment="x" * 2001)
    assert answer.status_code == 422
    assert "too long" in text(answer.text, "message")
    assert written(new_uow) == ([], [])


def test_a_cross_site_post_is_refused(browser, new_uow, place, pay, ship, link) -> None:  # type: ignore[no-untyped-def]
    mine, other = place(), place(email="bob@example.com")
    for o in (mine, other):
        pay(o)
        ship(o, deliver=True)
    others_proof = hidden(browser.get(link(other)).text, "proof")
    for proof in ("", "0" * 64, others_proof):
        answer = browser.post(f"{link(mine)}/feedback", data={"rating": "1", "proof": proof})
        assert answer.status_code == 403
        assert "This form has expired" in text(answer.text, "message")
    foreign = send(browser, link(mine), rating="1")
    assert foreign.status_code == 303  # the page's own proof works...
    proof = hidden(browser.get(link(mine)).text, "proof")
    evil = browser.post(f"{link(mine)}/feedback", data={"rating": "1", "proof": proof},
                        headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403  # ...but not posted from another site
    rows, _ = written(new_uow)
    assert [(r.order_id, r.times_sent) for r in rows] == [(mine.id, 1)]


def test_a_forged_link_cannot_post_feedback(browser, new_uow, delivered) -> None:  # type: ignore[no-untyped-def]
    assert browser.post("/track/forged/feedback", data={"rating": "5", "proof": "x"}).status_code == 404
    assert written(new_uow) == ([], [])


def test_staff_api_for_an_order_without_feedback_and_an_unknown_order(client, order) -> None:  # type: ignore[no-untyped-def]
    assert client.get(f"/api/v1/orders/{order.id}/feedback").json()["feedback"] is None
    assert client.get(f"/api/v1/orders/{order.id}").json()["feedback"] is None
    missing = client.get("/api/v1/orders/01a230ab-c569-76a3-bef6-7c0c8754677e/feedback")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
