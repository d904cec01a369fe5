"""Twins racing: the same order sent at once with one Idempotency-Key makes one order and one answer."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from orderworks.inventory.service import stock_for_sku
from orderworks.orders.models import Order
from tests.builders import ORDER_JSON, basic_store


def test_the_same_order_sent_four_times_at_once_is_placed_once(app, owner_key, new_uow) -> None:  # type: ignore[no-untyped-def]
    basic_store(new_uow, stock=10)
    start = threading.Barrier(4)

    def send(_: int) -> tuple[int, dict[str, object]]:
        with TestClient(app, headers={"Authorization": f"Bearer {owner_key}"}) as client:
            start.wait()
            answer = client.post("/api/v1/orders", json=ORDER_JSON, headers={"Idempotency-Key": "twins"})
            return answer.status_code, answer.json()

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(send, range(4)))

    assert [status for status, _ in answers] == [201] * 4, answers
    assert len({body["id"] for _, body in answers}) == 1  # type: ignore[index]
    uow = new_uow()
    with uow:
        assert uow.session.execute(select(func.count()).select_from(Order)).scalar() == 1
    [level] = stock_for_sku(new_uow(), "RED-CHAIR")
    assert level.reserved == 2  # the losers' reservations were rolled back with their orders
