"""Sample warehouse documents: used by the document tests and by scripts/doc_pictures_fulfillment.py."""

from __future__ import annotations

from datetime import UTC, datetime

from orderworks.fulfillment.carriers.builtin import tracking_number_for
from orderworks.fulfillment.documents import (
    ManifestDoc,
    ManifestPackage,
    PackingSlip,
    PackingSlipLine,
    PickList,
    PickListEntry,
)
from tests.fulfillment.conftest import SHIP_FROM, SHIP_TO

ORDER_DATE = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def packing_slip(locale: str = "en_US", *, note: str | None = "Gift: happy birthday, Ada!") -> PackingSlip:
    return PackingSlip(
        store_name="Chairs and Company", store_address=SHIP_FROM, order_number="#1001", order_date=ORDER_DATE,
        shipment_ref="S-1001-2", ship_to=SHIP_TO, locale=locale, note=note, lines=[
            PackingSlipLine("RED-CHAIR", "Red chair", ordered=4, in_this_package=2, shipped_earlier=1, to_follow=1),
            PackingSlipLine("CUSHION", "Seat cushion", ordered=2, in_this_package=2, shipped_earlier=0, to_follow=0),
            PackingSlipLine("TABLE-OAK", "Oak table", ordered=1, in_this_package=0, shipped_earlier=0, to_follow=1),
        ])


def pick_entries() -> list[PickListEntry]:
    rows = [("MAIN", "A-10", "RED-CHAIR", "Red chair", 2, "#1001"), ("MAIN", "A-2", "CUSHION", "Seat cushion", 1,
            "#1002"), ("MAIN", "B-1", "TABLE-OAK", "Oak table", 1, "#1001"), ("MAIN", "A-2", "CUSHION",
            "Seat cushion", 3, "#1003"), ("MAIN", None, "GIFT-WRAP", "Gift wrap", 1, "#1002"),
            ("EAST", "C-3", "LAMP", "Desk lamp", 1, "#1004"), ("MAIN", "A-9", "BLUE-CHAIR", "Blue chair", 4, "#1005")]
    names = {"MAIN": "Main warehouse", "EAST": "East warehouse"}
    return [PickListEntry(location_code=loc, location_name=names[loc], bin=bin_, sku=sku, name=name, quantity=qty,
                          order_number=order, shipment_ref=f"S-{order[1:]}-1")
            for loc, bin_, sku, name, qty, order in rows]


def pick_list(locale: str = "en_US", entries: list[PickListEntry] | None = None) -> PickList:
    return PickList(ref="PL-000042", created_at=datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
                    entries=pick_entries() if entries is None else entries, locale=locale)


def manifest(locale: str = "en_US", packages: int = 8) -> ManifestDoc:
    return ManifestDoc(
        number="MF-20261201-0007", carrier="builtin", carrier_name="orderworks Post", location_code="MAIN",
        location_name="Main warehouse", closed_at=datetime(2026, 12, 1, 17, 0, tzinfo=UTC), locale=locale,
        packages=[ManifestPackage(tracking_number=tracking_number_for(f"label:sample-{i}"),
                                  order_number=f"#{1001 + i}", shipment_ref=f"S-{1001 + i}-1",
                                  weight_grams=None if i == 3 else 1200 + 150 * i) for i in range(packages)])
