"""The invoicing API: shapes, idempotency, error codes, pagination, permissions, PDFs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from orderworks.core.apikeys import create_api_key
from tests.builders import ORDER_JSON

YEAR = datetime.now(UTC).year
NO_SUCH = "01a230ab-c569-76a3-bef6-7c0c8754677e"


@pytest.fixture
def placed(store, client) -> dict:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/orders", json=ORDER_JSON, headers={"Idempotency-Key": "place-1"})
    assert response.status_code == 201, response.text
    return response.json()


def post(client, path: str, body: dict | None = None, key: str = "k1"):  # type: ignore[no-untyped-def]
    return client.post(path, json=body, headers={"Idempotency-Key": key})


def keyed_client(app, new_uow, role: str) -> TestClient:  # type: ignore[no-untyped-def]
    key = create_api_key(new_uow(), name=role, role=role).key
    return TestClient(app, headers={"Authorization": f"Bearer {key}"})


def test_staff_issue_an_invoice_and_read_it_back(client, placed) -> None:  # type: ignore[no-untyped-def]
    body = {"payments": [{"method": "card", "reference": "Visa 4242", "amount": "110.47",
                          "captured_at": "2026-12-01T09:30:00Z"}]}
    issued = post(client, f"/api/v1/orders/{placed['id']}/invoices", body)
    assert issued.status_code == 201, issued.text
    invoice = issued.json()
    assert {k: invoice[k] for k in ("number", "status", "currency", "total", "credited", "order_number")} == {
        "number": f"INV-{YEAR}-000001", "status": "issued", "currency": "USD", "total": "110.47",
        "credited": "0.00", "order_number": placed["number"]}
    assert invoice["lines"] == [{"line_id": placed["lines"][0]["id"], "sku": "RED-CHAIR", "name": "Red chair",
                                 "quantity": 2, "unit_price": "49.00", "discount": "0.00", "tax_rate": "7.25",
                                 "tax": "7.11", "total": "105.11"}]
    assert invoice["tax_lines"] == [{"rate": "7.25", "net": "103.00", "tax": "7.47"}]
    assert invoice["totals"] == {"items": "98.00", "discount": "0.00", "shipping": "5.00", "tax": "7.47",
                                 "total": "110.47"}
    assert invoice["payments"][0]["amount"] == "110.47"
    assert invoice["pdf_url"] == f"/api/v1/invoices/{invoice['id']}.pdf"
    assert client.get(f"/api/v1/invoices/{invoice['id']}").json() == invoice


def test_a_retry_replays_and_another_key_gets_the_same_invoice(client, placed) -> None:  # type: ignore[no-untyped-def]
    first = post(client, f"/api/v1/orders/{placed['id']}/invoices")
    replay = post(client, f"/api/v1/orders/{placed['id']}/invoices")
    other = post(client, f"/api/v1/orders/{placed['id']}/invoices", key="k2")
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.content == first.content
    assert other.json()["id"] == first.json()["id"]
    assert len(client.get("/api/v1/invoices").json()["items"]) == 1


def test_issuing_needs_an_idempotency_key(client, placed) -> None:  # type: ignore[no-untyped-def]
    refused = client.post(f"/api/v1/orders/{placed['id']}/invoices")
    assert (refused.status_code, refused.json()["error"]["field"]) == (422, "Idempotency-Key")


def test_a_draft_order_gets_a_409(client, store) -> None:  # type: ignore[no-untyped-def]
    draft = post(client, "/api/v1/orders", {**ORDER_JSON, "draft": True}, key="draft").json()
    refused = post(client, f"/api/v1/orders/{draft['id']}/invoices")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "order_not_invoiceable"


@pytest.mark.parametrize("path", [f"/api/v1/invoices/{NO_SUCH}", "/api/v1/invoices/not-a-uuid",
                                  f"/api/v1/invoices/{NO_SUCH}.pdf", f"/api/v1/credit-notes/{NO_SUCH}",
                                  f"/api/v1/credit-notes/{NO_SUCH}.pdf", f"/api/v1/orders/{NO_SUCH}/invoices"])
def test_unknown_documents_are_404(client, store, path: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


def test_the_pdf_is_served_as_a_pdf_named_by_its_number(client, placed) -> None:  # type: ignore[no-untyped-def]
    invoice = post(client, f"/api/v1/orders/{placed['id']}/invoices").json()
    pdf = client.get(invoice["pdf_url"])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert invoice["number"] in pdf.headers["content-disposition"]


def test_void_then_void_again_is_a_409(client, placed) -> None:  # type: ignore[no-untyped-def]
    invoice = post(client, f"/api/v1/orders/{placed['id']}/invoices").json()
    voided = post(client, f"/api/v1/invoices/{invoice['id']}/void", {"reason": "wrong customer"}, key="v1")
    assert (voided.status_code, voided.json()["status"], voided.json()["void_reason"]) == (200, "void", "wrong customer")
    again = post(client, f"/api/v1/invoices/{invoice['id']}/void", {"reason": "again"}, key="v2")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "invalid_transition")


def test_resend_an_invoice_and_not_a_void_one(client, placed) -> None:  # type: ignore[no-untyped-def]
    invoice = post(client, f"/api/v1/orders/{placed['id']}/invoices").json()
    sent = post(client, f"/api/v1/invoices/{invoice['id']}/resend", key="r1")
    assert (sent.status_code, sent.json()["number"]) == (200, invoice["number"])
    history = [h["action"] for h in client.get(f"/api/v1/orders/{placed['id']}").json()["history"]]
    assert history.count("invoice_resent") == 1
    post(client, f"/api/v1/invoices/{invoice['id']}/void", {"reason": "wrong customer"}, key="v1")
    refused = post(client, f"/api/v1/invoices/{invoice['id']}/resend", key="r2")
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "invoice_void")
    assert post(client, "/api/v1/invoices/00000000-0000-0000-0000-000000000000/resend", key="r3").status_code == 404


def test_credit_notes_through_the_api(client, placed) -> None:  # type: ignore[no-untyped-def]
    invoice = post(client, f"/api/v1/orders/{placed['id']}/invoices").json()
    path = f"/api/v1/orders/{placed['id']}/credit-notes"
    line = invoice["lines"][0]["line_id"]
    note = post(client, path, {"amount": "52.56", "reason": "one chair returned", "refund_reference": "re_1",
                               "lines": [{"line_id": line, "quantity": 1, "amount": "52.56"}]}, key="c1")
    assert note.status_code == 201, note.text
    body = note.json()
    assert {k: body[k] for k in ("number", "invoice_number", "total", "tax", "refund_reference")} == {
        "number": f"CN-{YEAR}-000001", "invoice_number": invoice["number"], "total": "52.56", "tax": "3.55",
        "refund_reference": "re_1"}
    assert body["lines"][0] == {"line_id": line, "sku": "RED-CHAIR", "name": "Red chair", "quantity": 1,
                                "tax_rate": "7.25", "tax": "3.55", "amount": "52.56"}
    assert client.get(f"/api/v1/credit-notes/{body['id']}").json() == body
    assert client.get(body["pdf_url"]).content.startswith(b"%PDF-")

    too_much = post(client, path, {"amount": "60.00", "reason": "more"}, key="c2")
    assert (too_much.status_code, too_much.json()["error"]["code"]) == (409, "credit_exceeds_invoice")
    bad = post(client, path, {"amount": "1.234", "reason": "x"}, key="c3")
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "amount")

    fetched = client.get(f"/api/v1/invoices/{invoice['id']}").json()
    assert fetched["credited"] == "52.56" and [c["number"] for c in fetched["credit_notes"]] == [body["number"]]
    documents = client.get(f"/api/v1/orders/{placed['id']}/invoices").json()
    assert [i["number"] for i in documents["invoices"]] == [invoice["number"]]
    assert [c["number"] for c in documents["credit_notes"]] == [body["number"]]


def test_the_invoice_list_pages_by_cursor_and_filters(client, store) -> None:  # type: ignore[no-untyped-def]
    orders = [post(client, "/api/v1/orders", ORDER_JSON, key=f"o{i}").json() for i in range(5)]
    invoices = [post(client, f"/api/v1/orders/{o['id']}/invoices", key=f"i{o['id']}").json() for o in orders]
    post(client, f"/api/v1/invoices/{invoices[0]['id']}/void", {"reason": "mistake"}, key="void")

    first = client.get("/api/v1/invoices", params={"limit": 2}).json()
    second = client.get("/api/v1/invoices", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    third = client.get("/api/v1/invoices", params={"limit": 2, "cursor": second["next_cursor"]}).json()
    seen = [i["number"] for page in (first, second, third) for i in page["items"]]
    assert seen == [i["number"] for i in reversed(invoices)] and third["next_cursor"] is None

    def numbers(**params: str) -> list[str]:
        return [i["number"] for i in client.get("/api/v1/invoices", params=params).json()["items"]]

    assert numbers(status="void") == [invoices[0]["number"]]
    assert numbers(number=invoices[2]["number"]) == [invoices[2]["number"]]
    assert numbers(order_id=orders[3]["id"]) == [invoices[3]["number"]]
    assert numbers(issued_from=invoices[4]["issued_at"]) == [invoices[4]["number"]]
    assert numbers(issued_to="2000-01-01T00:00:00Z") == []
    not_an_id = client.get("/api/v1/invoices", params={"order_id": "1001"})
    assert (not_an_id.status_code, not_an_id.json()["error"]["field"]) == (422, "order_id")
    bad = client.get("/api/v1/invoices", params={"cursor": "garbage"})
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "cursor")
    assert client.get("/api/v1/invoices", params={"status": "lost"}).status_code == 422


def test_finance_and_owners_write_readers_read(app, new_uow, client, placed) -> None:  # type: ignore[no-untyped-def]
    path = f"/api/v1/orders/{placed['id']}/invoices"
    with keyed_client(app, new_uow, "fulfillment") as reader:
        refused = post(reader, path)
        assert (refused.status_code, refused.json()["error"]["code"]) == (403, "forbidden")
    with keyed_client(app, new_uow, "finance") as finance:
        invoice = post(finance, path).json()
    with keyed_client(app, new_uow, "fulfillment") as reader:
        assert reader.get(f"/api/v1/invoices/{invoice['id']}").status_code == 200
        assert post(reader, f"/api/v1/invoices/{invoice['id']}/void", {"reason": "x"}).status_code == 403


def test_invoicing_settings_are_read_and_changed(client, store) -> None:  # type: ignore[no-untyped-def]
    changed = client.patch("/api/v1/store/invoicing", headers={"Idempotency-Key": "s1"},
                           json={"tax_id": "DE123456789", "auto_invoice": True, "invoice_number_prefix": "RE-"})
    assert changed.status_code == 200, changed.text
    assert client.get("/api/v1/store/invoicing").json() == {
        "legal_name": "Chairs and Company LLC", "tax_id": "DE123456789", "invoice_footer": "",
        "auto_invoice": True, "invoice_number_prefix": "RE-", "credit_note_number_prefix": "CN-"}
    clash = client.patch("/api/v1/store/invoicing", headers={"Idempotency-Key": "s2"},
                         json={"credit_note_number_prefix": "RE-"})
    assert (clash.status_code, clash.json()["error"]["field"]) == (422, "credit_note_number_prefix")


def test_every_invoicing_route_documents_its_errors(client) -> None:  # type: ignore[no-untyped-def]
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths["/api/v1/orders/{order_id}/invoices"]["post"]["responses"]) >= {"201", "400", "401", "403",
                                                                                     "404", "409", "422"}
    assert "application/pdf" in paths["/api/v1/invoices/{invoice_id}.pdf"]["get"]["responses"]["200"]["content"]
    assert set(paths["/api/v1/invoices/{invoice_id}/void"]["post"]["responses"]) >= {"404", "409"}
