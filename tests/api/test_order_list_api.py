"""The order list over HTTP: every filter, search, keyset pagination; hold, release and notes with their history."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from orderworks.orders.models import Order
from orderworks.orders.service.lifecycle import cancel_order, hold_order
from orderworks.orders.service.placement import Customer, place_order
from tests.builders import ORDER_JSON, STAFF, NewUow, order_cmd, two_location_store

_keys = itertools.count()
DAY_ONE = datetime(2026, 1, 1, 12, tzinfo=UTC)


def _set(new_uow: NewUow, number: str, **values: object) -> None:
    # Statuses that later areas derive (payments, shipments) and placement dates, set directly for the test.
    uow = new_uow()
    with uow:
        uow.execute(update(Order.__table__).where(Order.__table__.c.number == number).values(**values))
        uow.commit()


@pytest.fixture
def orders(new_uow) -> list[str]:  # type: ignore[no-untyped-def]
    """Five orders, one a day from DAY_ONE: pending, on hold, canceled, backordered, paid and shipped."""
    two_location_store(new_uow, lamp_backorderable=True)
    people = [("web", "ada@example.com", "Ada Lovelace"), ("phone", "grace@example.com", "Grace Hopper"),
              ("api", "alan@example.com", "Alan Turing"), ("web", "Grace@Example.COM", "Grace Hopper"),
              ("marketplace", "edsger@example.com", "Edsger Dijkstra")]
    placed = [place_order(new_uow(), order_cmd(("BLUE-LAMP", 10) if i == 3 else ("RED-CHAIR", 1), channel=channel,
                                               customer=Customer(email=email, name=name)), actor=STAFF)
              for i, (channel, email, name) in enumerate(people)]
    hold_order(new_uow(), placed[1].id, actor=STAFF, reason="fraud check")
    cancel_order(new_uow(), placed[2].id, actor=STAFF, reason="customer asked")
    _set(new_uow, placed[4].number, payment_status="authorized", fulfillment_status="fulfilled")
    for i, order in enumerate(placed):
        _set(new_uow, order.number, created_at=DAY_ONE + timedelta(days=i))
    return [o.number for o in placed]


def numbers(client, **params: object) -> list[str]:  # type: ignore[no-untyped-def]
    listed = client.get("/api/v1/orders", params=params)
    assert listed.status_code == 200, listed.text
    return [o["number"] for o in listed.json()["items"]]


@pytest.mark.parametrize(("params", "expected"), [
    ({}, [4, 3, 2, 1, 0]),
    ({"status": "on_hold"}, [1]),
    ({"status": "canceled"}, [2]),
    ({"status": "pending"}, [4, 3, 0]),
    ({"payment_status": "authorized"}, [4]),
    ({"payment_status": "unpaid"}, [3, 2, 1, 0]),
    ({"fulfillment_status": "fulfilled"}, [4]),
    ({"channel": "phone"}, [1]),
    ({"channel": "web"}, [3, 0]),
    ({"customer_email": "Grace@Example.com"}, [3, 1]),
    ({"created_from": "2026-01-02T00:00:00Z", "created_to": "2026-01-04T00:00:00Z"}, [2, 1]),
    ({"created_from": "2026-01-04T12:00:00Z"}, [4, 3]),
    ({"backordered": "true"}, [3]),
    ({"backordered": "false"}, [4, 2, 1, 0]),
    ({"channel": "web", "backordered": "false"}, [0]),
])
def test_each_filter_lists_exactly_its_orders_newest_first(orders, client, params, expected) -> None:  # type: ignore[no-untyped-def]
    assert numbers(client, **params) == [orders[i] for i in expected]


@pytest.mark.parametrize(("q", "expected"), [
    ("{n2}", [2]), ("#{n2}", [2]), ("grace@example.com", [3, 1]), ("gra", [3, 1]), ("Grace H", [3, 1]),
    ("hopper", []), ("ALAN", [2]), ("99999", []),
])
def test_search_by_number_email_and_start_of_name(orders, client, q, expected) -> None:  # type: ignore[no-untyped-def]
    assert numbers(client, q=q.format(n2=orders[2])) == [orders[i] for i in expected]


def test_keyset_pages_have_no_duplicates_or_gaps_and_stay_stable_under_inserts(new_uow, client) -> None:  # type: ignore[no-untyped-def]
    two_location_store(new_uow)
    placed = [place_order(new_uow(), order_cmd(("RED-CHAIR", 1)), actor=STAFF).number for _ in range(7)]
    for number in placed[1:5]:  # four orders at the very same moment: the id breaks the tie
        _set(new_uow, number, created_at=DAY_ONE)
    every = numbers(client, limit=50)

    first = client.get("/api/v1/orders", params={"limit": 3}).json()
    place_order(new_uow(), order_cmd(("RED-CHAIR", 1)), actor=STAFF)  # arrives while the client pages on
    seen = [o["number"] for o in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = client.get("/api/v1/orders", params={"limit": 3, "cursor": cursor}).json()
        seen += [o["number"] for o in page["items"]]
        cursor = page["next_cursor"]

    assert seen == every
    assert sorted(seen) == sorted(placed)
    assert client.get("/api/v1/orders", params={"cursor": "not-a-cursor"}).json()["error"]["field"] == "cursor"


def test_hold_release_and_notes_through_the_api_write_history(new_uow, client) -> None:  # type: ignore[no-untyped-def]
    two_location_store(new_uow)
    key = lambda: {"Idempotency-Key": f"k{next(_keys)}"}
    order = client.post("/api/v1/orders", json=ORDER_JSON, headers=key()).json()
    path = f"/api/v1/orders/{order['id']}"

    held = client.post(f"{path}/hold", json={"reason": "address check"}, headers=key())
    assert (held.status_code, held.json()["status"]) == (200, "on_hold")
    again = client.post(f"{path}/hold", json={}, headers=key())
    assert (again.status_code, again.json()["error"]["code"]) == (409, "invalid_transition")
    released = client.post(f"{path}/release", json={"note": "address confirmed"}, headers=key())
    assert released.json()["status"] == "pending"
    noted = client.post(f"{path}/notes", json={"body": "called the customer"}, headers=key())
    assert noted.status_code == 201

    body = client.get(path).json()
    assert [(h["action"], h["from_status"], h["to_status"], h["note"]) for h in body["history"]] == [
        ("placed", None, "pending", ""), ("held", "pending", "on_hold", "address check"),
        ("released", "on_hold", "pending", "address confirmed"), ("note_added", None, None, "called the customer")]
    assert [n["body"] for n in body["staff_notes"]] == ["called the customer"]
    assert client.get("/api/v1/stock/RED-CHAIR").json()["reserved"] == 2  # a hold keeps the stock
