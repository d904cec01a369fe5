"""/metrics: Prometheus text, labelled by route template, behind an API key like everything but /health."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_metrics_count_requests_by_route_template(client) -> None:  # type: ignore[no-untyped-def]
    client.get("/api/v1/orders/does-not-exist")
    client.get("/api/v1/orders/another-missing-one")
    body = client.get("/metrics").text
    assert ('orderworks_http_requests_total{method="GET",route="/api/v1/orders/{order_id}",status="404"} 2.0'
            in body)
    assert "does-not-exist" not in body
    assert 'orderworks_http_request_seconds_count{method="GET",route="/api/v1/orders/{order_id}"} 2.0' in body


def test_metrics_need_an_api_key_and_health_does_not(app) -> None:  # type: ignore[no-untyped-def]
    anonymous = TestClient(app)
    assert anonymous.get("/metrics").status_code == 401
    assert anonymous.get("/health").json()["status"] == "ok"
