"""The customer page in plain words: status, lines, totals, payments, shipments; in the store's language."""

from __future__ import annotations

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
    assert status_of(browser, link(order)) == ("Paid, being prepared", "Placed Paid Shipped Delivered")


def test_a_shipped_order_shows_its_carrier_tracking_link_and_status(browser, new_uow, order, link, pay, ship) -> None:  # type: ignore[no-untyped-def]
    from orderworks.fulfillment.service.tracking import update_tracking

    pay(order)
    assert text(browser.get(link(order)).text, "nothing-shipped").startswith("Nothing shipped yet")
    [view] = ship(order, carrier="ups", tracking="1Z999AA10123456784")
    page = browser.get(link(order)).text
    assert text(page, "status") == "Shipped"
    shipment = text(page, "shipment")
    assert shipment.startswith("Package 1 · UPS Label created, waiting for the carrier")
    assert "Tracking number: 1Z999AA10123456784" in shipment and "Contains: 2 × Red chair" in shipment
    assert 'href="https://www.ups.com/track?tracknum=1Z999AA10123456784" rel="noreferrer noopener"' in page
    assert "Nothing shipped yet" not in page
    update_tracking(new_uow(), view.shipment.id, status="out_for_delivery", actor=STAFF)
    assert text(browser.get(link(order)).text, "tracking-status") == "Out for delivery"


def test_a_delivered_order_says_delivered(browser, order, link, pay, ship) -> None:  # type: ignore[no-untyped-def]
    pay(order)
    ship(order, deliver=True)
    page = browser.get(link(order)).text
    assert text(page, "status") == "Delivered"
    assert text(page, "tracking-status") == "Delivered"
    assert "Delivered on" in text(page, "shipment")
    assert text(page, "steps") == "Placed Paid Shipped Delivered"
    assert page.count('class="done"') == 4


def test_part_of_an_order_shipped_says_so_and_lists_each_package(browser, new_uow, link, pay) -> None:  # type: ignore[no-untyped-def]
    from orderworks.fulfillment.service.shipping import ship_shipment
    from orderworks.orders.service.placement import place_order
    from tests.builders import order_cmd, two_location_store

    two_location_store(new_uow)
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 12)), actor=STAFF)  # 10 from MAIN, 2 from EAST
    pay(order)
    from orderworks.fulfillment.service.queries import shipments_for_order

    uow = new_uow()
    with uow:
        views = {v.location_code: v for v in shipments_for_order(uow, order.id)}
    ship_shipment(new_uow(), views["MAIN"].shipment.id, carrier="fedex", tracking_numbers=["123456789012"],
                  actor=STAFF)
    page = browser.get(link(order)).text
    assert text(page, "status") == "Partly shipped"
    assert [t.split(" Tracking")[0] for t in texts(page, "shipment")] == [
        "Package 1 · FedEx Label created, waiting for the carrier"]
    ship_shipment(new_uow(), views["EAST"].shipment.id, carrier="usps", tracking_numbers=["9400111899223100000001"],
                  actor=STAFF)
    page = browser.get(link(order)).text
    assert text(page, "status") == "Shipped"
    assert len(texts(page, "shipment")) == 2


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
    assert text(page, "address") == "Ada Lovelace 1600 Amphitheatre Pkwy Mountain View, CA 94043 US"
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
    assert len(selects) <= 14, selects  # order, lines, payments, invoices, shipments, feedback, ...: none per row


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


def test_digital_goods_show_their_download_and_licence_key_once_paid(browser, new_uow, link, pay) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from orderworks.catalog.service import ProductSpec, create_product
    from orderworks.fulfillment.models import DigitalDelivery
    from orderworks.orders.service.placement import place_order
    from tests.builders import basic_store, order_cmd

    basic_store(new_uow)
    create_product(new_uow(), ProductSpec(sku="EBOOK", name="The chair book", price="9.00", currency="USD",
                                          shippable=False))
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 1), ("EBOOK", 1)), actor=STAFF)
    assert "Your downloads" not in browser.get(link(order)).text
    pay(order)
    uow = new_uow()
    with uow:
        delivery = uow.session.execute(select(DigitalDelivery)).scalar_one()
    page = browser.get(link(order)).text
    assert text(page, "downloads") == f"The chair book Licence key: {delivery.licence_key} Download"
    assert f'href="/downloads/{delivery.download_token}"' in page
    # the emailed download link opens this order's page at its downloads; an unknown token is a 404 page
    opened = browser.get(f"/downloads/{delivery.download_token}", follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == link(order) + "#downloads"
    assert browser.get("/downloads/not-a-token").status_code == 404
