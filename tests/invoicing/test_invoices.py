"""Issuing, paying and voiding invoices, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from orderworks.core.errors import DomainError
from orderworks.core.store import get_store
from orderworks.invoicing.models import Invoice, IssuedDocumentChanged
from orderworks.invoicing.service import (
    PaymentLine,
    invoice_on_capture,
    issue_invoice,
    mark_invoice_paid,
    void_invoice,
)
from orderworks.invoicing.service.settings import update_invoice_settings
from orderworks.orders.models import Order, OrderHistory
from orderworks.orders.service.lifecycle import cancel_order
from tests.builders import STAFF, order_cmd
from tests.invoicing.conftest import outbox_types, reprice_everything, set_seller

CAPTURED = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def count_invoices(new_uow) -> int:  # type: ignore[no-untyped-def]
    uow = new_uow()
    with uow:
        return len(uow.session.execute(select(Invoice.id)).all())


def test_issuing_freezes_the_sale_under_the_first_number_of_the_year(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    invoice = issue_invoice(new_uow(), order.id, actor=STAFF,
                            payments=[PaymentLine("card", "Visa 4242", 12307, CAPTURED)])

    assert (invoice.number, invoice.status, invoice.total, invoice.tax_total) == (
        f"INV-{datetime.now(UTC).year}-000001", "issued", 12307, 807)
    s = invoice.snapshot
    assert s["seller"] == {"name": "Chairs & Co", "legal_name": "Chairs and Company LLC",
                           "tax_id": "US-EIN 12-3456789", "email": "billing@chairs.example",
                           "phone": "+1 415 555 0100", "country": "US",
                           "address": {"line1": "1 Market St", "city": "San Francisco", "region": "CA",
                                       "postal_code": "94105", "country": "US"}}
    assert s["customer"] == {"name": "Ada Lovelace", "email": "ada@example.com", "phone": None}
    assert s["billing_address"]["line1"] == s["shipping_address"]["line1"] == "1600 Amphitheatre Pkwy"
    assert [(x["sku"], x["quantity"], x["unit_price"], x["tax_rate_ppm"], x["tax"], x["total"]) for x in s["lines"]] == [
        ("RED-CHAIR", 2, 4900, 72500, 711, 10511), ("CUSHION", 1, 1200, 50000, 60, 1260)]
    assert s["tax_lines"] == [{"rate_ppm": 50000, "net": 1200, "tax": 60}, {"rate_ppm": 72500, "net": 10300, "tax": 747}]
    assert s["totals"] == {"items": 11000, "discount": 0, "shipping": 500, "tax": 807, "total": 12307}
    assert s["payments"] == [{"method": "card", "reference": "Visa 4242", "amount": 12307,
                              "captured_at": CAPTURED.isoformat(), "captured_on": "2026-12-01"}]
    assert (s["currency"], s["locale"], s["order"]["number"]) == ("USD", "en_US", order.number)
    assert outbox_types(new_uow)[-1] == "InvoiceIssued"


def test_issuing_writes_the_order_timeline(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    invoice = issue_invoice(new_uow(), order.id, actor=STAFF)
    uow = new_uow()
    with uow:
        entry = uow.session.execute(select(OrderHistory).where(OrderHistory.action == "invoice_issued")).scalar_one()
    assert (entry.note, entry.actor_name, entry.data["invoice_id"]) == (invoice.number, "Sam Staff", str(invoice.id))


def test_a_second_issue_returns_the_invoice_the_order_has(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    first = issue_invoice(new_uow(), order.id, actor=STAFF)
    again = issue_invoice(new_uow(), order.id, actor=STAFF,
                          payments=[PaymentLine("cash", "till 2", 100, CAPTURED)])
    assert (again.id, again.number, again.snapshot["payments"]) == (first.id, first.number, [])
    assert count_invoices(new_uow) == 1
    assert outbox_types(new_uow).count("InvoiceIssued") == 1


def test_a_draft_order_is_not_invoiced(new_uow, place) -> None:  # type: ignore[no-untyped-def]
    draft = place(draft=True)
    with pytest.raises(DomainError) as refused:
        issue_invoice(new_uow(), draft.id, actor=STAFF)
    assert (refused.value.code, refused.value.status, refused.value.details) == (
        "order_not_invoiceable", 409, {"order_status": "draft"})
    assert count_invoices(new_uow) == 0


def test_a_canceled_order_is_not_invoiced(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    cancel_order(new_uow(), order.id, actor=STAFF, reason="customer asked")
    with pytest.raises(DomainError) as refused:
        issue_invoice(new_uow(), order.id, actor=STAFF)
    assert refused.value.code == "order_not_invoiceable"


def test_an_unknown_order_is_not_found(new_uow, store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as refused:
        issue_invoice(new_uow(), "01a230ab-c569-76a3-bef6-7c0c8754677e", actor=STAFF)
    assert (refused.value.code, refused.value.status) == ("not_found", 404)


def test_a_payment_without_a_time_zone_is_refused(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as refused:
        issue_invoice(new_uow(), order.id, actor=STAFF, payments=[PaymentLine("cash", "", 100, datetime(2026, 1, 1))])
    assert refused.value.field == "payments[0].captured_at"


def _set_payment_status(new_uow, order_id, status: str) -> None:  # type: ignore[no-untyped-def]
    uow = new_uow()
    with uow:
        uow.session.get(Order, order_id).payment_status = status
        uow.commit()


def test_an_order_already_paid_is_invoiced_as_paid(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    _set_payment_status(new_uow, order.id, "paid")
    invoice = issue_invoice(new_uow(), order.id, actor=STAFF)
    assert invoice.status == "paid" and invoice.paid_at == invoice.issued_at
    assert outbox_types(new_uow)[-2:] == ["InvoiceIssued", "InvoicePaid"]


def test_marking_paid_by_order_is_idempotent_and_announced_once(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    invoice = issue_invoice(new_uow(), order.id, actor=STAFF)
    paid = mark_invoice_paid(new_uow(), order_id=order.id, actor=STAFF, paid_at=CAPTURED)
    again = mark_invoice_paid(new_uow(), invoice.id, actor=STAFF)
    assert paid is not None and again is not None
    assert (paid.status, paid.paid_at, again.paid_at) == ("paid", CAPTURED, CAPTURED)
    assert outbox_types(new_uow).count("InvoicePaid") == 1


def test_marking_paid_an_order_without_an_invoice_does_nothing(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    assert mark_invoice_paid(new_uow(), order_id=order.id, actor=STAFF) is None
    with pytest.raises(DomainError) as refused:
        mark_invoice_paid(new_uow(), actor=STAFF)
    assert refused.value.code == "validation_failed"


def test_a_void_invoice_is_not_paid(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    invoice = issue_invoice(new_uow(), order.id, actor=STAFF)
    void_invoice(new_uow(), invoice.id, actor=STAFF, reason="wrong customer")
    with pytest.raises(DomainError) as refused:
        mark_invoice_paid(new_uow(), invoice.id, actor=STAFF)
    assert (refused.value.code, refused.value.status) == ("invalid_transition", 409)


def test_voiding_keeps_the_number_and_the_order_is_invoiced_again_with_the_next(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    first = issue_invoice(new_uow(), order.id, actor=STAFF)
    voided = void_invoice(new_uow(), first.id, actor=STAFF, reason="issued to the wrong address")
    second = issue_invoice(new_uow(), order.id, actor=STAFF)
    assert (voided.status, voided.void_reason, voided.number) == ("void", "issued to the wrong address", first.number)
    assert second.number.endswith("-000002") and second.status == "issued"
    assert outbox_types(new_uow)[-2:] == ["InvoiceVoided", "InvoiceIssued"]


def test_a_paid_invoice_is_not_voided(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    invoice = issue_invoice(new_uow(), order.id, actor=STAFF)
    mark_invoice_paid(new_uow(), invoice.id, actor=STAFF)
    with pytest.raises(DomainError) as refused:
        void_invoice(new_uow(), invoice.id, actor=STAFF, reason="oops")
    assert (refused.value.code, refused.value.details["from"]) == ("invalid_transition", "paid")


def test_voiding_needs_a_reason(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    invoice = issue_invoice(new_uow(), order.id, actor=STAFF)
    with pytest.raises(DomainError) as refused:
        void_invoice(new_uow(), invoice.id, actor=STAFF, reason="  ")
    assert refused.value.field == "reason"


def test_invoice_on_capture_follows_the_store_setting(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    assert invoice_on_capture(new_uow(), order.id, actor=STAFF) is None
    update_invoice_settings(new_uow(), {"auto_invoice": True})
    invoice = invoice_on_capture(new_uow(), order.id, actor=STAFF,
                                 payments=[PaymentLine("card", "Visa 4242", 12307, CAPTURED)])
    assert invoice is not None and invoice.snapshot["payments"][0]["reference"] == "Visa 4242"
    assert count_invoices(new_uow) == 1


def test_changing_the_store_or_a_price_after_issue_changes_no_invoice(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    issued = issue_invoice(new_uow(), order.id, actor=STAFF)
    set_seller(new_uow, name="Renamed Ltd", legal_name="Renamed Ltd", tax_id="NEW-1")
    reprice_everything(new_uow, 99900)
    uow = new_uow()
    with uow:
        stored = uow.session.get(Invoice, issued.id)
        assert stored is not None and stored.snapshot == issued.snapshot
        assert stored.snapshot["seller"]["legal_name"] == "Chairs and Company LLC"
        assert stored.snapshot["lines"][0]["unit_price"] == 4900


def test_code_that_rewrites_an_issued_invoice_fails_loudly(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    issued = issue_invoice(new_uow(), order.id, actor=STAFF)
    uow = new_uow()
    with uow:
        stored = uow.session.get(Invoice, issued.id)
        stored.snapshot = {**stored.snapshot, "totals": {}}
        with pytest.raises(IssuedDocumentChanged):
            uow.commit()


def test_a_new_year_starts_a_new_series(new_uow, place) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime(2026, 12, 31, 23, 0, tzinfo=UTC), tick=False):
        last = issue_invoice(new_uow(), place().id, actor=STAFF)
    with time_machine.travel(datetime(2027, 1, 1, 0, 30, tzinfo=UTC), tick=False):
        first = issue_invoice(new_uow(), place().id, actor=STAFF)
    assert (last.number, first.number) == ("INV-2026-000001", "INV-2027-000001")


def test_the_year_is_the_store_calendar_year(new_uow, place) -> None:  # type: ignore[no-untyped-def]
    uow = new_uow()
    with uow:
        get_store(uow.session).timezone = "America/Los_Angeles"
        uow.commit()
    with time_machine.travel(datetime(2027, 1, 1, 3, 0, tzinfo=UTC), tick=False):  # still 2026 in California
        invoice = issue_invoice(new_uow(), place().id, actor=STAFF)
    assert (invoice.number, invoice.snapshot["issue_date"]) == ("INV-2026-000001", "2026-12-31")
    assert invoice.snapshot["order"]["placed_on"] == "2026-12-31"


def test_a_new_prefix_starts_its_own_series(new_uow, place) -> None:  # type: ignore[no-untyped-def]
    issue_invoice(new_uow(), place().id, actor=STAFF)
    update_invoice_settings(new_uow(), {"invoice_number_prefix": "SHOP-"})
    invoice = issue_invoice(new_uow(), place().id, actor=STAFF)
    assert invoice.number == f"SHOP-{datetime.now(UTC).year}-000001"


def test_invoice_and_credit_note_prefixes_must_differ(new_uow, store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as refused:
        update_invoice_settings(new_uow(), {"credit_note_number_prefix": "INV-"})
    assert refused.value.field == "credit_note_number_prefix"


def test_a_placed_order_with_a_discount_shows_it(new_uow, store) -> None:  # type: ignore[no-untyped-def]
    from orderworks.orders import pricing_setup as setup
    from orderworks.orders.service.placement import place_order

    setup.create_discount_code(new_uow(), code="TEN", kind="percentage", percent="10")
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 2), discount_code="TEN"), actor=STAFF)
    s = issue_invoice(new_uow(), order.id, actor=STAFF).snapshot
    assert s["discount"] == {"code": "TEN", "amount": 980}
    assert s["totals"]["discount"] == 980 and s["lines"][0]["discount"] == 980
    assert sum(t["net"] + t["tax"] for t in s["tax_lines"]) == s["totals"]["total"]
