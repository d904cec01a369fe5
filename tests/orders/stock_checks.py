"""Reading stock, the ledger and the rows a use case writes, for assertions in order tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from orderworks.core.outbox import OutboxEvent
from orderworks.inventory.models import Reservation, StockLevel, StockMovement
from orderworks.inventory.service import ledger_mismatches, stock_for_sku
from orderworks.orders.models import DiscountCode, Order, OrderHistory, OrderLine
from tests.builders import NewUow


def levels(new_uow: NewUow, sku: str) -> dict[str, tuple[int, int, int]]:
    """(on_hand, reserved, available) per location."""
    return {s.location: (s.on_hand, s.reserved, s.available) for s in stock_for_sku(new_uow(), sku)}


def assert_ledger_rebuilds(new_uow: NewUow) -> None:
    """The ledger rebuilds every level, and each level's reserved is the sum of its live reservations."""
    assert ledger_mismatches(new_uow()) == []
    uow = new_uow()
    with uow:
        reserved = {(lv.variant_id, lv.location_id): lv.reserved
                    for lv in uow.session.execute(select(StockLevel)).scalars() if lv.reserved}
        live = {(variant_id, location_id): int(total) for variant_id, location_id, total in uow.session.execute(
            select(Reservation.variant_id, Reservation.location_id, func.sum(Reservation.quantity))
            .group_by(Reservation.variant_id, Reservation.location_id))}
    assert reserved == live


def times_used(new_uow: NewUow, code: str) -> int:
    uow = new_uow()
    with uow:
        return int(uow.session.execute(select(DiscountCode.times_used).where(DiscountCode.code == code)).scalar_one())


def outbox_types(new_uow: NewUow) -> list[str]:
    uow = new_uow()
    with uow:
        return list(uow.session.execute(select(OutboxEvent.type).where(OutboxEvent.aggregate_type == "order")
                                        .order_by(OutboxEvent.created_at)).scalars())


def written_state(new_uow: NewUow) -> dict[str, Any]:
    """Everything an order use case may write: a refused one must leave all of it as it was."""
    uow = new_uow()
    with uow:
        s = uow.session
        return {
            "orders": sorted((str(o.id), o.version, o.status, o.total, o.tax_total, o.discount_code,
                              str(o.shipping_address), o.customer_email, o.notes)
                             for o in s.execute(select(Order)).scalars()),
            "lines": sorted((str(li.id), li.sku, li.quantity, li.total) for li in s.execute(select(OrderLine)).scalars()),
            "reservations": sorted((str(r.order_line_id), str(r.location_id), r.quantity)
                                   for r in s.execute(select(Reservation)).scalars()),
            "movements": s.execute(select(func.count()).select_from(StockMovement)).scalar(),
            "levels": sorted((str(lv.id), lv.on_hand, lv.reserved) for lv in s.execute(select(StockLevel)).scalars()),
            "outbox": s.execute(select(func.count()).select_from(OutboxEvent)).scalar(),
            "history": s.execute(select(func.count()).select_from(OrderHistory)).scalar(),
            "codes": sorted((c.code, c.times_used) for c in s.execute(select(DiscountCode)).scalars()),
        }
