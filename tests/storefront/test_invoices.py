"""The customer downloads the invoices of their own order, and of no other."""

from __future__ import annotations

import subprocess

from orderworks.invoicing.service.invoices import issue_invoice, void_invoice
from tests.builders import STAFF
from tests.storefront.page import texts


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_the_order_page_links_its_invoice_and_the_link_gives_the_pdf(browser, new_uow, order, link) -> None:  # type: ignore[no-untyped-def]
    invoice = issue_invoice(new_uow(), order.id, actor=STAFF)
    page = browser.get(link(order)).text
    assert texts(page, "invoices")[0].startswith(f"Download invoice {invoice.number}")
    pdf = browser.get(f"{link(order)}/invoices/{invoice.id}.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    words = pdf_text(pdf.content)
    assert invoice.number in words and order.number in words and "110.47" in words


def test_another_orders_invoice_is_not_found_through_this_link(browser, new_uow, place, link) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = place(), place(email="bob@example.com")
    issue_invoice(new_uow(), mine.id, actor=STAFF)
    other = issue_invoice(new_uow(), theirs.id, actor=STAFF)
    answer = browser.get(f"{link(mine)}/invoices/{other.id}.pdf")
    assert answer.status_code == 404
    assert b"%PDF" not in answer.content and other.number not in answer.text
    assert browser.get(f"{link(theirs)}/invoices/{other.id}.pdf").status_code == 200


def test_bad_invoice_ids_void_invoices_and_forged_links_are_404(browser, new_uow, order, link) -> None:  # type: ignore[no-untyped-def]
    invoice = issue_invoice(new_uow(), order.id, actor=STAFF)
    assert browser.get(f"{link(order)}/invoices/not-an-id.pdf").status_code == 404
    assert browser.get(f"/track/forged.token/invoices/{invoice.id}.pdf").status_code == 404
    void_invoice(new_uow(), invoice.id, actor=STAFF, reason="wrong address")
    assert browser.get(f"{link(order)}/invoices/{invoice.id}.pdf").status_code == 404
    assert "Download invoice" not in browser.get(link(order)).text


def test_credit_notes_download_too_but_only_this_orders(browser, new_uow, place, link) -> None:  # type: ignore[no-untyped-def]
    from orderworks.invoicing.service.credit_notes import issue_credit_note

    mine, theirs = place(), place(email="bob@example.com")
    note = issue_credit_note(new_uow(), mine.id, amount=1000, reason="scratched leg", actor=STAFF)
    other = issue_credit_note(new_uow(), theirs.id, amount=500, reason="late", actor=STAFF)
    assert f"Download credit note {note.number}" in texts(browser.get(link(mine)).text, "invoices")[0]
    pdf = browser.get(f"{link(mine)}/credit-notes/{note.id}.pdf")
    assert pdf.status_code == 200 and note.number in pdf_text(pdf.content)
    assert browser.get(f"{link(mine)}/credit-notes/{other.id}.pdf").status_code == 404
    assert browser.get(f"{link(mine)}/credit-notes/nope.pdf").status_code == 404
