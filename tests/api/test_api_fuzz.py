"""No input makes the API answer 500: schemathesis generates requests from the OpenAPI spec (its examples, the
boundary values of every constraint, then random valid and invalid data), sends them to the app on SQLite and on
PostgreSQL, and checks that each answer is a status the spec documents, with a body that matches the spec.

One test per operation and database, each over a freshly seeded store. The spec is the app's own, with examples
naming the seeded store's SKU and location added here so the examples phase places real orders and moves real
stock (the success bodies are checked against the spec too)."""

from __future__ import annotations

import copy
import os
import uuid
import warnings
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from orderworks.api.app import create_app
from orderworks.core.settings import Settings
from orderworks.orders import pricing_setup as setup
from tests.builders import ORDER_JSON, basic_store

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
# Bounded for CI (the whole run, both databases, in about two minutes on two cores); raise it for a deep hunt.
EXAMPLES_PER_OPERATION = int(os.environ.get("ORDERWORKS_FUZZ_EXAMPLES", "15"))
# Not `positive_data_acceptance`: a well-formed order for an unknown SKU is refused with 422 by design (the issue's
# API contract), so "schema-valid means accepted" does not hold for business rules.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection]

SEEDED_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("/api/v1/orders", "post"): {**ORDER_JSON, "discount_code": "TENOFF"},
    ("/api/v1/stock/adjustments", "post"): {"sku": "RED-CHAIR", "location": "MAIN", "quantity": 5},
    ("/api/v1/stock/counts", "post"): {"sku": "RED-CHAIR", "location": "MAIN", "counted": 12},
}
SEEDED_PARAMETERS = {"sku": "RED-CHAIR", "code": "MAIN"}


def _seeded(spec: dict[str, Any]) -> dict[str, Any]:
    spec = copy.deepcopy(spec)
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if (path, method) in SEEDED_BODIES:
                operation["requestBody"]["content"]["application/json"]["example"] = SEEDED_BODIES[(path, method)]
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] in SEEDED_PARAMETERS:
                    parameter["example"] = SEEDED_PARAMETERS[parameter["name"]]
    return spec


def _spec() -> schemathesis.BaseSchema:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        app = create_app(Settings(database_url="sqlite://"))
    return schemathesis.openapi.from_dict(_seeded(app.openapi()))


SPEC = _spec()


@pytest.fixture
def store(new_uow) -> None:  # type: ignore[no-untyped-def]
    """A store where valid requests can succeed: RED-CHAIR in stock, flat US shipping, CA tax, a discount code."""
    basic_store(new_uow)
    setup.create_discount_code(new_uow(), code="TENOFF", kind="percentage", percent="10")


@SPEC.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_api_fail(case, store, app, owner_key) -> None:  # type: ignore[no-untyped-def]
    headers = dict(case.headers or {})
    headers["Authorization"] = f"Bearer {owner_key}"
    if case.method.upper() in MUTATING:
        headers["Idempotency-Key"] = uuid.uuid4().hex  # a fresh change each time, never a replay
    case.headers = headers
    case.call_and_validate(app=app, checks=CHECKS)
