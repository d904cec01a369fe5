"""Bulk actions from the grid: each order through its own use case, a result per order."""

from __future__ import annotations

import re

from orderworks.orders.models import Order

HX = {"hx-request": "true"}


def test_bulk_capture_reports_per_order(staff_client, authorized, placed, factory, gateway):
    first, second = authorized(), authorized()
    unpaid = placed()
    client = staff_client("finance")
    response = client.post("/admin/orders/bulk/capture", headers=HX,
                           data={"order_ids": [str(first.id), str(unpaid.id), str(second.id)]})
    assert response.status_code == 200
    text = response.text
    assert "Capture: 2 of 3 done" in text
    assert f'data-order="{first.number}"' in text and "Captured $110.47" in text
    assert "Nothing to capture" in text
    with factory() as session:
        assert [session.get(Order, o.id).payment_status for o in (first, second, unpaid)] == ["paid", "paid", "unpaid"]
    assert len(gateway.operations("capture")) == 2


def test_bulk_cancel_goes_on_past_a_refusal(staff_client, placed, factory):
    first, second = placed(), placed()
    client = staff_client("customer_service")
    client.post(f"/admin/orders/{first.id}/cancel", data={"reason": "duplicate"}, headers=HX)
    response = client.post("/admin/orders/bulk/cancel", data={"order_ids": [str(first.id), str(second.id)]},
                           headers={**HX, "hx-prompt": "fraud ring"})
    assert "Cancel: 1 of 2 done" in response.text and "Cannot cancel" in response.text
    with factory() as session:
        assert session.get(Order, second.id).cancel_reason == "fraud ring"


def test_bulk_needs_a_selection_and_the_role(staff_client, placed):
    order = placed()
    assert staff_client("owner").post("/admin/orders/bulk/hold", headers=HX).status_code == 422
    refused = staff_client("fulfillment").post("/admin/orders/bulk/capture", data={"order_ids": [str(order.id)]},
                                               headers=HX)
    assert refused.status_code == 403


def _paid(placed, new_uow, relay):  # type: ignore[no-untyped-def]
    from orderworks.payments.service.offline import record_offline_payment
    from tests.builders import STAFF

    order = placed()
    relay()
    record_offline_payment(new_uow(), order.id, method="cash", actor=STAFF)
    relay()
    return order


def test_ship_from_a_csv_of_tracking_numbers_reports_each_row(staff_client, placed, new_uow, relay, factory):
    first, second = _paid(placed, new_uow, relay), _paid(placed, new_uow, relay)
    csv = (f"order_number,carrier,tracking_number\n{first.number},ups,1Z0000000000000001\n"
           f"99999,ups,1Z0000000000000002\n{second.number},fedex,7700000000001\n").encode()
    client = staff_client("fulfillment")
    response = client.post("/admin/orders/bulk/ship-csv", files={"file": ("tracking.csv", csv, "text/csv")},
                           headers=HX)
    assert response.status_code == 200, response.text
    text = response.text
    assert "Ship from CSV: 2 of 3 done" in text and "row 2:" in text
    with factory() as session:
        assert [session.get(Order, o.id).fulfillment_status for o in (first, second)] == ["fulfilled", "fulfilled"]
    again = client.post("/admin/orders/bulk/ship-csv", files={"file": ("tracking.csv", csv, "text/csv")},
                        headers=HX)
    assert "Already shipped" in again.text  # the same file twice changes nothing
    bad = client.post("/admin/orders/bulk/ship-csv", files={"file": ("x.csv", b"a,b\n1,2\n", "text/csv")},
                      headers=HX)
    assert bad.status_code == 422 and "order_number" in bad.text


def test_bulk_ship_a_selection_and_an_unpaid_order_is_refused(staff_client, placed, new_uow, relay, factory):
    paid = _paid(placed, new_uow, relay)
    unpaid = placed()
    relay()
    response = staff_client("owner").post("/admin/orders/bulk/ship", headers=HX,
                                          data={"order_ids": [str(paid.id), str(unpaid.id)], "carrier": "usps"})
    assert "Ship: 1 of 2 done" in response.text and "may not ship" in response.text
    assert f'href="/admin/orders/{unpaid.id}"' in response.text


def test_print_packing_slips_and_pick_list_for_a_selection(staff_client, placed, new_uow, relay):
    from tests.backoffice.conftest import form_token

    first, second = _paid(placed, new_uow, relay), _paid(placed, new_uow, relay)
    client = staff_client("fulfillment")
    token = form_token(client.get("/admin/orders").text)
    page = client.post("/admin/orders/bulk/documents", data={"order_ids": [str(first.id), str(second.id)],
                                                             "csrf_token": token})
    assert page.status_code == 200, page.text
    links = re.findall(r'href="(/admin/[^"]+\.pdf)"', page.text)
    assert len(links) == 3  # the pick list and a packing slip per shipment
    for link in links:
        pdf = client.get(link)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    forged = client.post("/admin/orders/bulk/documents", data={"order_ids": [str(first.id)], "csrf_token": "x"})
    assert forged.status_code == 403


def test_create_shipments_for_a_selection(staff_client, placed, relay):
    order = placed()
    response = staff_client("fulfillment").post("/admin/orders/bulk/allocate", data={"order_ids": [str(order.id)]},
                                                headers=HX)
    assert "Create shipments: 1 of 1 done" in response.text and f"{order.number}-1" in response.text
