"""Bulk actions from the grid: each order through its own use case, a result per order."""

from __future__ import annotations

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
