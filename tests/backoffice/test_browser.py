"""The back office in a real browser (Playwright driving Debian's chromium), click by click, against a real
server and a migrated database (SQLite file, and PostgreSQL when configured)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from orderworks.orders.models import Order
from orderworks.payments.models import Payment
from tests.backoffice.browser import CHROMIUM, CHROMIUM_ARGS, DOCS_IMAGES, serving, sign_in
from tests.backoffice.conftest import PASSWORD

sync_api = pytest.importorskip("playwright.sync_api")
# Generous waits: the machine running the suite may be busy; a wait ends as soon as the page is right.
sync_api.expect.set_options(timeout=20_000)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def base_url(app, gateway) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with serving(app) as url:
        yield url


@pytest.fixture
def page(browser, request):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


def _accept_dialogs(page, prompt: str = "") -> None:  # type: ignore[no-untyped-def]
    page.on("dialog", lambda d: d.accept(prompt) if d.type == "prompt" else d.accept())


def _is_sqlite(request) -> bool:  # type: ignore[no-untyped-def]
    return "sqlite" in request.node.callspec.id


def _more_orders(placed, authorized, new_uow) -> None:  # type: ignore[no-untyped-def]
    """A grid worth looking at: an authorized order, a held one, one paid by check."""
    from orderworks.orders.service.lifecycle import hold_order
    from orderworks.orders.service.placement import Customer
    from orderworks.payments.service.offline import record_offline_payment
    from tests.builders import STAFF

    authorized(customer=Customer("grace@example.com", "Grace Hopper"), channel="phone")
    held = placed(quantity=1, customer=Customer("alan@example.com", "Alan Turing"))
    hold_order(new_uow(), held.id, actor=STAFF, reason="address check")
    by_check = placed(quantity=3, customer=Customer("edsger@example.com", "Edsger Dijkstra"), channel="in_store")
    record_offline_payment(new_uow(), by_check.id, method="check", reference="CHK-1009", actor=STAFF)


def test_the_everyday_workflow_click_by_click(page, base_url, make_staff, placed, authorized, new_uow, relay,
                                              request, factory):
    """Sign in; open an order whose payment is "Balance due"; charge the card; Capture and see "Paid"; see the
    shipment "Ready"; Ship it with a tracking number; see it shipped, the shipped email listed, and the timeline
    with who did what."""
    _more_orders(placed, authorized, new_uow)
    order = placed()
    relay()  # what the worker does after placement: the order's shipment is allocated
    email = make_staff("owner", name="Olive Owner")
    _accept_dialogs(page)
    sign_in(page, base_url, email, PASSWORD)
    row = page.locator(f'tr[data-order="{order.number}"]')
    sync_api.expect(row).to_contain_text("Balance due")
    if _is_sqlite(request):
        page.screenshot(path=str(DOCS_IMAGES / "backoffice-grid.png"), full_page=True)
    row.locator("a").first.click()
    sync_api.expect(page.locator("#payment-status")).to_have_text("Balance due")
    sync_api.expect(page.locator("#balance-due")).to_have_text("$110.47")
    sync_api.expect(page.locator("#shipments .shipment-status")).to_have_text("Waiting")

    page.click("#charge-card summary")
    page.fill("input[name=number]", "4242 4242 4242 4242")
    page.fill("input[name=expiry]", "12/34")
    page.fill("input[name=cvc]", "123")
    page.click("#charge-card button[type=submit]")
    sync_api.expect(page.locator("#payment-status")).to_have_text("Authorized")
    sync_api.expect(page.locator("#flashes")).to_contain_text("Authorized $110.47")

    page.get_by_role("button", name="Capture $110.47").click()
    sync_api.expect(page.locator("#payment-status")).to_have_text("Paid")
    sync_api.expect(page.locator("#balance-due")).to_have_text("$0.00")

    relay()  # the worker hands PaymentCaptured to fulfilment: the shipment may ship now
    page.reload()
    shipment = page.locator("#shipments .shipment").first
    sync_api.expect(shipment.locator(".shipment-status")).to_have_text("Ready")
    shipment.locator(".ship-form summary").click()
    shipment.locator("input[name=carrier]").fill("ups")
    shipment.locator("input[name=tracking_number]").fill("1Z999AA10123456784")
    shipment.get_by_role("button", name=re.compile(r"^Ship ")).click()
    sync_api.expect(page.locator("#fulfillment-status")).to_have_text("Shipped")
    sync_api.expect(page.locator("#shipments .shipment-status")).to_have_text("Shipped")
    sync_api.expect(page.locator("#shipments")).to_contain_text("1Z999AA10123456784")
    relay()  # the worker sends the shipped email (and the confirmation and invoice before it)
    page.reload()
    sync_api.expect(page.locator('#emails .email[data-kind="shipped"]')).to_contain_text("Sent")
    sync_api.expect(page.locator('#emails .email[data-kind="order_confirmation"]')).to_be_visible()

    timeline = page.locator("#timeline")
    for action in ("shipment_shipped", "payment_captured", "payment_authorized"):
        sync_api.expect(timeline.locator(f'li[data-action="{action}"]').first).to_contain_text("by Olive Owner")
    sync_api.expect(timeline.locator('li[data-action="placed"]')).to_be_visible()
    if _is_sqlite(request):
        page.screenshot(path=str(DOCS_IMAGES / "backoffice-order.png"), full_page=True)
    with factory() as session:
        shipped = session.get(Order, order.id)
        assert (shipped.payment_status, shipped.fulfillment_status) == ("paid", "fulfilled")


def test_a_role_that_may_not_refund_sees_no_button_and_gets_403_posting_anyway(page, base_url, make_staff,
                                                                              authorized, new_uow, gateway, factory):
    from orderworks.payments.service.capture import capture_payment
    from tests.builders import STAFF

    order = authorized()
    with factory() as session:
        payment_id = session.execute(select(Payment.id).where(Payment.order_id == order.id)).scalar_one()
    capture_payment(new_uow(), gateway, payment_id, actor=STAFF)
    sign_in(page, base_url, make_staff("fulfillment"), PASSWORD)
    page.goto(f"{base_url}/admin/orders/{order.id}")
    sync_api.expect(page.locator("#payment-status")).to_have_text("Paid")
    assert page.locator("text=Refund").count() == 0
    # Posting anyway, from the page itself, with the CSRF token: the role check refuses it.
    status = page.evaluate("""async (url) => {
        const token = JSON.parse(document.body.getAttribute('hx-headers'))['x-csrftoken'];
        const r = await fetch(url, {method: 'POST', headers: {'x-csrftoken': token,
              'content-type': 'application/x-www-form-urlencoded'}, body: 'reason=try'});
        return r.status; }""", f"{base_url}/admin/orders/{order.id}/payments/{payment_id}/refund")
    assert status == 403
    with factory() as session:
        assert session.get(Payment, payment_id).refunded == 0


def test_a_change_without_the_csrf_token_is_refused(page, base_url, make_staff, placed, factory):
    order = placed()
    _accept_dialogs(page, prompt="customer asked")
    sign_in(page, base_url, make_staff("owner"), PASSWORD)
    page.goto(f"{base_url}/admin/orders/{order.id}")
    # A forged page: the token htmx would send is not this session's.
    page.evaluate("document.body.setAttribute('hx-headers', JSON.stringify({'x-csrftoken': 'forged'}))")
    with page.expect_response(re.compile(r"/hold$")) as answer:
        page.get_by_role("button", name="Hold").click()
    assert answer.value.status == 403
    with factory() as session:
        assert session.get(Order, order.id).status == "pending"
    page.reload()
    page.get_by_role("button", name="Hold").click()
    sync_api.expect(page.locator("#order-status")).to_have_text("On hold")


def test_repeated_wrong_passwords_lock_the_login(page, base_url, make_staff):
    email = make_staff("owner")
    for _ in range(5):
        page.goto(f"{base_url}/admin/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", "wrong guess")
        page.click("button[type=submit]")
    sync_api.expect(page.locator(".flash-error")).to_contain_text("locked")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    sync_api.expect(page.locator(".flash-error")).to_contain_text("locked")
    assert "/admin/login" in page.url


def test_bulk_capture_from_the_grid_with_a_result_per_order(page, base_url, make_staff, authorized, placed,
                                                           factory):
    first, second = authorized(), authorized()
    unpaid = placed()
    _accept_dialogs(page)
    sign_in(page, base_url, make_staff("finance"), PASSWORD)
    for o in (first, second, unpaid):
        page.check(f'input[name=order_ids][value="{o.id}"]')
    page.get_by_role("button", name="Capture").click()
    report = page.locator("#bulk-report")
    sync_api.expect(report).to_contain_text("Capture: 2 of 3 done")
    sync_api.expect(report.locator(f'li[data-order="{first.number}"]')).to_contain_text("Captured $110.47")
    sync_api.expect(report.locator(f'li[data-order="{unpaid.number}"]')).to_contain_text("Nothing to capture")
    report.get_by_text("Refresh the list").click()
    sync_api.expect(page.locator(f'tr[data-order="{first.number}"]')).to_contain_text("Paid")
    with factory() as session:
        assert session.get(Order, second.id).payment_status == "paid"


def test_phone_sized_grid_and_sign_out(browser, base_url, make_staff, placed, tmp_path):
    order = placed()
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        sign_in(page, base_url, make_staff("customer_service"), PASSWORD)
        sync_api.expect(page.locator(f'tr[data-order="{order.number}"]')).to_be_visible()
        page.click(f'tr[data-order="{order.number}"] a')
        sync_api.expect(page.locator("#payment-status")).to_have_text("Balance due")
        sync_api.expect(page.get_by_role("button", name="Hold")).to_be_visible()
        page.screenshot(path=str(tmp_path / "phone-order.png"), full_page=True)
        page.click("label.nav-burger")
        sync_api.expect(page.locator("nav.nav a", has_text="Orders")).to_be_visible()
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(re.compile(r"/admin/login$"))
        sync_api.expect(page.locator(".flash-info")).to_contain_text("signed out")
    finally:
        context.close()


def test_typing_a_search_and_choosing_a_view_filter_the_grid(page, base_url, make_staff, placed, authorized):
    from orderworks.orders.service.placement import Customer

    ada = placed()
    grace = authorized(customer=Customer("grace@example.com", "Grace Hopper"))
    sign_in(page, base_url, make_staff("owner"), PASSWORD)
    page.fill("input[name=q]", "grace")
    sync_api.expect(page.locator("tbody tr[data-order]")).to_have_count(1)
    sync_api.expect(page.locator(f'tr[data-order="{grace.number}"]')).to_be_visible()
    assert "q=grace" in page.url  # the filtered list has its own address (back button, sharing)
    page.fill("input[name=q]", "")
    page.select_option("select[name=payment_status]", "unpaid")
    sync_api.expect(page.locator("tbody tr[data-order]")).to_have_count(1)
    sync_api.expect(page.locator(f'tr[data-order="{ada.number}"]')).to_be_visible()
    page.get_by_role("link", name="To capture").click()
    sync_api.expect(page.locator("tbody tr[data-order]")).to_have_count(1)
    sync_api.expect(page.locator(f'tr[data-order="{grace.number}"]')).to_contain_text("Authorized")


def test_bulk_ship_from_a_csv_in_the_browser(page, base_url, make_staff, placed, new_uow, relay, factory):
    from orderworks.payments.service.offline import record_offline_payment
    from tests.builders import STAFF

    orders = [placed(), placed()]
    relay()
    for o in orders:
        record_offline_payment(new_uow(), o.id, method="cash", actor=STAFF)
    relay()
    csv = "order_number,carrier,tracking_number\n" + "".join(
        f"{o.number},usps,940010000000000000000{i}\n" for i, o in enumerate(orders)) + "424242,usps,9400999\n"
    sign_in(page, base_url, make_staff("fulfillment"), PASSWORD)
    page.click("#ship-csv summary")
    page.set_input_files("#ship-csv input[type=file]",
                         files=[{"name": "tracking.csv", "mimeType": "text/csv", "buffer": csv.encode()}])
    page.click("#ship-csv button[type=submit]")
    report = page.locator("#bulk-report")
    sync_api.expect(report).to_contain_text("Ship from CSV: 2 of 3 done")
    sync_api.expect(report.locator(f'li[data-order="{orders[0].number}"]')).to_contain_text("Shipped")
    sync_api.expect(report.locator('li[data-order="424242"]')).to_contain_text("row 3")
    report.get_by_text("Refresh the list").click()
    for o in orders:
        sync_api.expect(page.locator(f'tr[data-order="{o.number}"]')).to_contain_text("Shipped")
    with factory() as session:
        assert all(session.get(Order, o.id).fulfillment_status == "fulfilled" for o in orders)
