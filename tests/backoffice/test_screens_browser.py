"""The dashboard, manual order entry, stock and settings in a real browser, click by click."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from orderworks.core.store import Store
from orderworks.orders.models import Order
from tests.backoffice.browser import DOCS_IMAGES
from tests.backoffice.live import browser_thread, chromium, in_browser, live_url, signed_in  # noqa: F401


def test_manual_phone_order_end_to_end(signed_in, in_browser, live_url, new_uow, placed, gateway, factory):  # noqa: F811
    placed(quantity=1)  # Ada ordered before: the entry screen finds her
    add_discount_code(new_uow)
    def steps():  # type: ignore[no-untyped-def]
        page = signed_in("customer_service")
        page.goto(f"{live_url}/admin/orders/new")
        page.select_option("select[name=channel]", "phone")
        page.fill("input[name=customer_q]", "ada")
        page.click("#customer-list button[data-email='ada@example.com']")
        expect(page.locator("input[name=ship_city]")).to_have_value("Mountain View")
        page.fill("input[name=product_q]", "RED-CHAIR")
        expect(page.locator("#product-list [data-available]")).to_have_text(re.compile("available"))
        page.click("#product-list button[data-sku='RED-CHAIR']")
        expect(page.locator("#lines tr[data-line='RED-CHAIR']")).to_be_visible()
        page.fill("#lines input[name=quantity]", "2")
        page.fill("input[name=discount_code]", "SAVE10")
        page.locator("input[name=discount_code]").dispatch_event("change")
        expect(page.locator("#quote")).to_contain_text("(SAVE10)")
        page.fill("input[name=card_number]", "4242 4242 4242 4242")
        page.fill("input[name=card_expiry]", "12/34")
        page.fill("input[name=card_cvc]", "123")
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")  # the sticky top bar stays on top in a full-page shot
        page.screenshot(path=str(DOCS_IMAGES / "backoffice-order-entry.png"), full_page=True)
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#place-order")
        page.wait_for_url(re.compile(r"/admin/orders/[0-9a-f-]{36}$"))
        expect(page.locator("#payment-status")).to_have_text("Paid")
        expect(page.locator("#flashes")).to_contain_text("Charged")

    in_browser(steps)
    with factory() as session:
        order = session.execute(select(Order).where(Order.channel == "phone")).scalar_one()
    assert order.discount_code == "SAVE10" and order.payment_status == "paid"


def add_discount_code(new_uow):  # type: ignore[no-untyped-def]
    """The discount code the entry test types (basic_store is already set up by `placed`)."""
    from orderworks.orders import pricing_setup as setup

    setup.create_discount_code(new_uow(), code="SAVE10", kind="percentage", percent="10")


def test_dashboard_renders_counts_and_svg(signed_in, in_browser, live_url, authorized, placed):  # noqa: F811
    import time_machine

    for days_ago, quantity in ((9, 1), (6, 3), (6, 1), (4, 2), (2, 1), (1, 4)):  # a month with some trade
        with time_machine.travel(datetime.now(UTC) - timedelta(days=days_ago), tick=True):
            placed(quantity=quantity)
    authorized()
    def steps():  # type: ignore[no-untyped-def]
        page = signed_in("owner")
        page.goto(f"{live_url}/admin/")
        expect(page.locator("[data-figure=orders_today] .figure")).to_have_text("1")
        expect(page.locator("[data-figure=to_capture] .figure")).to_have_text("1")
        expect(page.locator("#orders-chart svg rect.bar")).to_have_count(30)
        expect(page.locator("#orders-chart svg rect.bar[data-value='2']")).to_have_count(1)  # six days ago
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS_IMAGES / "backoffice-dashboard.png"), full_page=True)
        page.click("[data-figure=to_capture]")
        page.wait_for_url(re.compile(r"view=to_capture"))

    in_browser(steps)


def test_stock_receive_by_fulfilment_and_refusal_for_customer_service(signed_in, in_browser, live_url, placed):  # noqa: F811
    placed()
    def steps():  # type: ignore[no-untyped-def]
        page = signed_in("fulfillment")
        page.goto(f"{live_url}/admin/stock")
        form = page.locator("#receive form")
        form.locator("input[name=sku]").fill("RED-CHAIR")
        form.locator("input[name=quantity]").fill("7")
        form.locator("button[type=submit]").click()
        expect(page.locator("#flashes")).to_contain_text("Received 7")
        expect(page.locator("#levels tr[data-sku='RED-CHAIR'] .on-hand")).to_have_text("107")
        service = signed_in("customer_service")
        service.goto(f"{live_url}/admin/stock")
        expect(service.locator("#receive")).to_have_count(0)
        status = service.evaluate("""async () => {
            const token = JSON.parse(document.body.getAttribute('hx-headers'))['x-csrftoken'];
            const r = await fetch('/admin/stock/receive', {method: 'POST', headers: {'x-csrftoken': token,
                'content-type': 'application/x-www-form-urlencoded'}, body: 'sku=RED-CHAIR&location=MAIN&quantity=5'});
            return r.status; }""")
        assert status == 403

    in_browser(steps)


def test_settings_change_persists(signed_in, in_browser, live_url, factory):  # noqa: F811
    def steps():  # type: ignore[no-untyped-def]
        page = signed_in("owner")
        page.goto(f"{live_url}/admin/settings")
        page.select_option("select[name=payment_mode]", "authorize_and_capture")
        page.check("input[name=auto_invoice]")
        page.fill("input[name=ship_promise_days]", "4")
        page.click("#settings-form button[type=submit]")
        expect(page.locator("#flashes")).to_contain_text("Settings are saved")
        page.reload()
        expect(page.locator("select[name=payment_mode]")).to_have_value("authorize_and_capture")
        expect(page.locator("input[name=ship_promise_days]")).to_have_value("4")

    in_browser(steps)
    with factory() as session:
        store = session.get(Store, 1)
        assert store.auto_invoice and store.payment_mode == "authorize_and_capture"

