"""The guard on every reservation: a level without enough stock refuses the whole reservation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from orderworks.catalog.models import Variant
from orderworks.catalog.service import ProductSpec, create_product
from orderworks.core.errors import Conflict
from orderworks.inventory import reservations
from orderworks.inventory.models import StockLevel
from orderworks.inventory.service import adjust_stock, stock_for_sku
from tests.builders import STAFF, basic_store


def _level_ids(uow) -> dict[str, object]:  # type: ignore[no-untyped-def]
    with uow:
        return dict(uow.session.execute(
            select(Variant.sku, StockLevel.id).join(StockLevel, StockLevel.variant_id == Variant.id)).all())


def test_a_level_short_of_stock_refuses_the_reservation_of_every_level(new_uow) -> None:  # type: ignore[no-untyped-def]
    basic_store(new_uow, stock=5)
    create_product(new_uow(), ProductSpec(sku="BLUE-LAMP", name="Blue lamp", price="24.50", currency="USD"))
    adjust_stock(new_uow(), sku="BLUE-LAMP", location="MAIN", quantity=2, reason="receipt", actor=STAFF)
    levels = _level_ids(new_uow())
    uow = new_uow()

    with pytest.raises(Conflict), uow:  # the guard itself, as if the allocation above it were wrong
        reservations._guarded_reserve(uow.session, [{"lid": levels["RED-CHAIR"], "qty": 1},
                                                    {"lid": levels["BLUE-LAMP"], "qty": 3}])
        uow.commit()

    assert [(lv.on_hand, lv.reserved) for lv in stock_for_sku(new_uow(), "RED-CHAIR")] == [(5, 0)]
    assert [(lv.on_hand, lv.reserved) for lv in stock_for_sku(new_uow(), "BLUE-LAMP")] == [(2, 0)]
