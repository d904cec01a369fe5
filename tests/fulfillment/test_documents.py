"""Packing slips, pick lists and dispatch manifests, read back as a warehouse would: the text (pdftotext), every
barcode scanned back (zxing-cpp on a 300 dpi rendering), the paper size by locale."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from orderworks.fulfillment.documents import (
    manifest_html,
    packing_slip_html,
    pick_list_html,
    pick_walk,
    render_manifest,
    render_packing_slip,
    render_pick_list,
)
from orderworks.fulfillment.rendering import paper_for
from tests.fulfillment import samples
from tests.fulfillment.conftest import barcodes, page_sizes_in_inches, pdf_text

A4 = (8.268, 11.693)
LETTER = (8.5, 11.0)


def in_order(text: str, *parts: str) -> bool:
    """Each part appears in the text after the one before it."""
    at = 0
    for part in parts:
        at = text.find(part, at)
        if at < 0:
            return False
        at += len(part)
    return True


def test_a_packing_slip_shows_this_package_what_shipped_earlier_and_what_follows() -> None:
    pdf = render_packing_slip(samples.packing_slip())
    text = pdf_text(pdf)

    for expected in ("PACKING SLIP", "#1001", "S-1001-2", "December 1, 2026", "Chairs and Company", "1 Market St",
                     "Ada Lovelace", "1600 Amphitheatre Pkwy", "Mountain View CA 94043", "In this package",
                     "Shipped earlier", "To follow", "Gift: happy birthday, Ada!"):
        assert expected in text, f"{expected!r} not on the slip:\n{text}"
    assert re.search(r"RED-CHAIR Red chair 4 2 1 1", text)
    assert re.search(r"CUSHION Seat cushion 2 2 – –", text)
    assert re.search(r"TABLE-OAK Oak table 1 0 – 1", text)
    assert re.search(r"Items in this package 4", text) and re.search(r"Items to follow 2", text)
    assert in_order(text, "Ships later", "RED-CHAIR", "TABLE-OAK")
    assert barcodes(pdf) == [("Code128", "#1001")]


def test_a_slip_with_nothing_to_follow_has_no_ships_later_section() -> None:
    slip = samples.packing_slip(note=None)
    slip = replace(slip, lines=[replace(line, to_follow=0) for line in slip.lines])
    text = pdf_text(render_packing_slip(slip))
    assert "Ships later" not in text and "Items to follow" not in text and "NOTE" not in text


@pytest.mark.parametrize(("locale", "paper", "date"), [
    ("en_US", LETTER, "December 1, 2026"), ("fr_CA", LETTER, "1 décembre 2026"),
    ("de_DE", A4, "1. Dezember 2026"), ("en_GB", A4, "1 December 2026"), ("fr", A4, "1 décembre 2026"),
])
def test_paper_and_dates_follow_the_locale(locale: str, paper: tuple[float, float], date: str) -> None:
    pdf = render_packing_slip(samples.packing_slip(locale))
    assert page_sizes_in_inches(pdf) == [paper]
    assert date in pdf_text(pdf)


def test_an_unknown_locale_falls_back_to_us_english() -> None:
    assert paper_for("xx_YY") == "Letter"
    assert "December 1, 2026" in pdf_text(render_packing_slip(samples.packing_slip("xx_YY")))


def test_a_pick_list_is_grouped_by_location_then_bin_in_walking_order() -> None:
    pdf = render_pick_list(samples.pick_list())
    text = pdf_text(pdf)

    for expected in ("PICK LIST", "PL-000042", "Dec 1, 2026", "Picked by", "Checked by"):
        assert expected in text, f"{expected!r} not on the pick list:\n{text}"
    assert re.search(r"Orders 5", text) and re.search(r"Lines · units 7 · 13", text)
    assert in_order(text, "EAST · East warehouse (1 unit)", "C-3 LAMP", "MAIN · Main warehouse (12 units)",
                    "A-2 CUSHION", "CUSHION Seat cushion 3", "A-9 BLUE-CHAIR", "A-10 RED-CHAIR", "B-1 TABLE-OAK",
                    "— GIFT-WRAP")
    assert barcodes(pdf) == [("Code128", "PL-000042")]


def test_a_pick_list_has_a_checkbox_per_line_and_the_bin_once_per_bin() -> None:
    html = pick_list_html(samples.pick_list())
    assert html.count('class="box"') == len(samples.pick_entries())
    walk = pick_walk(samples.pick_entries())
    assert [(loc.code, [b.name for b in loc.bins]) for loc in walk] == [
        ("EAST", ["C-3"]), ("MAIN", ["A-2", "A-9", "A-10", "B-1", None])]
    assert [e.order_number for e in walk[1].bins[0].entries] == ["#1002", "#1003"]


def test_a_long_pick_list_runs_over_pages_with_every_line() -> None:
    entries = [replace(samples.pick_entries()[0], bin=f"R-{i}", sku=f"SKU-{i:03}", order_number=f"#{2000 + i}")
               for i in range(90)]
    pdf = render_pick_list(samples.pick_list(entries=entries))
    text = pdf_text(pdf)
    assert len(page_sizes_in_inches(pdf)) > 1
    assert all(f"SKU-{i:03}" in text for i in range(90))
    assert in_order(text, *(f"R-{i} SKU-{i:03}" for i in range(90)))


def test_a_manifest_lists_every_package_with_totals_signature_lines_and_its_barcode() -> None:
    doc = samples.manifest()
    pdf = render_manifest(doc)
    text = pdf_text(pdf)

    for expected in ("DISPATCH MANIFEST", "MF-20261201-0007", "orderworks Post (builtin)", "MAIN · Main warehouse",
                     "Dec 1, 2026", "12.15 kg", "1 not weighed", "Driver name", "Driver signature",
                     "Pickup date and time", "8 packages handed to orderworks Post"):
        assert expected in text, f"{expected!r} not on the manifest:\n{text}"
    assert in_order(text, *(p.tracking_number for p in doc.packages))
    assert re.search(rf"{doc.packages[0].tracking_number} #1001 S-1001-1 1.20 kg", text)
    assert ("Code128", "MF-20261201-0007") in barcodes(pdf)


def test_a_manifest_of_a_busy_day_runs_over_pages_and_keeps_every_tracking_number() -> None:
    doc = samples.manifest("de_DE", packages=120)
    pdf = render_manifest(doc)
    text = pdf_text(pdf)
    assert len(page_sizes_in_inches(pdf)) >= 3 and page_sizes_in_inches(pdf)[0] == A4
    assert all(p.tracking_number in text for p in doc.packages)
    assert "120 packages" in text and "01.12.2026, 17:00" in text
    assert "1,20 kg" in text  # babel's German decimal comma


def test_documents_escape_what_customers_typed_and_fetch_nothing_from_the_network() -> None:
    slip = replace(samples.packing_slip(note="<script>alert(1)</script>"),
                   ship_to=replace(samples.packing_slip().ship_to, name="Bobby <b>Tables</b>"))
    html = packing_slip_html(slip)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;Tables" in html
    for page in (html, pick_list_html(samples.pick_list()), manifest_html(samples.manifest())):
        assert not re.search(r"(src|href)=\"(?!data:)", page)
        assert "url(http" not in page
