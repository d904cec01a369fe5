"""Never oversold: many customers racing for the last units."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from orderworks.core.errors import DomainError
from orderworks.inventory.service import ledger_mismatches, stock_for_sku
from orderworks.orders.models import Order
from orderworks.orders.service.placement import place_order
from tests.builders import STAFF, basic_store, order_cmd


def test_fifty_customers_racing_for_the_last_ten_units_get_exactly_ten_orders(new_uow) -> None:  # type: ignore[no-untyped-def]
    basic_store(new_uow, stock=10)

    def attempt(i: int) -> str:
        try:
            place_order(new_uow(), order_cmd(("RED-CHAIR", 1), email=f"c{i}@example.com"), actor=STAFF)
            return "placed"
        except DomainError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(attempt, range(50)))

    assert outcomes.count("placed") == 10
    assert outcomes.count("insufficient_stock") == 40
    [level] = stock_for_sku(new_uow(), "RED-CHAIR")
    assert (level.on_hand, level.reserved, level.available) == (10, 10, 0)
    uow = new_uow()
    with uow:
        assert uow.session.execute(select(func.count()).select_from(Order)).scalar() == 10
        numbers = set(uow.session.execute(select(Order.number)).scalars())
    assert len(numbers) == 10
    assert ledger_mismatches(new_uow()) == []
