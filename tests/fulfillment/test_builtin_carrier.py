"""orderworks Post, the built-in carrier: real 4x6 labels with a scannable tracking barcode, numbers stable per
key and unique across keys, and the refusals a real carrier makes."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orderworks.core.settings import Settings
from orderworks.fulfillment.carriers import get_carrier, tracking_url_for
from orderworks.fulfillment.carriers.builtin import BuiltinCarrier, is_tracking_number, tracking_number_for
from orderworks.fulfillment.carriers.port import CarrierError, Parcel
from tests.fulfillment.conftest import SHIP_TO, barcodes, label_request, page_sizes_in_inches, pdf_text


def test_a_label_is_a_4x6_pdf_with_addresses_service_weight_reference_and_a_scannable_tracking_barcode() -> None:
    label = BuiltinCarrier().buy_label(label_request(service="express"))

    assert page_sizes_in_inches(label.label_pdf) == [(4.0, 6.0)]
    text = pdf_text(label.label_pdf)
    for expected in ("orderworks Post", "Express", "Chairs and Company", "1 Market St", "Ada Lovelace",
                     "Analytical Engines Ltd", "1600 Amphitheatre Pkwy", "Mountain View CA 94043", "#1001 / S-1",
                     "2.50 kg", "40×30×20 cm"):
        assert expected in text, f"{expected!r} not on the label:\n{text}"
    assert barcodes(label.label_pdf) == [("Code128", label.tracking_number)]
    assert (label.carrier, label.service, label.currency) == ("builtin", "express", "USD")


def test_a_retry_with_the_same_key_returns_the_same_label() -> None:
    first = BuiltinCarrier().buy_label(label_request("label:s-1"))
    again = BuiltinCarrier().buy_label(label_request("label:s-1"))
    assert again == first


def test_tracking_numbers_are_unique_over_many_keys_and_carry_a_check_digit() -> None:
    numbers = {tracking_number_for(f"label:shipment-{i}") for i in range(50_000)}
    assert len(numbers) == 50_000
    assert all(is_tracking_number(n) for n in numbers)


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1, max_size=80))
def test_a_tracking_number_is_a_function_of_the_key(key: str) -> None:
    number = tracking_number_for(key)
    assert number == tracking_number_for(key) and is_tracking_number(number)
    assert not is_tracking_number(number[:-1] + str((int(number[-1]) + 1) % 10))


def test_the_postage_grows_with_weight_service_and_distance() -> None:
    carrier = BuiltinCarrier()
    light = carrier.buy_label(label_request(parcel=Parcel(400, 200, 150, 100))).cost
    heavy = carrier.buy_label(label_request(parcel=Parcel(9000, 400, 300, 200))).cost
    express = carrier.buy_label(label_request(parcel=Parcel(400, 200, 150, 100), service="express")).cost
    abroad = carrier.buy_label(label_request(parcel=Parcel(400, 200, 150, 100), ship_to=replace(
        SHIP_TO, line1="10 Downing Street", city="London", region=None, postal_code="SW1A 2AA", country="GB"))).cost
    assert light is not None and heavy is not None and express is not None and abroad is not None
    assert light < heavy and light < express and light < abroad


def test_a_light_but_bulky_parcel_pays_for_its_volume() -> None:
    carrier = BuiltinCarrier()
    small = carrier.buy_label(label_request(parcel=Parcel(500, 200, 150, 100))).cost
    bulky = carrier.buy_label(label_request(parcel=Parcel(500, 800, 600, 500))).cost
    assert small is not None and bulky is not None and bulky > small


@pytest.mark.parametrize(("change", "code", "says"), [
    ({"parcel": Parcel(30_001, 400, 300, 200)}, "parcel_overweight", "30 kg"),
    ({"parcel": Parcel(2000, 1300, 300, 200)}, "parcel_oversize", "longest side"),
    ({"parcel": Parcel(2000, 1000, 600, 500)}, "parcel_oversize", "girth"),
    ({"parcel": Parcel(0, 400, 300, 200)}, "invalid_parcel", "above zero"),
    ({"service": "teleport"}, "unknown_service", "ground, express, overnight"),
    ({"ship_to": replace(SHIP_TO, postal_code="9404")}, "invalid_address", "postal code '9404'"),
    ({"ship_to": replace(SHIP_TO, region=None)}, "invalid_address", "region is required"),
    ({"ship_to": replace(SHIP_TO, line1="")}, "invalid_address", "line1 is required"),
    ({"ship_to": replace(SHIP_TO, name=" ")}, "invalid_address", "name is required"),
    ({"ship_to": replace(SHIP_TO, country="ZZ")}, "invalid_address", "country"),
    ({"ship_to": replace(SHIP_TO, country="KP", region=None, postal_code=None)}, "destination_not_served", "KP"),
])
def test_refuses_what_a_real_carrier_refuses(change, code, says) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CarrierError) as refused:
        BuiltinCarrier().buy_label(label_request(**change))
    assert (refused.value.code, refused.value.retryable) == (code, False)
    assert says in refused.value.message


def test_ships_abroad_with_the_country_format() -> None:
    berlin = replace(SHIP_TO, line1="Unter den Linden 77", city="Berlin", region=None, postal_code="10117",
                     country="DE")
    label = BuiltinCarrier().buy_label(label_request(ship_to=berlin))
    assert "INTERNATIONAL" in pdf_text(label.label_pdf)


def test_a_tracking_webhook_is_read_into_updates() -> None:
    number = tracking_number_for("label:s-1")
    carrier = BuiltinCarrier()
    single = json.dumps({"tracking_number": number, "status": "out_for_delivery",
                         "occurred_at": "2026-12-02T08:00:00Z", "description": "With the driver"}).encode()
    update, = carrier.parse_webhook(single, {})
    assert (update.status, update.description) == ("out_for_delivery", "With the driver")
    assert update.occurred_at == datetime(2026, 12, 2, 8, tzinfo=UTC)

    many = json.dumps({"events": [{"tracking_number": number, "status": s, "occurred_at": "2026-12-02T08:00:00"}
                                  for s in ("in_transit", "delivered")]}).encode()
    assert [u.status for u in carrier.parse_webhook(many, {})] == ["in_transit", "delivered"]


@pytest.mark.parametrize("raw", [b"{", b'{"status": "delivered"}', (b'{"tracking_number": "OW1", "status": "delivered",'
                                 b' "occurred_at": "2026-12-02T08:00:00Z"}'),
                                 json.dumps({"tracking_number": tracking_number_for("k"), "status": "lost",
                                             "occurred_at": "2026-12-02T08:00:00Z"}).encode()])
def test_a_bad_webhook_is_refused(raw: bytes) -> None:
    with pytest.raises(CarrierError) as refused:
        BuiltinCarrier().parse_webhook(raw, {})
    assert refused.value.code == "invalid_webhook"


def test_get_carrier_knows_builtin_and_refuses_others() -> None:
    settings = Settings(public_base_url="https://shop.example.com")
    builtin = get_carrier("builtin", settings)
    assert (builtin.code, builtin.name) == ("builtin", "orderworks Post")
    assert builtin.tracking_url("OW1").startswith("https://shop.example.com/")
    with pytest.raises(CarrierError) as unknown:
        get_carrier("pigeon", settings)
    assert unknown.value.code == "unknown_carrier"


@pytest.mark.parametrize(("carrier", "number", "url"), [
    ("ups", "1Z999AA10123456784", "https://www.ups.com/track?tracknum=1Z999AA10123456784"),
    ("UPS", "1Z999AA10123456784", "https://www.ups.com/track?tracknum=1Z999AA10123456784"),
    ("usps", "9400100000000000000000", "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400100000000000000000"),
    ("FedEx", "123456789012", "https://www.fedex.com/fedextrack/?trknbr=123456789012"),
    ("dhl", "1234567890", ("https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1"
     "&tracking-id=1234567890")),
    ("DHL Express", "1234567890", ("https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1"
     "&tracking-id=1234567890")),
    ("easypost", "1Z999AA10123456784", "https://www.ups.com/track?tracknum=1Z999AA10123456784"),
    ("easypost", "9400100000000000000000", "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400100000000000000000"),
    ("pigeon", "123", None),
    ("ups", " ", None),
])
def test_tracking_url_per_carrier(carrier: str, number: str, url: str | None) -> None:
    assert tracking_url_for(carrier, number) == url


def test_tracking_numbers_are_quoted_in_urls() -> None:
    assert tracking_url_for("ups", "1Z 99/9") == "https://www.ups.com/track?tracknum=1Z%2099%2F9"
    assert tracking_url_for("builtin", "OW1", base_url="https://shop.example.com/") == \
        "https://shop.example.com/parcels/OW1"
