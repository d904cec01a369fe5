"""The dashboard's figures in SQL and its charts as SVG (pure)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import ClassVar

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from orderworks.backoffice import dashboard
from orderworks.backoffice.charts import Bar, bar_chart
from orderworks.core.clock import now
from orderworks.core.db import UTCDateTime
from orderworks.core.uow import UnitOfWork
from orderworks.orders.models import Order


def test_the_chart_escapes_text_and_scales_bars_to_a_round_top():
    svg = str(bar_chart([Bar("<b>", 3, "3 orders & more", 500), Bar("x", 0, "none", 0)], label="Orders",
                        line_label="Revenue"))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "3 orders &amp; more" in svg
    assert svg.count('class="bar"') == 2 and ">5</text>" in svg  # 3 rounds up to an axis of 5
    assert "<polyline" in svg


def test_an_empty_chart_still_draws():
    assert str(bar_chart([], label="Nothing")).count("<rect") == 0


def test_orders_per_day_fill_the_month_and_leave_out_canceled(new_uow, placed, factory):
    placed()
    canceled = placed()
    with factory() as session:
        session.get(Order, canceled.id).status = "canceled"
        session.commit()
    d = dashboard.load_dashboard(new_uow(), at=now())
    assert len(d.days) == dashboard.DAYS and d.days[-1].day == now().date()
    assert d.days[-1].orders == 1 and d.days[-1].revenue == 11047
    assert d.orders_today == 1 and d.revenue_today == 11047
    assert sum(day.orders for day in d.days[:-1]) == 0
    assert d.ship_times is not None and sum(n for _, n in d.ship_times) == 0  # nothing shipped yet


class _Other(DeclarativeBase):
    type_annotation_map: ClassVar = {datetime: UTCDateTime}


class FakeShipment(_Other):
    """Stands in for fulfillment.models.Shipment (order_id, shipped_at), which lands with the fulfilment area."""

    __tablename__ = "test_fake_shipments"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    order_id: Mapped[uuid.UUID]
    shipped_at: Mapped[datetime | None]


@pytest.fixture
def shipments(engine, monkeypatch):  # type: ignore[no-untyped-def]
    _Other.metadata.create_all(engine)
    monkeypatch.setattr(dashboard, "_shipment_model", lambda: FakeShipment)
    yield FakeShipment
    _Other.metadata.drop_all(engine)


def test_time_to_ship_buckets_hours_in_sql(new_uow, placed, factory, shipments):
    orders = [placed(quantity=1) for _ in range(3)]
    with factory() as session:
        created = {o.id: session.execute(select(Order.created_at).where(Order.id == o.id)).scalar_one()
                   for o in orders}
        for order, hours in zip(orders, (2, 30, 200)):
            session.execute(insert(FakeShipment).values(order_id=order.id,
                                                        shipped_at=created[order.id] + timedelta(hours=hours)))
        session.commit()
    d = dashboard.load_dashboard(UnitOfWork(factory, read_only=True), at=now() + timedelta(days=10))
    counts = dict(d.ship_times or [])
    assert counts["< 4 h"] == 1 and counts["1-2 d"] == 1 and counts["5+ d"] == 1
    assert sum(counts.values()) == 3


def test_a_real_shipment_lands_in_its_time_bucket(new_uow, placed, relay, factory):
    import time_machine

    from orderworks.fulfillment.service.batch import ship_order
    from orderworks.payments.service.offline import record_offline_payment
    from tests.builders import STAFF

    order = placed(quantity=1)
    record_offline_payment(new_uow(), order.id, method="cash", actor=STAFF)
    relay()  # allocation and readiness, as the worker does
    with time_machine.travel(now() + timedelta(hours=30), tick=False):
        ship_order(new_uow(), order.id, carrier="ups", tracking_numbers=["1Z999AA10123456784"], actor=STAFF)
    d = dashboard.load_dashboard(new_uow(), at=now() + timedelta(hours=31))
    assert dict(d.ship_times or [])["1-2 d"] == 1
