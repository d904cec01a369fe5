"""Placing an order is a handful of SQL statements (DESIGN.md, scale-out): counted, so a regression shows."""

from __future__ import annotations

from sqlalchemy import event

from orderworks.catalog.service import ProductSpec, create_product
from orderworks.inventory.service import adjust_stock
from orderworks.orders.service.placement import place_order
from tests.builders import STAFF, basic_store, order_cmd


def test_a_three_line_order_is_written_in_a_handful_of_statements(engine, new_uow) -> None:  # type: ignore[no-untyped-def]
    basic_store(new_uow, stock=100)
    for sku in ("BLUE-LAMP", "OAK-TABLE"):
        create_product(new_uow(), ProductSpec(sku=sku, name=sku, price="10.00", currency="USD", weight_grams=100))
        adjust_stock(new_uow(), sku=sku, location="MAIN", quantity=100, reason="receipt", actor=STAFF)
    place_order(new_uow(), order_cmd(("RED-CHAIR", 1)), actor=STAFF)  # starts the number series
    issued: list[str] = []

    def count(conn, cursor, statement, params, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if not statement.startswith("BEGIN"):
            issued.append(" ".join(statement.split()[:3]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        order = place_order(new_uow(), order_cmd(("RED-CHAIR", 1), ("BLUE-LAMP", 2), ("OAK-TABLE", 1)), actor=STAFF)
    finally:
        event.remove(engine, "before_cursor_execute", count)

    # 5 reads (store, catalog, tax, shipping, stock levels), number, 3 guarded reservations in one executemany,
    # reservations, movements, order, lines, history, outbox: 13. The order is not updated after its INSERT.
    assert len(issued) == 13, issued
    assert [s for s in issued if s.startswith("UPDATE orders")] == []
    assert issued.count("UPDATE stock_levels SET") == 1
    assert order.version == 1 and order.placed_at is not None
