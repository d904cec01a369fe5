"""The emails through the API: the paginated list, an order's emails (also in the order view), one email, its
.eml file; the notification settings."""

from __future__ import annotations

from email import message_from_bytes, policy

from orderworks.orders.service.placement import place_order
from tests.builders import STAFF, order_cmd
from tests.notifications.conftest import relay


def test_emails_are_listed_paginated_and_shown_on_their_order(shop, eml_settings, new_uow, factory,
                                                              client) -> None:  # type: ignore[no-untyped-def]
    first = place_order(new_uow(), order_cmd(), actor=STAFF)
    place_order(new_uow(), order_cmd(email="bob@example.com"), actor=STAFF)
    relay(factory)

    page = client.get("/api/v1/emails", params={"limit": 1}).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = client.get("/api/v1/emails", params={"limit": 1, "cursor": page["next_cursor"]}).json()
    assert {e["to"] for e in page["items"] + rest["items"]} == {"ada@example.com", "bob@example.com"}
    assert client.get("/api/v1/emails", params={"status": "failed"}).json()["items"] == []

    [email] = client.get(f"/api/v1/orders/{first.id}/emails").json()
    assert (email["kind"], email["status"], email["to"]) == ("order_confirmation", "sent", "ada@example.com")
    assert client.get(f"/api/v1/orders/{first.id}").json()["emails"] == [email]
    assert client.get(f"/api/v1/emails/{email['id']}").json() == email

    raw = client.get(email["eml_url"])
    assert raw.status_code == 200 and raw.headers["content-type"].startswith("message/rfc822")
    assert message_from_bytes(raw.content, policy=policy.default)["Subject"] == f"Order {first.number} confirmed"


def test_unknown_ids_are_a_clear_404_or_400(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/emails/0190c2a8-0000-7000-8000-000000000000").status_code == 404
    assert client.get("/api/v1/emails/nope").json()["error"]["field"] == "email_id"
    assert client.get("/api/v1/orders/0190c2a8-0000-7000-8000-000000000000/emails").status_code == 404


def test_notification_settings_are_read_and_changed(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/store/notifications").json() == {"feedback_request_days": 7,
                                                                "staff_notifications": True}
    changed = client.patch("/api/v1/store/notifications", json={"feedback_request_days": 14},
                           headers={"Idempotency-Key": "n-1"})
    assert changed.status_code == 200 and changed.json()["feedback_request_days"] == 14
    bad = client.patch("/api/v1/store/notifications", json={"feedback_request_days": -1},
                       headers={"Idempotency-Key": "n-2"})
    assert bad.status_code in (400, 422)
