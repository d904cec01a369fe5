"""Invoice and credit note PDFs, read back with pdftotext: what the customer sees, formatted for the locale."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime

import pytest

from orderworks.core.store import get_store
from orderworks.invoicing.documents import render_html, render_pdf
from orderworks.invoicing.service import PaymentLine, issue_credit_note, issue_invoice
from orderworks.invoicing.service.queries import get_invoice
from tests.builders import STAFF
from tests.invoicing.conftest import reprice_everything, set_seller


def pdf_text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return re.sub(r"[ \t]+", " ", out.stdout.decode())


def set_locale(new_uow, locale: str) -> None:  # type: ignore[no-untyped-def]
    uow = new_uow()
    with uow:
        get_store(uow.session).locale = locale
        uow.commit()


@pytest.mark.parametrize(("locale", "total", "taxes", "date"), [
    ("en_US", "$123.07", ["Tax 5% on $12.00 $0.60", "Tax 7.25% on $103.00 $7.47"], "December"),
    ("de_DE", "123,07 $", ["Tax 5 % on 12,00 $ 0,60 $", "Tax 7,25 % on 103,00 $ 7,47 $"], "Dezember"),
])
def test_an_invoice_pdf_shows_number_seller_customer_lines_totals_and_tax_lines(
        new_uow, order, locale, total, taxes, date) -> None:  # type: ignore[no-untyped-def]
    set_locale(new_uow, locale)
    invoice = issue_invoice(new_uow(), order.id, actor=STAFF)
    text = pdf_text(render_pdf(invoice.snapshot))

    for expected in (invoice.number, "Chairs and Company LLC", "Tax ID: US-EIN 12-3456789", "1 Market St",
                     "Ada Lovelace", "1600 Amphitheatre Pkwy", "RED-CHAIR", "Red chair", "CUSHION",
                     f"Order {order.number}", total, date, *taxes):
        assert expected in text, f"{expected!r} not in the PDF:\n{text}"
    assert re.search(rf"Total {re.escape(total)}", text)


def test_a_credit_note_pdf_shows_its_number_the_invoice_it_credits_and_its_tax(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    set_locale(new_uow, "de_DE")
    invoice = issue_invoice(new_uow(), order.id, actor=STAFF)
    note = issue_credit_note(new_uow(), order.id, amount=1000, reason="Kratzer am Stuhlbein", actor=STAFF,
                             refund_reference="re_42")
    text = pdf_text(render_pdf(note.snapshot))

    for expected in ("CREDIT NOTE", note.number, invoice.number, "Chairs and Company LLC", "Ada Lovelace",
                     "Kratzer am Stuhlbein", "re_42", "Tax 5 % on 0,97 $ 0,05 $", "Tax 7,25 % on 8,37 $ 0,61 $",
                     "Total credited 10,00 $"):
        assert expected in text, f"{expected!r} not in the PDF:\n{text}"


def test_the_pdf_is_the_sale_as_issued_whatever_changes_later(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    invoice = issue_invoice(new_uow(), order.id, actor=STAFF)
    before = pdf_text(render_pdf(invoice.snapshot))
    set_seller(new_uow, name="Renamed Ltd", legal_name="Renamed Ltd")
    reprice_everything(new_uow, 99900)
    after = pdf_text(render_pdf(get_invoice(new_uow(), invoice.id).invoice.snapshot))
    assert after == before
    assert "Renamed" not in after and "$49.00" in after


def test_payments_are_printed_when_given(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    invoice = issue_invoice(new_uow(), order.id, actor=STAFF, payments=[
        PaymentLine("card", "Visa 4242", 12307, datetime(2026, 12, 1, 9, 0, tzinfo=UTC))])
    assert "Visa 4242" in pdf_text(render_pdf(invoice.snapshot))


def test_templates_fetch_nothing_from_the_network(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    invoice = issue_invoice(new_uow(), order.id, actor=STAFF)
    html = render_html(invoice.snapshot)
    assert not re.search(r"(src|href)=|url\(|@import", html)
