"""The dashboard, order entry and set-up screens through HTTP: what they show, and that each change goes through
its use case and its role check."""

from __future__ import annotations

from sqlalchemy import select

from orderworks.backoffice.models import StaffUser
from orderworks.core.store import Store
from orderworks.inventory.models import StockLevel
from orderworks.orders.models import Order
from tests.builders import two_location_store

HX = {"hx-request": "true"}


def test_the_dashboard_counts_the_saved_views_and_draws_svg_charts(staff_client, authorized, placed):
    authorized()
    placed(quantity=1)
    page = staff_client("owner").get("/admin/")
    assert page.status_code == 200
    text = page.text
    assert 'data-figure="orders_today"><div class="figure">2<' in text
    assert 'data-figure="revenue_today"><div class="figure">$' in text
    assert 'href="/admin/orders?view=to_capture"' in text
    assert 'data-figure="to_capture" href="/admin/orders?view=to_capture">\n      <div class="figure">1<' in text
    assert text.count("<svg") == 2 and 'class="bar" data-value="2"' in text  # today's bar; the ship times
    assert "Shipments by time from order to shipment" in text


def test_order_entry_finds_a_known_customer_and_products_with_stock(staff_client, placed):
    placed()
    client = staff_client("customer_service")
    found = client.get("/admin/orders/new/customers", params={"customer_q": "ada"}, headers=HX).text
    assert "ada@example.com" in found
    filled = client.get("/admin/orders/new/customer", params={"email": "ada@example.com"}, headers=HX).text
    assert 'value="Mountain View"' in filled and 'value="Ada Lovelace"' in filled
    hits = client.get("/admin/orders/new/products", params={"product_q": "red"}, headers=HX).text
    assert "RED-CHAIR" in hits and 'data-available="98"' in hits


ENTRY = {
    "channel": "phone", "customer_name": "Grace Hopper", "customer_email": "grace@example.com",
    "ship_line1": "1 Navy Way", "ship_city": "Los Angeles", "ship_region": "CA", "ship_postal_code": "90001",
    "ship_country": "US", "sku": "RED-CHAIR", "quantity": "2", "shipping_method": "standard",
    "discount_code": "SAVE10",
}


def test_the_quote_prices_the_form_with_the_discount(staff_client, new_uow):
    two_location_store(new_uow)
    text = staff_client("customer_service").post("/admin/orders/new/quote", data=ENTRY, headers=HX).text
    assert "(SAVE10)" in text and 'id="quote-total"' in text
    bad = staff_client("owner").post("/admin/orders/new/quote", data={**ENTRY, "discount_code": "NOPE"},
                                     headers=HX).text
    assert 'id="quote-problem"' in bad


def test_placing_a_phone_order_with_a_card_charges_it(staff_client, new_uow, gateway, factory):
    two_location_store(new_uow)
    client = staff_client("customer_service")
    response = client.post("/admin/orders/new", headers=HX, data={
        **ENTRY, "pay": "card", "card_number": "4242424242424242", "card_expiry": "12/34", "card_cvc": "123"})
    assert response.status_code == 204, response.text
    with factory() as session:
        order = session.execute(select(Order)).scalar_one()
    assert response.headers["hx-redirect"] == f"/admin/orders/{order.id}"
    assert order.channel == "phone" and order.payment_status == "paid" and order.discount_code == "SAVE10"
    assert "Paid" in client.get(f"/admin/orders/{order.id}").text


def test_a_card_with_a_bad_number_places_nothing(staff_client, new_uow, gateway, factory):
    two_location_store(new_uow)
    response = staff_client("owner").post("/admin/orders/new", headers=HX, data={
        **ENTRY, "pay": "card", "card_number": "4242424242424241", "card_expiry": "12/34", "card_cvc": "123"})
    assert response.status_code == 422
    with factory() as session:
        assert session.execute(select(Order)).first() is None


def test_an_offline_payment_at_the_counter(staff_client, new_uow, factory):
    two_location_store(new_uow)
    response = staff_client("owner").post("/admin/orders/new", headers=HX, data={
        **ENTRY, "channel": "in_store", "pay": "offline", "offline_method": "cash"})
    assert response.status_code == 204
    with factory() as session:
        order = session.execute(select(Order)).scalar_one()
    assert order.channel == "in_store" and order.payment_status == "paid"


def _on_hand(factory, sku="RED-CHAIR"):  # type: ignore[no-untyped-def]
    from orderworks.catalog.models import Variant

    with factory() as session:
        return session.execute(select(StockLevel.on_hand).join(Variant, Variant.id == StockLevel.variant_id)
                               .where(Variant.sku == sku)).scalar_one()


def test_fulfilment_staff_receive_stock_customer_service_may_not(staff_client, placed, factory):
    placed()
    clerk = staff_client("fulfillment")
    assert 'id="receive"' in clerk.get("/admin/stock").text
    done = clerk.post("/admin/stock/receive", headers=HX,
                      data={"sku": "RED-CHAIR", "location": "MAIN", "quantity": "5", "reason": "PO 7"})
    assert done.status_code == 200 and "Received 5" in done.text
    assert _on_hand(factory) == 105
    service = staff_client("customer_service")
    assert 'id="receive"' not in service.get("/admin/stock").text
    refused = service.post("/admin/stock/receive", headers=HX,
                           data={"sku": "RED-CHAIR", "location": "MAIN", "quantity": "5"})
    assert refused.status_code == 403 and _on_hand(factory) == 105


def test_a_write_off_needs_a_reason_and_cannot_take_reserved_stock(staff_client, placed, factory):
    placed(quantity=2)
    clerk = staff_client("fulfillment")
    assert clerk.post("/admin/stock/adjust", headers=HX,
                      data={"sku": "RED-CHAIR", "location": "MAIN", "quantity": "-1"}).status_code == 422
    assert clerk.post("/admin/stock/adjust", headers=HX, data={
        "sku": "RED-CHAIR", "location": "MAIN", "quantity": "-99", "reason": "flood"}).status_code == 409
    assert clerk.post("/admin/stock/adjust", headers=HX, data={
        "sku": "RED-CHAIR", "location": "MAIN", "quantity": "-3", "reason": "damaged"}).status_code == 200
    assert _on_hand(factory) == 97


def test_settings_change_persists(staff_client, factory):
    client = staff_client("owner")
    assert 'name="payment_mode"' in client.get("/admin/settings").text
    response = client.post("/admin/settings", headers=HX, data={
        "name": "Chair Shop", "email": "hi@chairs.example", "payment_mode": "authorize_and_capture",
        "auto_invoice": "true", "declined_stock_hold_minutes": "30", "ship_promise_days": "3"})
    assert response.status_code == 200 and "Settings are saved" in response.text
    with factory() as session:
        store = session.get(Store, 1)
        assert (store.name, store.payment_mode, store.auto_invoice, store.declined_stock_hold_minutes,
                store.ship_promise_days) == ("Chair Shop", "authorize_and_capture", True, 30, 3)
    bad = client.post("/admin/settings", headers=HX, data={"ship_promise_days": "-1"})
    assert bad.status_code == 422
    assert staff_client("finance").get("/admin/settings").status_code == 403


def test_catalog_create_edit_and_search(staff_client, placed):
    placed()
    client = staff_client("owner")
    made = client.post("/admin/catalog", headers=HX, data={
        "sku": "OAK-TABLE", "name": "Oak table", "price": "249.00", "weight_grams": "20000",
        "tax_class": "standard", "shippable": "true"})
    assert made.status_code == 200 and "OAK-TABLE" in made.text
    edited = client.post("/admin/catalog/products/OAK-TABLE", headers=HX, data={
        "name": "Oak table, large", "price": "259.00", "tax_class": "standard", "shippable": "true",
        "active": "true"})
    assert edited.status_code == 200 and 'value="Oak table, large"' in edited.text and "$259.00" in edited.text
    assert "OAK-TABLE" in client.get("/admin/catalog", params={"q": "oak"}).text
    assert staff_client("fulfillment").post("/admin/catalog", headers=HX, data={"sku": "X"}).status_code == 403


def test_shipping_tax_discounts_and_locations(staff_client, placed):
    placed()
    client = staff_client("owner")
    assert client.post("/admin/setup/tax-rates", headers=HX, data={
        "country": "US", "region": "NY", "rate": "8.875", "name": "NY"}).status_code == 200
    assert client.post("/admin/setup/discounts", headers=HX, data={
        "code": "spring", "kind": "percentage", "value": "15"}).status_code == 200
    assert client.post("/admin/setup/methods", headers=HX, data={
        "zone": "US", "code": "express", "name": "Express", "price": "15.00"}).status_code == 200
    page = client.get("/admin/setup").text
    assert "SPRING" in page and "8.875%" in page and "Express" in page
    assert client.post("/admin/setup/locations", headers=HX, data={
        "code": "SHOP", "name": "The shop", "country": "US", "kind": "store"}).status_code == 200
    assert "The shop" in client.get("/admin/setup/locations").text


def test_staff_screen_is_for_owners(staff_client, make_staff, factory):
    owner = staff_client("owner")
    assert owner.post("/admin/staff", headers=HX, data={
        "email": "new@shop.example", "name": "New", "password": "long enough pw", "role": "finance"}
    ).status_code == 200
    with factory() as session:
        user = session.execute(select(StaffUser).where(StaffUser.email == "new@shop.example")).scalar_one()
    assert owner.post(f"/admin/staff/{user.id}/role", headers=HX, data={"role": "fulfillment"}).status_code == 200
    with factory() as session:
        assert session.get(StaffUser, user.id).role == "fulfillment"
    assert staff_client("customer_service").get("/admin/staff").status_code == 403


def test_failed_events_list_and_retry(staff_client, new_uow, factory):
    from orderworks.core.outbox import OutboxEvent
    from orderworks.core.relay import EventDelivery

    uow = new_uow()
    with uow:
        event = OutboxEvent(type="OrderPlaced", aggregate_type="order", aggregate_id="x", payload={},
                            status="failed")  # parked after retries
        uow.session.add(event)
        uow.session.flush()
        uow.session.add(EventDelivery(event_id=event.id, subscriber="emails.order_confirmation",
                                      status="failed", attempts=8, last_error="SMTP refused"))
        uow.commit()
    client = staff_client("owner")
    page = client.get("/admin/events").text
    assert "SMTP refused" in page and "emails.order_confirmation" in page
    with factory() as session:
        delivery_id = session.execute(select(EventDelivery.id)).scalar_one()
    retried = client.post(f"/admin/events/{delivery_id}/retry", headers=HX)
    assert retried.status_code == 200 and "queued again" in retried.text
    with factory() as session:
        assert session.get(EventDelivery, delivery_id).status == "retrying"

