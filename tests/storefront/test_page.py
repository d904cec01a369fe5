"""The customer page in plain words: status, lines, totals, payments, shipments; in the store's language."""

from __future__ import annotations

import pytest

from orderworks.core.store import get_store
from orderworks.orders.service.lifecycle import cancel_order, hold_order
from tests.builders import STAFF
from tests.storefront.page import text, texts


def status_of(browser, path: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    page = browser.get(path)
    assert page.status_code == 200, page.text
    return text(page.text, "status"), text(page.text, "steps") if "class=\"steps\"" in page.text else ""


def test_a_placed_order_says_we_have_it(browser, order, link) -> None:  # type: ignore[no-untyped-def]
    assert status_of(browser, link(order)) == ("We have your order", "Placed Paid Shipped Delivered")
    page = browser.get(link(order)).text
    assert 'class="done">Placed' in page and 'class="done">Paid' not in page


def test_a_paid_order_is_being_prepared(browser, order, link, pay) -> None:  # type: ignore[no-untyped-def]
    pay(order)
    assert status_of(browser, link(order))[0] == "Paid, being prepared"


@pytest.mark.parametrize(("fulfillment", "words"), [("partially_fulfilled", "Partly shipped"),
                                                    ("fulfilled", "Shipped"), ("delivered", "Delivered")])
def test_shipped_and_delivered_orders(browser, order, link, pay, set_fulfillment, fulfillment, words) -> None:  # type: ignore[no-untyped-def]
    pay(order)
    set_fulfillment(order, fulfillment)
    assert status_of(browser, link(order))[0] == words


def test_a_canceled_order_says_canceled(browser, new_uow, order, link) -> None:  # type: ignore[no-untyped-def]
    cancel_order(new_uow(), order.id, actor=STAFF, reason="customer asked")
    page = browser.get(link(order)).text
    assert text(page, "status") == "Canceled"
    assert "This order has been canceled." in text(page, "card")
    assert "Still to pay" not in page


def test_a_held_order_says_on_hold(browser, new_uow, order, link) -> None:  # type: ignore[no-untyped-def]
    hold_order(new_uow(), order.id, actor=STAFF, reason="fraud review")
    page = browser.get(link(order)).text
    assert text(page, "status") == "On hold"
    assert "fraud review" not in page  # staff's reason stays with staff


def test_lines_totals_and_the_address(browser, order, link) -> None:  # type: ignore[no-untyped-def]
    page = browser.get(link(order)).text
    assert texts(page, "lines")[0] == "Items Qty Price Total Red chair SKU RED-CHAIR 2 $49.00 $98.00"
    assert text(page, "totals") == "Subtotal $98.00 Shipping (Standard) $5.00 Tax $7.47 Total $110.47"
    assert "1600 Amphitheatre Pkwy" in page
    assert text(page, "balance") == "Still to pay: $110.47"
    assert text(page, "nothing-shipped").startswith("Nothing shipped yet")


def test_payments_in_plain_words_and_no_card_number(browser, order, link, pay) -> None:  # type: ignore[no-untyped-def]
    pay(order)
    page = browser.get(link(order)).text
    assert text(page, "payments") == "Visa ending in 4242: $110.47 paid"
    assert "4242424242424242" not in page and "Still to pay" not in page


def test_the_page_speaks_the_store_language(browser, new_uow, order, link) -> None:  # type: ignore[no-untyped-def]
    uow = new_uow()
    with uow:
        get_store(uow.session).locale = "de_DE"
        uow.commit()
    page = browser.get(link(order)).text
    assert '<html lang="de">' in page
    assert text(page, "status") == "Ihre Bestellung ist eingegangen"
    assert "Gesamt 110,47 $" in text(page, "totals")
    assert text(page, "nothing-shipped").startswith("Noch nichts versandt")
    assert "Bestellung verfolgen" in browser.get("/track").text


def test_the_page_reads_the_order_in_a_handful_of_queries(browser, order, link, engine) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import event

    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])
    event.listen(engine, "before_cursor_execute", listener)
    try:
        browser.get(link(order))
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 10, selects


def test_notes_marked_for_the_customer_show_and_internal_ones_do_not(browser, new_uow, order, link) -> None:  # type: ignore[no-untyped-def]
    from orderworks.orders.service.lifecycle import add_note

    add_note(new_uow(), order.id, actor=STAFF, body="Your chairs leave our workshop on Friday.",
             visible_to_customer=True)
    add_note(new_uow(), order.id, actor=STAFF, body="Customer sounded annoyed on the phone")
    page = browser.get(link(order)).text
    assert text(page, "notes").endswith("Your chairs leave our workshop on Friday.")
    assert "annoyed" not in page


def test_a_backordered_order_says_what_waits(browser, new_uow, link) -> None:  # type: ignore[no-untyped-def]
    from orderworks.orders.service.placement import place_order
    from tests.builders import basic_store, order_cmd

    basic_store(new_uow, stock=1, backorderable=True)
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 3)), actor=STAFF)
    page = browser.get(link(order)).text
    assert "Some items are on backorder" in text(page, "backorder")
    assert "2 on backorder" in texts(page, "lines")[0]
