"""An unpaid invoice follows its order: re-issued after an edit, voided with a cancellation (through the relay)."""

from __future__ import annotations

from orderworks.core.relay import relay_until_idle
from orderworks.invoicing.service import issue_credit_note, issue_invoice, mark_invoice_paid
from orderworks.invoicing.service.queries import order_documents
from orderworks.orders.quote import LineRequest
from orderworks.orders.service.editing import OrderChanges, edit_order
from orderworks.orders.service.lifecycle import cancel_order
from orderworks.subscribers import SUBSCRIBERS
from tests.builders import STAFF


def edit_quantity(new_uow, order, quantity: int):  # type: ignore[no-untyped-def]
    return edit_order(new_uow(), order.id, actor=STAFF, expected_version=order.version, changes=OrderChanges(
        lines=[LineRequest("RED-CHAIR", quantity, field="lines[0]"), LineRequest("CUSHION", 1, field="lines[1]")]))


def documents(new_uow, order):  # type: ignore[no-untyped-def]
    docs = order_documents(new_uow(), order.id)
    return [(i.number[-6:], i.status, i.total) for i in docs.invoices]


def test_an_edited_unpaid_order_gets_a_corrected_invoice_and_the_old_one_is_voided(new_uow, factory, order) -> None:  # type: ignore[no-untyped-def]
    issue_invoice(new_uow(), order.id, actor=STAFF)
    edited = edit_quantity(new_uow, order, 3)
    relay_until_idle(factory, SUBSCRIBERS)

    assert documents(new_uow, order) == [("000001", "void", 12307), ("000002", "issued", edited.total)]
    corrected = order_documents(new_uow(), order.id).invoices[1]
    assert corrected.snapshot["lines"][0]["quantity"] == 3
    assert order_documents(new_uow(), order.id).invoices[0].void_reason == f"order {order.number} was edited"


def test_an_edit_the_invoice_already_shows_reissues_nothing(new_uow, factory, order) -> None:  # type: ignore[no-untyped-def]
    issue_invoice(new_uow(), order.id, actor=STAFF)
    edit_order(new_uow(), order.id, actor=STAFF, expected_version=order.version, changes=OrderChanges(notes="gift"))
    relay_until_idle(factory, SUBSCRIBERS)
    assert documents(new_uow, order) == [("000001", "issued", 12307)]


def test_a_credited_invoice_is_left_as_it_is(new_uow, factory, order) -> None:  # type: ignore[no-untyped-def]
    issue_invoice(new_uow(), order.id, actor=STAFF)
    issue_credit_note(new_uow(), order.id, amount=500, reason="goodwill", actor=STAFF)
    edit_quantity(new_uow, order, 3)
    relay_until_idle(factory, SUBSCRIBERS)
    assert documents(new_uow, order) == [("000001", "issued", 12307)]


def test_canceling_an_order_voids_its_unpaid_invoice(new_uow, factory, order) -> None:  # type: ignore[no-untyped-def]
    issue_invoice(new_uow(), order.id, actor=STAFF)
    cancel_order(new_uow(), order.id, actor=STAFF, reason="customer asked")
    relay_until_idle(factory, SUBSCRIBERS)
    assert documents(new_uow, order) == [("000001", "void", 12307)]


def test_canceling_keeps_a_paid_invoice_for_its_credit_note(new_uow, factory, order) -> None:  # type: ignore[no-untyped-def]
    invoice = issue_invoice(new_uow(), order.id, actor=STAFF)
    mark_invoice_paid(new_uow(), invoice.id, actor=STAFF)
    cancel_order(new_uow(), order.id, actor=STAFF, reason="customer asked")
    relay_until_idle(factory, SUBSCRIBERS)
    assert documents(new_uow, order) == [("000001", "paid", 12307)]
