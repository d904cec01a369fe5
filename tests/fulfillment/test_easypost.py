"""The EasyPost adapter against a real local HTTP server answering with recorded EasyPost responses."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from pathlib import Path

import pytest

from orderworks.core.settings import Settings
from orderworks.fulfillment.carriers import get_carrier
from orderworks.fulfillment.carriers.easypost import EasyPostCarrier
from orderworks.fulfillment.carriers.port import CarrierError, Parcel
from tests.fulfillment.conftest import label_request, pdf_text
from tests.fulfillment.recorded_server import RECORDED, RecordedServer

KEY = "label:shipment-1"


def carrier(server: RecordedServer, **kwargs: str) -> EasyPostCarrier:
    return EasyPostCarrier(api_key="EZTK_test", api_base=f"{server.base}/v2", timeout=5, **kwargs)


def test_buys_the_cheapest_rate_and_returns_the_pdf_label(easypost_server) -> None:  # type: ignore[no-untyped-def]
    label = carrier(easypost_server).buy_label(label_request(KEY))

    assert (label.carrier, label.service) == ("usps", "GroundAdvantage")
    assert label.tracking_number == "9434600106068143633115"
    assert (label.cost, label.currency) == (849, "USD")
    assert label.carrier_reference == "shp_7c0e6a41d2f94a3c8b5e1f20a9d4c311"
    assert label.tracking_url.startswith("https://track.easypost.com/")
    assert label.label_pdf == (RECORDED / "label.pdf").read_bytes()
    assert "Recorded EasyPost test label" in pdf_text(label.label_pdf)
    buy, = easypost_server.requests("POST", r"/v2/shipments/shp_\w+/buy")
    assert buy.body == {"rate": {"id": "rate_2d8b1f4c7e3a4f9b0c5d8e1a4b7c0f32"}}


def test_sends_addresses_parcel_in_ounces_and_inches_and_our_key_as_reference(easypost_server) -> None:  # type: ignore[no-untyped-def]
    carrier(easypost_server).buy_label(label_request(KEY, parcel=Parcel(2500, 400, 300, 200)))

    create, = easypost_server.requests("POST", "/v2/shipments")
    shipment = create.body["shipment"]
    assert shipment["reference"] == KEY
    assert shipment["parcel"] == {"weight": 88.2, "length": 15.7, "width": 11.8, "height": 7.9}
    assert shipment["to_address"]["street1"] == "1600 Amphitheatre Pkwy"
    assert shipment["to_address"]["zip"] == "94043" and shipment["to_address"]["state"] == "CA"
    assert shipment["from_address"]["name"] == "Chairs and Company"
    assert shipment["options"] == {"label_format": "PDF", "label_size": "4x6", "print_custom_1": "#1001 / S-1"}
    assert create.headers["Authorization"] == "Bearer EZTK_test"


@pytest.mark.parametrize("service", ["Express", "usps:express", "USPS:Express"])
def test_buys_the_requested_service(easypost_server, service) -> None:  # type: ignore[no-untyped-def]
    label = carrier(easypost_server).buy_label(label_request(KEY, service=service))
    assert (label.service, label.tracking_number, label.cost) == ("Express", "9470100106068143633126", 4455)


def test_a_service_no_carrier_offers_is_refused_before_buying(easypost_server) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CarrierError) as refused:
        carrier(easypost_server).buy_label(label_request(KEY, service="FedEx:Overnight"))
    assert refused.value.code == "service_unavailable" and not refused.value.retryable
    assert "USPS:Priority" in refused.value.message
    assert easypost_server.requests("POST", r"/v2/shipments/shp_\w+/buy") == []


def test_a_retry_after_a_lost_answer_returns_the_label_already_bought(easypost_server) -> None:  # type: ignore[no-untyped-def]
    easypost_server.answer("GET", "/v2/shipments", "shipments_list_purchased.json")

    label = carrier(easypost_server).buy_label(label_request(KEY))

    assert label.tracking_number == "9434600106068143633115"
    assert easypost_server.requests("POST", "/v2/shipments") == []
    listed, = easypost_server.requests("GET", "/v2/shipments")
    assert listed.query == {"page_size": ["100"], "purchased": ["True"]}


def test_another_key_is_not_taken_for_a_retry(easypost_server) -> None:  # type: ignore[no-untyped-def]
    easypost_server.answer("GET", "/v2/shipments", "shipments_list_purchased.json")
    carrier(easypost_server).buy_label(label_request("label:shipment-2"))
    assert len(easypost_server.requests("POST", "/v2/shipments")) == 1


@pytest.mark.parametrize(("method", "path", "recording", "status", "code", "retryable", "says"), [
    ("POST", "/v2/shipments", "error_address_verify.json", 422, "invalid_address", False, "House number is missing"),
    ("POST", "/v2/shipments", "error_unauthorized.json", 401, "carrier_auth_failed", False, "no longer active"),
    ("POST", "/v2/shipments", "error_rate_limited.json", 429, "rate_limited", True, "rate limit"),
    ("POST", "/v2/shipments", "error_internal.json", 500, "carrier_unavailable", True, "something went wrong"),
    ("POST", r"/v2/shipments/shp_\w+/buy", "error_postage_failure.json", 422, "postage_failed", False,
     "SHIPMENT.POSTAGE.FAILURE"),
    ("POST", "/v2/shipments", "shipment_create_no_rates.json", 201, "no_rates", False, "70 lbs"),
])
def test_easypost_errors_become_carrier_errors(easypost_server, method, path, recording, status, code, retryable,  # type: ignore[no-untyped-def]
                                               says) -> None:
    easypost_server.answer(method, path, recording, status=status)
    with pytest.raises(CarrierError) as failed:
        carrier(easypost_server).buy_label(label_request(KEY))
    assert (failed.value.code, failed.value.retryable) == (code, retryable)
    assert says in failed.value.message


def test_a_carrier_that_does_not_answer_is_retryable() -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(CarrierError) as failed:
        EasyPostCarrier(api_key="k", api_base=f"http://127.0.0.1:{port}/v2", timeout=2).buy_label(label_request())
    assert (failed.value.code, failed.value.retryable) == ("carrier_unavailable", True)


def test_a_label_url_that_is_not_a_pdf_is_a_retryable_error(easypost_server) -> None:  # type: ignore[no-untyped-def]
    easypost_server.answer("GET", r"/files/postage_label/.*\.pdf", "shipments_list_empty.json")
    with pytest.raises(CarrierError) as failed:
        carrier(easypost_server).buy_label(label_request(KEY))
    assert (failed.value.code, failed.value.retryable) == ("label_unavailable", True)


def body(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


def test_a_tracker_webhook_gives_the_latest_status() -> None:
    ep = EasyPostCarrier(api_key="k")
    update, = ep.parse_webhook(body("event_tracker_in_transit.json"), {})
    assert update.tracking_number == "9434600106068143633115"
    assert update.status == "in_transit"
    assert update.occurred_at == datetime(2026, 12, 1, 22, 14, tzinfo=UTC)
    assert update.description == "Arrived at USPS Regional Origin Facility"
    assert ep.tracking_url(update.tracking_number).startswith("https://track.easypost.com/")

    delivered, = ep.parse_webhook(body("event_tracker_delivered.json"), {})
    assert (delivered.status, delivered.description) == ("delivered", "Delivered, In/At Mailbox")


def test_other_events_carry_no_tracking_update() -> None:
    assert EasyPostCarrier(api_key="k").parse_webhook(body("event_batch_updated.json"), {}) == []


@pytest.mark.parametrize("raw", [b"not json", b"[]", b'{"object": "Shipment"}',
                                 b'{"object": "Event", "description": "tracker.updated"}'])
def test_a_body_that_is_not_an_event_is_refused(raw: bytes) -> None:
    with pytest.raises(CarrierError) as refused:
        EasyPostCarrier(api_key="k").parse_webhook(raw, {})
    assert refused.value.code == "invalid_webhook"


def test_with_a_secret_the_webhook_signature_is_checked() -> None:
    raw = body("event_tracker_delivered.json")
    signature = "hmac-sha256-hex=" + hmac.new(b"whsec", raw, hashlib.sha256).hexdigest()
    ep = EasyPostCarrier(api_key="k", webhook_secret="whsec")

    assert ep.parse_webhook(raw, {"x-hmac-signature": signature})[0].status == "delivered"
    wrong = signature[:-4] + "0000"
    for payload, headers in ((raw, {}), (raw, {"X-Hmac-Signature": wrong}), (raw + b" ", {"X-Hmac-Signature": signature})):
        with pytest.raises(CarrierError) as refused:
            ep.parse_webhook(payload, headers)
        assert refused.value.code == "invalid_signature"


def test_get_carrier_builds_easypost_from_settings(easypost_server) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(easypost_api_key="EZTK_test", easypost_api_base=f"{easypost_server.base}/v2")
    assert get_carrier("easypost", settings).buy_label(label_request(KEY)).tracking_number
    with pytest.raises(CarrierError) as missing:
        get_carrier("easypost", Settings(easypost_api_key=None))
    assert missing.value.code == "carrier_not_configured"
    assert Path(RECORDED / "README.md").exists()
