"""Invoice rules, pure: transitions, numbers, tax per rate, splitting a credit."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from orderworks.core.errors import InvalidTransition
from orderworks.invoicing import rules
from orderworks.invoicing.rules import InvoiceStatus, TaxedLine, TaxLine


def invoice(status: str) -> SimpleNamespace:
    return SimpleNamespace(status=status)


def test_an_issued_invoice_may_be_paid_or_voided_and_nothing_leaves_paid_or_void() -> None:
    allowed = {(a, b) for a in InvoiceStatus for b in InvoiceStatus if rules.INVOICE_TRANSITIONS.can(a, b)}
    assert allowed == {(InvoiceStatus.ISSUED, InvoiceStatus.PAID), (InvoiceStatus.ISSUED, InvoiceStatus.VOID)}


def test_mark_paid_moves_issued_to_paid() -> None:
    doc = invoice("issued")
    rules.mark_paid(doc)
    assert doc.status == "paid"


@pytest.mark.parametrize("status", ["paid", "void"])
def test_only_an_issued_invoice_is_voided(status: str) -> None:
    with pytest.raises(InvalidTransition) as refused:
        rules.void(invoice(status), credited=0)
    assert refused.value.details == {"from": status, "to": "void", "action": "void"}


def test_a_void_invoice_is_not_paid() -> None:
    with pytest.raises(InvalidTransition, match="Cannot mark as paid an invoice that is void"):
        rules.mark_paid(invoice("void"))


def test_an_invoice_with_credit_notes_is_not_voided() -> None:
    doc = invoice("issued")
    with pytest.raises(InvalidTransition, match="credit notes"):
        rules.void(doc, credited=500)
    assert doc.status == "issued"


@pytest.mark.parametrize(("status", "ok"), [("draft", False), ("canceled", False), ("pending", True),
                                            ("processing", True), ("on_hold", True), ("completed", True)])
def test_which_orders_can_be_invoiced(status: str, ok: bool) -> None:
    assert rules.can_invoice(status) is ok


def test_numbers_are_zero_padded_per_prefix_and_year() -> None:
    assert rules.format_number("INV-", 2026, 1) == "INV-2026-000001"
    assert rules.format_number("CN-", 2027, 1234567) == "CN-2027-1234567"
    assert rules.series_name("invoice", "INV-", 2026) != rules.series_name("credit_note", "INV-", 2026)


def test_tax_lines_put_shipping_at_the_rate_whose_tax_its_lines_do_not_explain() -> None:
    lines = [TaxedLine(net=9800, tax=711, rate_ppm=72500), TaxedLine(net=1200, tax=60, rate_ppm=50000)]
    got = rules.derive_tax_lines(lines, shipping_net=500, breakdown=[(50000, 60), (72500, 747)])
    assert got == [TaxLine(50000, 1200, 60), TaxLine(72500, 10300, 747)]


def test_untaxed_shipping_and_exempt_lines_show_as_a_zero_rate_line() -> None:
    lines = [TaxedLine(net=2500, tax=0, rate_ppm=0), TaxedLine(net=1000, tax=73, rate_ppm=72500)]
    got = rules.derive_tax_lines(lines, shipping_net=500, breakdown=[(72500, 73)])
    assert got == [TaxLine(0, 3000, 0), TaxLine(72500, 1000, 73)]


def test_a_credit_spread_over_rates_adds_up_to_the_amount_with_tax_inside_each_share() -> None:
    invoiced = [TaxLine(50000, 1200, 60), TaxLine(72500, 10300, 747)]
    got = rules.split_credit(1000, invoiced)
    assert sum(t.net + t.tax for t in got) == 1000
    assert got == [TaxLine(50000, 97, 5), TaxLine(72500, 837, 61)]


def test_a_full_credit_gives_back_exactly_the_tax_charged() -> None:
    invoiced = [TaxLine(50000, 1200, 60), TaxLine(72500, 10300, 747)]
    assert rules.split_credit(12307, invoiced) == invoiced


def test_credit_by_rate_sums_lines_of_one_rate() -> None:
    assert rules.credit_by_rate([(1073, 72500), (1073, 72500), (1050, 50000)]) == [
        TaxLine(50000, 1000, 50), TaxLine(72500, 2000, 146)]


def test_what_is_left_to_credit_never_goes_below_zero() -> None:
    assert rules.creditable(12307, 2307) == 10000
    assert rules.creditable(100, 150) == 0


def test_rates_print_without_trailing_zeros() -> None:
    assert [rules.percent(p) for p in (72500, 50000, 88750, 0)] == ["7.25", "5", "8.875", "0"]
