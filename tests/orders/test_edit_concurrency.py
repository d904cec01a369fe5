"""Edits racing each other and racing new orders: one winner per version, stock never oversold, no deadlock."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from orderworks.core.errors import DomainError
from orderworks.orders.quote import LineRequest
from orderworks.orders.service.editing import OrderChanges, edit_order
from orderworks.orders.service.placement import place_order
from orderworks.orders.service.queries import get_order
from tests.builders import STAFF, order_cmd, two_location_store
from tests.orders.stock_checks import assert_ledger_rebuilds, levels


def test_concurrent_edits_from_the_same_version_have_exactly_one_winner(new_uow) -> None:  # type: ignore[no-untyped-def]
    two_location_store(new_uow)
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 1)), actor=STAFF)

    def attempt(quantity: int) -> str:
        try:
            edit_order(new_uow(), order.id, actor=STAFF, changes=OrderChanges(lines=[LineRequest("RED-CHAIR", quantity)]),
                       expected_version=order.version)
            return f"edited to {quantity}"
        except DomainError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(attempt, range(2, 8)))

    [won] = [o for o in outcomes if o.startswith("edited")]
    assert outcomes.count("stale_version") == 5
    final = get_order(new_uow(), order.id).order
    assert won == f"edited to {final.lines[0].quantity}"
    assert final.version == order.version + 1
    assert sum(reserved for _, reserved, _ in levels(new_uow, "RED-CHAIR").values()) == final.lines[0].quantity
    assert_ledger_rebuilds(new_uow)


def test_edits_racing_new_orders_for_the_last_units_never_oversell(new_uow) -> None:  # type: ignore[no-untyped-def]
    two_location_store(new_uow)  # 15 RED-CHAIR over two locations
    first = [place_order(new_uow(), order_cmd(("RED-CHAIR", 1), discount_code="SAVE10"), actor=STAFF)
             for _ in range(3)]

    def grow(i: int) -> str:
        try:
            edit_order(new_uow(), first[i].id, actor=STAFF, changes=OrderChanges(lines=[LineRequest("RED-CHAIR", 6)]),
                       expected_version=first[i].version)
            return "edited"
        except DomainError as exc:
            return exc.code

    def place(i: int) -> str:
        try:
            place_order(new_uow(), order_cmd(("RED-CHAIR", 1), discount_code="SAVE10", email=f"c{i}@example.com"),
                        actor=STAFF)
            return "placed"
        except DomainError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=8) as pool:
        edits = [pool.submit(grow, i) for i in range(3)]
        placements = [pool.submit(place, i) for i in range(10)]
        outcomes = [f.result() for f in edits + placements]

    assert set(outcomes) <= {"edited", "placed", "insufficient_stock"}
    demanded = 6 * outcomes[:3].count("edited") + (3 - outcomes[:3].count("edited")) + outcomes[3:].count("placed")
    stock = levels(new_uow, "RED-CHAIR")
    assert sum(reserved for _, reserved, _ in stock.values()) == demanded <= 15
    assert all(available >= 0 for _, _, available in stock.values())
    assert_ledger_rebuilds(new_uow)
