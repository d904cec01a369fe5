"""Fulfilment fixtures: addresses, a label request and PDF readers for the carrier and document tests; the relay
run with the real subscriber table and small helpers to pay and read, for the use case tests."""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest

from orderworks.fulfillment.carriers.port import LabelAddress, LabelRequest, Parcel
from tests.fulfillment.recorded_server import RecordedServer, start

SHIP_FROM = LabelAddress(name="Chairs and Company", company=None, line1="1 Market St", line2="Suite 200",
                         city="San Francisco", region="CA", postal_code="94105", country="US", phone="+1 415 555 0199")
SHIP_TO = LabelAddress(name="Ada Lovelace", company="Analytical Engines Ltd", line1="1600 Amphitheatre Pkwy",
                       line2=None, city="Mountain View", region="CA", postal_code="94043", country="US",
                       phone="+1 650 555 0100")


PARCEL = Parcel(weight_grams=2500, length_mm=400, width_mm=300, height_mm=200)


def label_request(key: str = "label:shipment-1", *, ship_to: LabelAddress = SHIP_TO,
                  parcel: Parcel = PARCEL, service: str | None = None,
                  reference: str = "#1001 / S-1") -> LabelRequest:
    return LabelRequest(idempotency_key=key, ship_from=SHIP_FROM, ship_to=ship_to, parcel=parcel,
                        service=service, reference=reference)


def pdf_text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return re.sub(r"[ \t]+", " ", out.stdout.decode())


def barcodes(pdf: bytes, *, dpi: int = 300) -> list[tuple[str, str]]:
    """Every barcode on every page, decoded by zxing-cpp from pdftoppm's rendering: (format, text)."""
    import zxingcpp
    from PIL import Image

    found: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-", f"{tmp}/page"], input=pdf, check=True)
        for page in sorted(Path(tmp).glob("page*.png")):
            with Image.open(page) as image:
                found += [(b.format.name, b.text) for b in zxingcpp.read_barcodes(image)]
    return found


def page_sizes_in_inches(pdf: bytes) -> list[tuple[float, float]]:
    from pypdf import PdfReader

    return [(round(float(p.mediabox.width) / 72, 3), round(float(p.mediabox.height) / 72, 3))
            for p in PdfReader(BytesIO(pdf)).pages]


@pytest.fixture
def easypost_server() -> Iterator[RecordedServer]:
    recorded = RecordedServer()
    recorded.answer("GET", "/v2/shipments", "shipments_list_empty.json")
    recorded.answer("POST", "/v2/shipments", "shipment_create.json")
    recorded.answer("POST", r"/v2/shipments/shp_\w+/buy", "shipment_buy.json")
    recorded.answer("POST", r"/v2/shipments/shp_\w+/buy", "shipment_buy_express.json",
                    body_contains="rate_1c7a0e3b6d2f4e8a9b4c7d0f3a6b9e21")
    recorded.answer("GET", r"/files/postage_label/.*\.pdf", "label.pdf")
    server = start(recorded)
    yield recorded
    server.shutdown()
    server.server_close()


# ---- use case fixtures ----

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from orderworks.core.relay import relay_until_idle
from orderworks.core.uow import UnitOfWork
from orderworks.fulfillment.models import Shipment
from orderworks.fulfillment.service.queries import ShipmentView, shipments_for_order
from orderworks.orders.models import Order
from orderworks.payments.service.offline import record_offline_payment
from orderworks.subscribers import SUBSCRIBERS
from tests.builders import STAFF


@pytest.fixture
def relay(factory: sessionmaker[Session]) -> Callable[[], int]:
    return lambda: relay_until_idle(factory, SUBSCRIBERS)


@pytest.fixture
def pay(new_uow: Callable[[], UnitOfWork], relay: Callable[[], int]) -> Callable[[Order], None]:
    def _pay(order: Order) -> None:
        record_offline_payment(new_uow(), order.id, method="cash", actor=STAFF)
        relay()
    return _pay


@pytest.fixture
def shipments(new_uow: Callable[[], UnitOfWork]) -> Callable[[Order], list[ShipmentView]]:
    def _read(order: Order) -> list[ShipmentView]:
        uow = new_uow()
        with uow:
            return shipments_for_order(uow, order.id)
    return _read


@pytest.fixture
def reload(new_uow: Callable[[], UnitOfWork]) -> Callable[[Order], Order]:
    def _reload(order: Order) -> Order:
        uow = new_uow()
        with uow:
            return uow.session.execute(select(Order).where(Order.id == order.id)).scalar_one()
    return _reload


def outbox_types(new_uow: Callable[[], UnitOfWork], order: Order) -> list[str]:
    from orderworks.core.outbox import OutboxEvent

    uow = new_uow()
    with uow:
        return list(uow.session.execute(select(OutboxEvent.type).where(OutboxEvent.aggregate_id == str(order.id))
                                        .order_by(OutboxEvent.created_at)).scalars())


__all__ = ["Shipment", "outbox_types"]
