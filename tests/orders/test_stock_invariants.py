"""Random sequences of place / edit / cancel / hold / release over 2 SKUs at 2 locations: stock never goes
negative, every level's reserved is the sum of its live reservations, each live order holds exactly what its
lines need, and the ledger rebuilds the levels after every step."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from orderworks.core.errors import DomainError
from orderworks.inventory.models import Reservation, StockLevel
from orderworks.orders.models import Order, OrderLine
from orderworks.orders.quote import LineRequest
from orderworks.orders.service.editing import OrderChanges, edit_order
from orderworks.orders.service.lifecycle import cancel_order, hold_order, release_order
from orderworks.orders.service.placement import place_order
from tests.builders import STAFF, NewUow, order_cmd, two_location_store
from tests.orders.stock_checks import assert_ledger_rebuilds

quantities = st.tuples(st.integers(0, 6), st.integers(0, 9))  # RED-CHAIR (15 in stock), BLUE-LAMP (8, backorderable)


def _lines(red: int, blue: int) -> list[LineRequest]:
    wanted = [("RED-CHAIR", red), ("BLUE-LAMP", blue)]
    return [LineRequest(sku, qty, field=f"lines[{i}]") for i, (sku, qty) in enumerate(q for q in wanted if q[1])]


def _held_as_lines_say(new_uow: NewUow) -> None:
    """A live order holds what its lines need (minus what is backordered); a canceled one holds nothing."""
    uow = new_uow()
    with uow:
        held: dict[object, int] = defaultdict(int)
        for order_id, quantity in uow.session.execute(select(Reservation.order_id, Reservation.quantity)):
            held[order_id] += quantity
        needed: dict[object, int] = defaultdict(int)
        for order_id, status, quantity, backordered in uow.session.execute(
                select(Order.id, Order.status, OrderLine.quantity, OrderLine.backordered_quantity)
                .join(OrderLine, OrderLine.order_id == Order.id)):
            if status != "canceled":
                needed[order_id] += quantity - backordered
        levels = list(uow.session.execute(select(StockLevel.on_hand, StockLevel.reserved)))
    assert dict(held) == {k: v for k, v in needed.items() if v}
    assert all(0 <= reserved <= on_hand for on_hand, reserved in levels)


def test_random_placements_edits_cancels_and_holds_keep_stock_exact(new_uow) -> None:  # type: ignore[no-untyped-def]
    two_location_store(new_uow, lamp_backorderable=True)

    class OrdersAndStock(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.orders: list[object] = []

        def _pick(self, index: int) -> Order:
            uow = new_uow()
            with uow:
                return uow.session.get_one(Order, self.orders[index % len(self.orders)])

        @rule(wanted=quantities)
        def place(self, wanted: tuple[int, int]) -> None:
            try:
                order = place_order(new_uow(), order_cmd(lines=_lines(*wanted) or _lines(1, 0)), actor=STAFF)
            except DomainError:
                return
            self.orders.append(order.id)

        @precondition(lambda self: self.orders)
        @rule(index=st.integers(0, 20), wanted=quantities)
        def edit(self, index: int, wanted: tuple[int, int]) -> None:
            order = self._pick(index)
            try:
                edit_order(new_uow(), order.id, actor=STAFF, changes=OrderChanges(lines=_lines(*wanted)),
                           expected_version=order.version)
            except DomainError:
                pass

        @precondition(lambda self: self.orders)
        @rule(index=st.integers(0, 20), action=st.sampled_from(["cancel", "hold", "release"]))
        def move(self, index: int, action: str) -> None:
            order, uow = self._pick(index), new_uow()
            try:
                if action == "cancel":
                    cancel_order(uow, order.id, actor=STAFF, reason="random")
                elif action == "hold":
                    hold_order(uow, order.id, actor=STAFF)
                else:
                    release_order(uow, order.id, actor=STAFF)
            except DomainError:
                pass

        @invariant()
        def stock_adds_up(self) -> None:
            _held_as_lines_say(new_uow)
            assert_ledger_rebuilds(new_uow)

        def teardown(self) -> None:
            # The database outlives the example: give its stock back so the next one starts from full shelves.
            for order_id in self.orders:
                try:
                    cancel_order(new_uow(), order_id, actor=STAFF, reason="end of example")
                except DomainError:
                    pass
            self.stock_adds_up()

    run_state_machine_as_test(OrdersAndStock, settings=settings(
        max_examples=8, stateful_step_count=12, deadline=None, database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))
