"""The back office's webhooks screen: add an endpoint (its secret shown once), ping it against a real receiver and
see the signed attempt, retry a delivery, disable, enable and remove; only staff with settings:write."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from orderworks.core.clock import now
from orderworks.core.settings import Settings
from orderworks.notifications.webhooks.delivery import retry_due_deliveries
from orderworks.notifications.webhooks.models import WebhookEndpoint
from tests.notifications.receiver import running_receiver

HX = {"hx-request": "true"}


def test_add_ping_retry_disable_and_remove_an_endpoint(staff_client, factory):
    client = staff_client("owner")
    assert "No endpoint yet" in client.get("/admin/webhooks").text
    with running_receiver() as receiver:
        added = client.post("/admin/webhooks", headers=HX,
                            data={"url": receiver.url, "description": "ERP", "events": ["order.placed",
                                                                                        "shipment.shipped"]})
        assert added.status_code == 200, added.text
        secret = re.search(r"<code>(whsec_[^<]+)</code>", added.text).group(1)
        with factory() as session:
            endpoint = session.execute(select(WebhookEndpoint)).scalar_one()
        assert (endpoint.url, endpoint.events, endpoint.secret) == (receiver.url, ["order.placed", "shipment.shipped"],
                                                                    secret)
        listed = client.get("/admin/webhooks").text
        assert "order.placed, shipment.shipped" in listed and secret not in listed  # the secret is shown once

        receiver.secret = secret
        assert client.post(f"/admin/webhooks/{endpoint.id}/ping", headers=HX).status_code == 200
        assert retry_due_deliveries(factory, Settings(), now() + timedelta(seconds=1)) == 1
        [ping] = receiver.accepted()
        assert ping.verified and ping.json["type"] == "webhook.ping"
        page = client.get(f"/admin/webhooks/{endpoint.id}").text
        assert "webhook.ping" in page and "Delivered" in page and "#1 200" in page
        delivery_id = re.search(r'data-delivery="([^"]+)"', page).group(1)
        again = client.post(f"/admin/webhooks/{endpoint.id}/deliveries/{delivery_id}/retry", headers=HX)
        assert again.status_code == 200 and "Queued again" in again.text
        retry_due_deliveries(factory, Settings(), now() + timedelta(seconds=2))
        assert len(receiver.accepted()) == 2
        assert "#2 200" in client.get(f"/admin/webhooks/{endpoint.id}").text

    disabled = client.post(f"/admin/webhooks/{endpoint.id}/enabled", headers=HX, data={"enabled": "false"})
    assert "Disabled" in disabled.text and "disabled by staff" in disabled.text
    enabled = client.post(f"/admin/webhooks/{endpoint.id}/enabled", headers=HX, data={"enabled": "true"})
    assert "Enabled" in enabled.text
    removed = client.post(f"/admin/webhooks/{endpoint.id}/delete", headers=HX)
    assert "No endpoint yet" in removed.text


def test_a_bad_url_is_refused_and_other_roles_may_not_see_the_screen(staff_client, factory):
    owner = staff_client("owner")
    refused = owner.post("/admin/webhooks", headers=HX, data={"url": "ftp://erp.example.com"})
    assert refused.status_code == 422
    with factory() as session:
        assert session.execute(select(WebhookEndpoint)).first() is None
    service = staff_client("customer_service")
    assert service.get("/admin/webhooks").status_code == 403
    assert service.post("/admin/webhooks", headers=HX, data={"url": "https://x.example.com"}).status_code == 403
