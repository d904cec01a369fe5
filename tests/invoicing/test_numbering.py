"""Gapless numbering under concurrency: many clerks (threads, each its own unit of work) issuing at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from orderworks.core.errors import DomainError
from orderworks.invoicing.models import CreditNote, Invoice
from orderworks.invoicing.service import issue_credit_note, issue_invoice
from orderworks.orders.service.placement import place_order
from tests.builders import STAFF, order_cmd

YEAR = datetime.now(UTC).year


def sequences(new_uow, model) -> list[int]:  # type: ignore[no-untyped-def]
    uow = new_uow()
    with uow:
        numbers = list(uow.session.execute(select(model.number)).scalars())
    return sorted(int(n.rsplit("-", 1)[1]) for n in numbers)


def test_invoices_issued_concurrently_get_consecutive_numbers(new_uow, store, engine) -> None:  # type: ignore[no-untyped-def]
    count = 200 if engine.dialect.name == "postgresql" else 40  # SQLite serializes writers: fewer, same proof
    orders = [place_order(new_uow(), order_cmd(("RED-CHAIR", 1), email=f"c{i}@example.com"), actor=STAFF).id
              for i in range(count)]

    with ThreadPoolExecutor(max_workers=16) as pool:
        issued = list(pool.map(lambda order_id: issue_invoice(new_uow(), order_id, actor=STAFF).number, orders))

    assert len(set(issued)) == count
    assert sequences(new_uow, Invoice) == list(range(1, count + 1))


def test_the_same_order_issued_from_many_threads_gets_one_invoice(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = set(pool.map(lambda _: issue_invoice(new_uow(), order.id, actor=STAFF).number, range(8)))
    assert numbers == {f"INV-{YEAR}-000001"}
    assert sequences(new_uow, Invoice) == [1]


def test_a_rolled_back_issue_gives_its_number_back(new_uow, place) -> None:  # type: ignore[no-untyped-def]
    first, second = place(), place()
    uow = new_uow()
    with pytest.raises(RuntimeError), uow:
        taken = issue_invoice(uow, first.id, actor=STAFF)  # inside a larger transaction that then fails
        assert taken.number == f"INV-{YEAR}-000001"
        raise RuntimeError("the request failed after the invoice was written")

    again = issue_invoice(new_uow(), second.id, actor=STAFF)
    assert again.number == f"INV-{YEAR}-000001"
    assert sequences(new_uow, Invoice) == [1]


def test_concurrent_credits_never_exceed_the_invoice_and_leave_no_gap(new_uow, order) -> None:  # type: ignore[no-untyped-def]
    invoice = issue_invoice(new_uow(), order.id, actor=STAFF)  # 123.07

    def refund(i: int) -> str:
        try:
            issue_credit_note(new_uow(), order.id, amount=2000, reason="refund", actor=STAFF,
                              refund_reference=f"re_{i}")
            return "credited"
        except DomainError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(refund, range(10)))

    assert outcomes.count("credited") == 6 and outcomes.count("credit_exceeds_invoice") == 4
    assert sequences(new_uow, CreditNote) == [1, 2, 3, 4, 5, 6]
    uow = new_uow()
    with uow:
        credited = sum(uow.session.execute(select(CreditNote.total)).scalars())
    assert credited == 12000 <= invoice.total
