"""Prometheus metrics: request counts and latencies per route template, served at /metrics
to any API key (Prometheus sends it as a bearer token).

The route template (`/api/v1/orders/{order_id}`), never the raw path, labels a request: raw paths would make a
new time series per order. With several uvicorn worker processes each process counts its own requests; a
scrape sees the process that answers it (prometheus-client's multiprocess mode is the upgrade path).
"""

from __future__ import annotations

import time

from fastapi import Depends, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

from orderworks.core.web import get_actor


def install_metrics(app: FastAPI) -> None:
    registry = CollectorRegistry()
    requests = Counter("orderworks_http_requests_total", "HTTP requests answered",
                       ["method", "route", "status"], registry=registry)
    latency = Histogram("orderworks_http_request_seconds", "Time to answer an HTTP request",
                        ["method", "route"], registry=registry,
                        buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))

    def route_of(request: Request) -> str:
        # Routing writes the matched route into the scope it shares with this middleware.
        route = request.scope.get("route")
        return getattr(route, "path", None) or "unmatched"

    @app.middleware("http")
    async def measure(request: Request, call_next):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        response = await call_next(request)
        route = route_of(request)
        requests.labels(request.method, route, str(response.status_code)).inc()
        latency.labels(request.method, route).observe(time.perf_counter() - started)
        return response

    @app.get("/metrics", tags=["health"], include_in_schema=False, dependencies=[Depends(get_actor)])
    def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
