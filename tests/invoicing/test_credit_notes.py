"""Credit notes: partial, several, per line, never more than what is left, their own series, one per refund."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from orderworks.core.errors import DomainError
from orderworks.invoicing.models import CreditNote, Invoice
from orderworks.invoicing.service import CreditLine, issue_credit_note, issue_invoice, void_invoice
from orderworks.orders.service.lifecycle import cancel_order
from tests.builders import STAFF
from tests.invoicing.conftest import outbox_types

YEAR = datetime.now(UTC).year


def credit(new_uow, order, amount: int, **kw):  # type: ignore[no-untyped-def]
    return issue_credit_note(new_uow(), order.id, amount=amount, reason=kw.pop("reason", "goodwill"), actor=STAFF, **kw)


def credit_notes(new_uow) -> list[CreditNote]:  # type: ignore[no-untyped-def]
    uow = new_uow()
    with uow:
        return list(uow.session.execute(select(CreditNote).order_by(CreditNote.number)).scalars())


def test_a_partial_credit_spreads_over_the_invoice_tax_rates(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    invoice = issue_invoice(new_uow(), order.id, actor=STAFF)
    note = credit(new_uow, order, 1000, reason="scratched leg")

    assert (note.number, note.invoice_id, note.total, note.tax_total) == (f"CN-{YEAR}-000001", invoice.id, 1000, 66)
    assert note.snapshot["tax_lines"] == [{"rate_ppm": 50000, "net": 97, "tax": 5},
                                          {"rate_ppm": 72500, "net": 837, "tax": 61}]
    assert note.snapshot["totals"] == {"net": 934, "tax": 66, "total": 1000}
    assert note.snapshot["invoice"]["number"] == invoice.number
    assert note.snapshot["seller"] == invoice.snapshot["seller"]
    assert outbox_types(new_uow)[-1] == "CreditNoteIssued"


def test_several_credits_take_consecutive_numbers_of_their_own_series(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    issue_invoice(new_uow(), order.id, actor=STAFF)
    numbers = [credit(new_uow, order, 1000).number for _ in range(3)]
    assert numbers == [f"CN-{YEAR}-00000{i}" for i in (1, 2, 3)]


def test_a_credit_beyond_what_is_left_is_refused_and_writes_nothing(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    issue_invoice(new_uow(), order.id, actor=STAFF)
    credit(new_uow, order, 12000)
    with pytest.raises(DomainError) as refused:
        credit(new_uow, order, 308)
    assert (refused.value.code, refused.value.status, refused.value.field) == ("credit_exceeds_invoice", 409, "amount")
    assert refused.value.details["creditable"] == "3.07"
    assert "USD 3.07" not in refused.value.message and "3.07 USD left" in refused.value.message
    last = credit(new_uow, order, 307)
    assert [c.total for c in credit_notes(new_uow)] == [12000, 307]
    assert last.number == f"CN-{YEAR}-000002"  # the refused one took no number


def test_a_full_credit_gives_back_all_the_tax(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    invoice = issue_invoice(new_uow(), order.id, actor=STAFF)
    note = credit(new_uow, order, invoice.total)
    assert note.tax_total == invoice.tax_total


def test_a_line_credit_is_taxed_at_that_line_rate(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    invoice = issue_invoice(new_uow(), order.id, actor=STAFF)
    chair, cushion = (x["line_id"] for x in invoice.snapshot["lines"])
    note = credit(new_uow, order, 5256 + 1260, lines=[CreditLine(chair, 1, 5256), CreditLine(cushion, 1, 1260)])
    assert [(x["sku"], x["quantity"], x["amount"], x["tax"]) for x in note.snapshot["lines"]] == [
        ("RED-CHAIR", 1, 5256, 355), ("CUSHION", 1, 1260, 60)]
    assert note.snapshot["tax_lines"] == [{"rate_ppm": 50000, "net": 1200, "tax": 60},
                                          {"rate_ppm": 72500, "net": 4901, "tax": 355}]


def test_a_line_credits_no_more_units_than_were_invoiced(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    invoice = issue_invoice(new_uow(), order.id, actor=STAFF)
    chair = invoice.snapshot["lines"][0]["line_id"]
    credit(new_uow, order, 5000, lines=[CreditLine(chair, 1, 5000)])
    credit(new_uow, order, 5000, lines=[CreditLine(chair, 1, 5000)])
    with pytest.raises(DomainError) as refused:
        credit(new_uow, order, 500, lines=[CreditLine(chair, 1, 500)])
    assert (refused.value.code, refused.value.field, refused.value.details) == (
        "credit_exceeds_invoice", "lines[0].quantity", {"creditable_units": 0})


def test_a_line_credits_no_more_than_the_line_total(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    invoice = issue_invoice(new_uow(), order.id, actor=STAFF)
    cushion = invoice.snapshot["lines"][1]["line_id"]
    with pytest.raises(DomainError) as refused:
        credit(new_uow, order, 1261, lines=[CreditLine(cushion, 1, 1261)])
    assert (refused.value.field, refused.value.details) == ("lines[0].amount", {"creditable": "12.60"})


@pytest.mark.parametrize(("amount", "lines", "field"), [
    (0, None, "amount"),
    (100, [], "lines"),
    (100, [CreditLine("nope", 1, 100)], "lines[0].line_id"),
    (100, [CreditLine("x", 0, 100)], "lines[0].quantity"),
    (200, [CreditLine("x", 1, 100)], "amount"),
])
def test_bad_credit_requests_name_the_field(new_uow, order, amount, lines, field) -> None:  # type: ignore[no-untyped-def]
    issue_invoice(new_uow(), order.id, actor=STAFF)
    with pytest.raises(DomainError) as refused:
        credit(new_uow, order, amount, lines=lines)
    assert (refused.value.status, refused.value.field) == (422, field)
    assert credit_notes(new_uow) == []


def test_the_same_refund_reference_returns_the_same_credit_note(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    issue_invoice(new_uow(), order.id, actor=STAFF)
    first = credit(new_uow, order, 2000, refund_reference="re_123")
    again = credit(new_uow, order, 2000, refund_reference="re_123")
    assert again.id == first.id
    assert len(credit_notes(new_uow)) == 1
    assert outbox_types(new_uow).count("CreditNoteIssued") == 1


def test_a_refund_reference_reused_for_another_amount_is_refused(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    issue_invoice(new_uow(), order.id, actor=STAFF)
    credit(new_uow, order, 2000, refund_reference="re_123")
    with pytest.raises(DomainError) as refused:
        credit(new_uow, order, 2500, refund_reference="re_123")
    assert (refused.value.code, refused.value.status) == ("refund_reference_reused", 409)


def test_crediting_an_order_with_no_invoice_issues_its_invoice_first(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    note = credit(new_uow, order, 1000, refund_reference="re_9")
    uow = new_uow()
    with uow:
        invoice = uow.session.execute(select(Invoice)).scalar_one()
    assert (note.invoice_id, invoice.number) == (invoice.id, f"INV-{YEAR}-000001")
    assert outbox_types(new_uow)[-2:] == ["InvoiceIssued", "CreditNoteIssued"]


def test_a_canceled_order_never_invoiced_has_nothing_to_credit(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    cancel_order(new_uow(), order.id, actor=STAFF, reason="out of stock")
    with pytest.raises(DomainError) as refused:
        credit(new_uow, order, 1000)
    assert refused.value.code == "order_not_invoiceable"


def test_a_canceled_order_with_an_invoice_is_still_credited(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    invoice = issue_invoice(new_uow(), order.id, actor=STAFF)
    cancel_order(new_uow(), order.id, actor=STAFF, reason="customer changed their mind")
    assert credit(new_uow, order, invoice.total).total == invoice.total


def test_an_invoice_with_a_credit_note_is_not_voided(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    invoice = issue_invoice(new_uow(), order.id, actor=STAFF)
    credit(new_uow, order, 1000)
    with pytest.raises(DomainError) as refused:
        void_invoice(new_uow(), invoice.id, actor=STAFF, reason="mistake")
    assert (refused.value.code, refused.value.status) == ("invalid_transition", 409)


def test_a_credit_after_a_void_credits_the_new_invoice(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    first = issue_invoice(new_uow(), order.id, actor=STAFF)
    void_invoice(new_uow(), first.id, actor=STAFF, reason="wrong address")
    second = issue_invoice(new_uow(), order.id, actor=STAFF)
    assert credit(new_uow, order, 1000).invoice_id == second.id
