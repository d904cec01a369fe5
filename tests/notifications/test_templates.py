"""Every email kind renders in every locale we ship (StrictUndefined: a missing value is an error, not a blank),
falls back from a regional locale to its language and from an unknown language to English, and the store's own
template folder wins over ours."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from orderworks.notifications import messages as m
from orderworks.notifications.rendering import render
from orderworks.notifications.rules import locale_chain

AT = datetime(2026, 12, 3, 14, 30, tzinfo=UTC)
LINE = {"sku": "RED-CHAIR", "name": "Red chair", "quantity": 2}
KINDS = [c.kind for c in vars(m).values() if isinstance(c, m.Composer)] + ["staff_failed_deliveries"]


def context(kind: str) -> dict[str, object]:
    order = {"id": "o-1", "number": "1001", "customer_name": "Ada", "customer_email": "ada@example.com",
             "placed_at": AT, "currency": "EUR", "status": "processing", "payment_status": "paid",
             "items_total": 9800, "discount_total": 500, "discount_code": "SAVE5", "shipping_total": 500,
             "tax_total": 700, "total": 10500, "shipping_method_name": "Standard", "backordered": True,
             "shipping_address": ["Ada", "1 Main St", "Springfield"],
             "lines": [{**LINE, "unit_price": 4900, "total": 9800, "backordered": 1}]}
    return {"kind": kind, "order": order, "link": "https://shop.example.com/track/t", "staff_link": "https://s/o-1",
            "store": {"name": "Chairs & Co", "email": "shop@example.com", "phone": "+49 30 1234",
                      "address_lines": ["Hauptstraße 1", "10115 Berlin"]},
            "amount": 500, "currency": "EUR", "decline_code": "expired_card", "message": "Card expired",
            "advice": "check_card", "failed_kind": "authorize", "method": "card", "refunded_total": 1000,
            "reason": "customer asked", "unpaid_timeout": False,
            "invoice": {"number": "INV-1", "total": 10500, "currency": "EUR", "status": "paid", "issued_at": AT},
            "carrier": "dhl", "carrier_name": "DHL", "tracking_numbers": ["JD0146"], "tracking_url": "https://t/JD",
            "shipped_lines": [LINE], "remaining": [LINE], "delivered_at": AT.isoformat(),
            "feedback_link": "https://shop.example.com/track/t#feedback", "backordered_lines": [LINE],
            "endpoint_id": "wh-1", "url": "https://erp.example.com/hook",
            "deliveries": [{"id": 7, "event_type": "OrderPlaced", "aggregate_id": "o-1", "subscriber": "webhooks",
                            "attempts": 8, "last_error": "boom", "at": AT}],
            "count": 1, "more": 0, "since": AT, "until": AT, "tracking_status": "exception",
            "description": "Address not found",
            "items": [{"sku": "EBOOK", "name": "Chair care e-book", "download_url": "https://dl/1", "licence_key": "K-1"}]}


@pytest.mark.parametrize("locale", ["en_US", "de_DE"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_in_every_locale(kind: str, locale: str) -> None:
    out = render(kind, locale=locale, timezone="Europe/Berlin", context=context(kind))
    assert out.subject and "\n" not in out.subject
    assert "Chairs & Co" in out.text and "Chairs &amp; Co" in out.html
    assert "{{" not in out.text and "{%" not in out.html
    if not kind.startswith("staff_") and kind != "staff_failed_deliveries":
        assert "https://shop.example.com/track/t" in out.text and "https://shop.example.com/track/t" in out.html
    if kind == "shipped":
        assert "https://t/JD" in out.text and "JD0146" in out.html


def test_a_regional_or_unknown_locale_falls_back() -> None:
    assert locale_chain("de_AT") == ["de_AT", "de", "en"]
    assert render("order_confirmation", locale="de_AT", timezone="UTC",
                  context=context("order_confirmation")).subject == "Bestellung 1001 bestätigt"
    assert render("order_confirmation", locale="fr_FR", timezone="UTC",
                  context=context("order_confirmation")).subject == "Order 1001 confirmed"


def test_the_stores_own_templates_come_first(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "order_confirmation.txt").write_text(
        "{% extends layout_txt %}{% block subject %}Thanks for #{{ order.number }}!{% endblock %}"
        "{% block body %}Cheers.{% endblock %}")
    out = render("order_confirmation", locale="en_US", timezone="UTC", context=context("order_confirmation"),
                 own_dir=tmp_path)
    assert out.subject == "Thanks for #1001!" and out.text.startswith("Cheers.")
    assert "1001" in out.html  # the HTML part is still ours
