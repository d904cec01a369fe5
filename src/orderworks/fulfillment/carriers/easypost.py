"""EasyPost, on the official SDK: create a shipment (EasyPost rates it at every carrier account), buy the lowest
rate or the service asked for, fetch the 4x6 PDF label, and read tracker webhooks.

EasyPost takes no idempotency key, so the adapter writes ours as the shipment's `reference` and, before buying,
looks among the latest purchased shipments for one with that reference: a retry after a lost answer returns the
label already bought instead of buying a second one. The order number goes on the label as `print_custom_1`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata
import urllib.request
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import easypost
from easypost import errors as ep

from orderworks.fulfillment.carriers.port import (
    CarrierError,
    LabelAddress,
    LabelRequest,
    Parcel,
    PurchasedLabel,
    TrackingStatus,
    TrackingUpdate,
)

GRAMS_PER_OUNCE = Decimal("28.349523125")
MM_PER_INCH = Decimal("25.4")
LOOKBACK = 100  # purchased shipments searched for a retried idempotency key
# EasyPost tracker statuses -> ours
STATUSES = {
    "unknown": TrackingStatus.PRE_TRANSIT, "pre_transit": TrackingStatus.PRE_TRANSIT,
    "in_transit": TrackingStatus.IN_TRANSIT, "out_for_delivery": TrackingStatus.OUT_FOR_DELIVERY,
    "available_for_pickup": TrackingStatus.OUT_FOR_DELIVERY, "delivered": TrackingStatus.DELIVERED,
    "return_to_sender": TrackingStatus.RETURNED_TO_SENDER, "failure": TrackingStatus.EXCEPTION,
    "cancelled": TrackingStatus.EXCEPTION, "error": TrackingStatus.EXCEPTION,
}
# EasyPost error codes by prefix -> ours (the carrier's own code stays in the message)
CODES = {"ADDRESS.": "invalid_address", "PARCEL.": "invalid_parcel", "SHIPMENT.POSTAGE.": "postage_failed",
         "SHIPMENT.RATE.": "no_rates", "SHIPMENT.INVALID_PARAMS": "invalid_request"}


def _address(a: LabelAddress) -> dict[str, Any]:
    return {"name": a.name, "company": a.company, "street1": a.line1, "street2": a.line2, "city": a.city,
            "state": a.region, "zip": a.postal_code, "country": a.country, "phone": a.phone}


def _tenths(value: Decimal) -> float:
    return float(max(value, Decimal("0.1")).quantize(Decimal("0.1")))


def _parcel(p: Parcel) -> dict[str, float]:
    """EasyPost measures in ounces and inches."""
    return {"weight": _tenths(Decimal(p.weight_grams) / GRAMS_PER_OUNCE),
            "length": _tenths(Decimal(p.length_mm) / MM_PER_INCH),
            "width": _tenths(Decimal(p.width_mm) / MM_PER_INCH),
            "height": _tenths(Decimal(p.height_mm) / MM_PER_INCH)}


def _minor(amount: str | None, currency: str | None) -> int | None:
    if amount is None or currency is None:
        return None
    from orderworks.core.money import exponent, round_half_up

    try:
        return round_half_up(Decimal(str(amount)).scaleb(exponent(currency)))
    except (InvalidOperation, ValueError):
        return None


def carrier_error(exc: Exception) -> CarrierError:
    """An SDK exception as a CarrierError: retryable when EasyPost or the network failed, not when it refused."""
    if isinstance(exc, ep.TimeoutError | ep.GatewayTimeoutError | ep.HttpError):
        return CarrierError("carrier_unavailable", f"EasyPost did not answer: {exc}", retryable=True)
    if isinstance(exc, ep.RateLimitError):
        return CarrierError("rate_limited", f"EasyPost is rate limiting: {exc}", retryable=True)
    if isinstance(exc, ep.InternalServerError | ep.ServiceUnavailableError | ep.UnknownApiError | ep.JsonError):
        return CarrierError("carrier_unavailable", f"EasyPost failed: {exc}", retryable=True)
    if isinstance(exc, ep.UnauthorizedError | ep.ForbiddenError):
        return CarrierError("carrier_auth_failed", f"EasyPost refused the API key: {exc}")
    if isinstance(exc, ep.PaymentError):
        return CarrierError("carrier_payment_required", f"EasyPost wants payment: {exc}")
    if isinstance(exc, ep.ApiError):
        code = str(exc.code or "")
        ours = next((v for k, v in CODES.items() if code.startswith(k)), "carrier_refused")
        fields = [f"{e.get('field')}: {e.get('message')}" if isinstance(e, dict) else str(e)
                  for e in (exc.errors or [])]
        detail = f" ({'; '.join(fields)})" if fields else ""
        return CarrierError(ours, f"{exc.message}{detail} [EasyPost {code or exc.http_status}]")
    return CarrierError("carrier_refused", f"EasyPost: {exc}")


class EasyPostCarrier:
    code = "easypost"
    name = "EasyPost"

    def __init__(self, *, api_key: str, api_base: str | None = None, webhook_secret: str | None = None,
                 timeout: int = 30):
        self._client = easypost.EasyPostClient(api_key, **({"api_base": api_base} if api_base else {}),
                                               timeout=timeout)
        self._timeout = timeout
        self._webhook_secret = webhook_secret
        self._tracking_urls: dict[str, str] = {}

    def buy_label(self, request: LabelRequest) -> PurchasedLabel:
        if not request.idempotency_key:
            raise CarrierError("invalid_request", "A label purchase needs an idempotency key")
        try:
            shipment = self._already_bought(request.idempotency_key) or self._create_and_buy(request)
            label = shipment.get("postage_label") or {}
            url = label.get("label_pdf_url")
            if not url:  # bought as PNG: have EasyPost convert it
                shipment = self._client.shipment.label(shipment["id"], file_format="PDF").to_dict()
                url = (shipment.get("postage_label") or {}).get("label_pdf_url")
        except ep.EasyPostError as exc:
            raise carrier_error(exc) from exc
        if not url:
            raise CarrierError("label_unavailable", "EasyPost bought the label but gave no PDF", retryable=True)
        return self._purchased(shipment, self._fetch(url))

    def _already_bought(self, key: str) -> dict[str, Any] | None:
        page = self._client.shipment.all(page_size=LOOKBACK, purchased=True)
        page = page.to_dict() if hasattr(page, "to_dict") else page
        return next((s for s in page.get("shipments", []) if s.get("reference") == key and s.get("tracking_code")),
                    None)

    def _create_and_buy(self, request: LabelRequest) -> dict[str, Any]:
        shipment = self._client.shipment.create(
            reference=request.idempotency_key, to_address=_address(request.ship_to),
            from_address=_address(request.ship_from), parcel=_parcel(request.parcel),
            options={"label_format": "PDF", "label_size": "4x6", "print_custom_1": request.reference}).to_dict()
        rate = self._choose_rate(shipment, request.service)
        return self._client.shipment.buy(shipment["id"], rate={"id": rate["id"]}).to_dict()

    @staticmethod
    def _choose_rate(shipment: dict[str, Any], service: str | None) -> dict[str, Any]:
        """The cheapest rate, or the one for `service` ("Priority" or "USPS:Priority", any case)."""
        rates = list(shipment.get("rates") or [])
        if not rates:
            why = "; ".join(f"{m.get('carrier')}: {m.get('message')}" for m in shipment.get("messages") or [])
            raise CarrierError("no_rates", f"No carrier would rate this parcel{': ' + why if why else ''}")
        if service:
            carrier, _, name = service.rpartition(":")
            rates = [r for r in rates if str(r["service"]).lower() == name.strip().lower()
                     and (not carrier or str(r["carrier"]).lower() == carrier.strip().lower())]
            if not rates:
                offered = ", ".join(sorted(f"{r['carrier']}:{r['service']}" for r in shipment["rates"]))
                raise CarrierError("service_unavailable", f"No rate for {service!r}; offered: {offered}")
        return min(rates, key=lambda r: Decimal(str(r["rate"])))

    def _fetch(self, url: str) -> bytes:
        try:
            with urllib.request.urlopen(url, timeout=self._timeout) as response:
                pdf = bytes(response.read())
        except OSError as exc:
            raise CarrierError("label_unavailable", f"Could not fetch the label: {exc}", retryable=True) from exc
        if not pdf.startswith(b"%PDF-"):
            raise CarrierError("label_unavailable", "The label EasyPost returned is not a PDF", retryable=True)
        return pdf

    def _purchased(self, shipment: dict[str, Any], pdf: bytes) -> PurchasedLabel:
        from orderworks.fulfillment.carriers import normalize_carrier, tracking_url_for

        rate = shipment.get("selected_rate") or {}
        number = str(shipment["tracking_code"])
        carrier = normalize_carrier(str(rate.get("carrier") or "easypost"))
        url = ((shipment.get("tracker") or {}).get("public_url") or tracking_url_for(carrier, number) or "")
        if url:
            self._tracking_urls[number] = url
        return PurchasedLabel(carrier=carrier, service=str(rate.get("service") or ""), tracking_number=number,
                              label_pdf=pdf, tracking_url=url, cost=_minor(rate.get("rate"), rate.get("currency")),
                              currency=rate.get("currency"), carrier_reference=str(shipment["id"]))

    def tracking_url(self, tracking_number: str) -> str:
        from orderworks.fulfillment.carriers import tracking_url_for

        return self._tracking_urls.get(tracking_number) or tracking_url_for("easypost", tracking_number) or ""

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> list[TrackingUpdate]:
        """The tracking update in an EasyPost `tracker.created` / `tracker.updated` event; other events carry
        none. With a webhook secret set, the `X-Hmac-Signature` header must match the body."""
        if self._webhook_secret:
            self._verify(body, headers)
        try:
            event = json.loads(body)
            if not isinstance(event, dict) or event.get("object") != "Event":
                raise ValueError("not an EasyPost Event")
            if not str(event.get("description", "")).startswith("tracker."):
                return []
            return [self._update(event["result"])]
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise CarrierError("invalid_webhook", f"Not an EasyPost tracker event: {exc}") from exc

    def _verify(self, body: bytes, headers: Mapping[str, str]) -> None:
        given = next((v for k, v in headers.items() if k.lower() == "x-hmac-signature"), "")
        secret = unicodedata.normalize("NFKD", self._webhook_secret or "").encode()
        expected = "hmac-sha256-hex=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        if not given or not hmac.compare_digest(expected, given):
            raise CarrierError("invalid_signature", "The EasyPost webhook signature does not match")

    def _update(self, tracker: dict[str, Any]) -> TrackingUpdate:
        details = sorted(tracker.get("tracking_details") or [], key=lambda d: str(d.get("datetime") or ""))
        latest = details[-1] if details else {}
        status = STATUSES.get(str(tracker.get("status")), TrackingStatus.EXCEPTION)
        when = str(latest.get("datetime") or tracker.get("updated_at"))
        occurred = datetime.fromisoformat(when)
        if tracker.get("public_url"):
            self._tracking_urls[str(tracker["tracking_code"])] = str(tracker["public_url"])
        return TrackingUpdate(tracking_number=str(tracker["tracking_code"]), status=status.value,
                              occurred_at=occurred if occurred.tzinfo else occurred.replace(tzinfo=UTC),
                              description=str(latest.get("message") or tracker.get("status_detail")
                                              or status.value))
