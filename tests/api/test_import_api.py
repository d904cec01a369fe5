"""POST /api/v1/products/import: a CSV upload answered with the per-row report, once per Idempotency-Key."""

from __future__ import annotations

import pytest

from orderworks.catalog.importing import MAX_UPLOAD_BYTES
from orderworks.core.apikeys import create_api_key
from orderworks.inventory.service import create_location, stock_for_sku

CSV = b"sku,name,price,currency,location,on_hand\nMUG,Mug,8.00,USD,MAIN,5\nBAD,Bad,8.00,XYZ,,\n"


@pytest.fixture
def main_location(new_uow) -> None:  # type: ignore[no-untyped-def]
    create_location(new_uow(), code="MAIN", name="Main warehouse", country="US")


def _upload(client, data: bytes = CSV, *, key: str = "import-1", content_type: str = "text/csv",  # type: ignore[no-untyped-def]
            name: str = "products.csv", params: dict[str, str] | None = None):
    return client.post("/api/v1/products/import", files={"file": (name, data, content_type)},
                       headers={"Idempotency-Key": key}, params=params or {})


def test_an_upload_answers_the_report_and_a_retry_gets_the_same_one(client, main_location, new_uow) -> None:  # type: ignore[no-untyped-def]
    first = _upload(client)
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["created"], body["updated"], body["unchanged"], body["refused"]) == (1, 0, 0, 1)
    assert body["rows"] == [
        {"row": 2, "sku": "MUG", "outcome": "created", "code": None, "field": None, "message": None},
        {"row": 3, "sku": "BAD", "outcome": "refused", "code": "validation_failed", "field": "currency",
         "message": "'XYZ' is not an ISO 4217 currency code"},
    ]
    assert [(s.location, s.on_hand) for s in stock_for_sku(new_uow(), "MUG")] == [("MAIN", 5)]

    retry = _upload(client)
    assert retry.status_code == 200
    assert retry.json() == body  # replayed, not re-run (a re-run would say "unchanged")
    assert retry.headers["Idempotent-Replayed"] == "true"

    other_file = _upload(client, CSV.replace(b"8.00", b"9.00"))
    assert other_file.status_code == 422
    assert other_file.json()["error"]["code"] == "idempotency_key_reused"


def test_a_dry_run_upload_changes_nothing(client, main_location, new_uow) -> None:  # type: ignore[no-untyped-def]
    response = _upload(client, params={"dry_run": "true"})
    assert response.status_code == 200
    assert response.json()["dry_run"] is True and response.json()["created"] == 1
    assert client.get("/api/v1/products/MUG").status_code == 404


@pytest.mark.parametrize(("data", "content_type", "name", "status", "code"), [
    (b"\x89PNG\r\n", "image/png", "chair.png", 415, "unsupported_media_type"),
    (b"%PDF-1.7", "application/pdf", "products.csv", 415, "unsupported_media_type"),
    (b"x" * (MAX_UPLOAD_BYTES + 1), "text/csv", "products.csv", 413, "file_too_large"),
    (b"sku,name\nA,B\n", "text/csv", "products.csv", 422, "import_file_invalid"),
    (b"sku,name,price,currency\nA,B,1.00,USD\n", "application/octet-stream", "products.txt", 415,
     "unsupported_media_type"),
])
def test_an_upload_that_is_not_an_importable_csv_is_refused(client, data, content_type, name, status, code) -> None:  # type: ignore[no-untyped-def]
    response = _upload(client, data, content_type=content_type, name=name)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert client.get("/api/v1/products/A").status_code == 404


def test_a_generic_type_with_a_csv_name_is_accepted(client) -> None:  # type: ignore[no-untyped-def]
    response = _upload(client, b"sku,name,price,currency\nA,B,1.00,USD\n", content_type="application/octet-stream")
    assert response.status_code == 200, response.text
    assert response.json()["created"] == 1


def test_the_upload_needs_an_idempotency_key_and_catalog_write(client, app, new_uow) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    no_key = client.post("/api/v1/products/import", files={"file": ("p.csv", CSV, "text/csv")})
    assert no_key.status_code == 422
    assert no_key.json()["error"]["field"] == "Idempotency-Key"

    staff = create_api_key(new_uow(), name="cs", role="customer_service").key
    with TestClient(app, headers={"Authorization": f"Bearer {staff}"}) as cs:
        assert _upload(cs).status_code == 403
    assert client.get("/api/v1/products/MUG").status_code == 404
