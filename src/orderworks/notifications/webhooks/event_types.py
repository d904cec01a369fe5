"""The one table of webhook event types: outbox event class name -> dotted lower-case name, what it means, and an
example of its `data`. docs/webhooks.md is generated from this table (see docs.py), and a test checks that each
example has exactly the fields of the event class it stands for, so the docs match the code.

Pure data: no I/O. `data` is the outbox event's payload (minus internal keys), renamed where `rename` says so.
Amounts are integer minor units (cents) with the ISO 4217 `currency` beside them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

API_VERSION = "2026-12-01"  # the envelope and data shapes; a change to either gets a new date
ALL = "*"
PING = "webhook.ping"
INTERNAL_KEYS = frozenset({"aggregate_type"})

_ORDER = "0193a8f2-7c1e-7b40-9d1a-3f6b2c8e4a10"
_PAYMENT = "0193a8f3-1a2b-7c3d-8e4f-5a6b7c8d9e01"
_TXN = "0193a8f3-1a2b-7c3d-8e4f-5a6b7c8d9e02"
_INVOICE = "0193a8f4-0b1c-7d2e-9f30-4a5b6c7d8e03"
_SHIPMENT = "0193a8f5-2c3d-7e4f-8a50-6b7c8d9e0f04"
_LINE = {"sku": "RED-CHAIR", "name": "Red chair", "quantity": 2}


@dataclass(frozen=True)
class WebhookEventType:
    name: str  # dotted, lower case: what an endpoint subscribes to
    event_class: str | None  # the outbox row `type`; None for a type not written to the outbox (the ping)
    description: str
    example: dict[str, Any]  # the envelope's `data`
    rename: dict[str, str] = field(default_factory=dict)  # payload key -> data key


def _t(name: str, event_class: str | None, description: str, example: dict[str, Any],
       rename: dict[str, str] | None = None) -> WebhookEventType:
    return WebhookEventType(name, event_class, description, example, rename or {})


EVENT_TYPES: tuple[WebhookEventType, ...] = (
    _t("order.placed", "OrderPlaced", "An order was placed (any channel).",
       {"order_id": _ORDER, "number": "1001", "channel": "web", "currency": "USD", "total": 25900,
        "customer_email": "ada@example.com", "backordered": False}),
    _t("order.draft_created", "OrderDraftCreated", "A draft order was created (by staff, or to reorder).",
       {"order_id": _ORDER, "number": "1002", "source_order_id": None}),
    _t("order.updated", "OrderUpdated", "An order was edited: `changes` names what changed.",
       {"order_id": _ORDER, "number": "1001", "changes": ["lines", "shipping_address"], "total": 27900}),
    _t("order.canceled", "OrderCanceled",
       "An order was canceled; its reserved stock was released. `reason_code` is `unpaid` when the unpaid-order "
       "rule canceled it.",
       {"order_id": _ORDER, "number": "1001", "reason": "customer asked", "released_units": 2, "reason_code": ""}),
    _t("order.held", "OrderHeld", "An order was put on hold.",
       {"order_id": _ORDER, "number": "1001", "reason": "address check"}),
    _t("order.released", "OrderReleased", "An order on hold was released.",
       {"order_id": _ORDER, "number": "1001"}),
    _t("order.note_added", "OrderNoteAdded", "A note was added to an order.",
       {"order_id": _ORDER, "number": "1001", "note_id": "0193a8f6-0000-7000-8000-000000000001",
        "visible_to_customer": False}),
    _t("order.stock_released", "DeclinedOrderStockReleased",
       "A declined, unpaid order's stock hold ran out and its stock went back on sale.",
       {"order_id": _ORDER, "number": "1001", "released_units": 2}),
    _t("order.backordered", "OrderBackordered", "Some lines of an order cannot ship yet (no stock).",
       {"order_id": _ORDER, "number": "1001", "lines": [_LINE]}),
    _t("order.fulfilled", "OrderFulfilled", "Every unit of an order has shipped.",
       {"order_id": _ORDER, "number": "1001"}),
    _t("order.completed", "OrderCompleted", "An order is fulfilled and paid.",
       {"order_id": _ORDER, "number": "1001"}),
    _t("payment.authorized", "PaymentAuthorized", "A card payment was authorized (money held, not taken).",
       {"order_id": _ORDER, "number": "1001", "payment_id": _PAYMENT, "transaction_id": _TXN, "method": "card",
        "amount": 25900, "currency": "USD", "card_brand": "visa", "card_last4": "4242", "avs_result": "Y",
        "cvv_result": "M"}),
    _t("payment.captured", "PaymentCaptured", "Money was taken: a capture, or an offline payment recorded.",
       {"order_id": _ORDER, "number": "1001", "payment_id": _PAYMENT, "transaction_id": _TXN, "method": "card",
        "amount": 25900, "currency": "USD", "captured_total": 25900, "order_payment_status": "paid",
        "offline": False, "reference": None}),
    _t("payment.failed", "PaymentFailed", "A payment step failed: `kind` says which (authorize, capture, ...).",
       {"order_id": _ORDER, "number": "1001", "payment_id": _PAYMENT, "transaction_id": _TXN, "method": "card",
        "amount": 25900, "currency": "USD", "kind": "authorize", "decline_code": "insufficient_funds",
        "message": "The card has insufficient funds"}),
    _t("payment.voided", "PaymentVoided", "An authorization was released without taking the money.",
       {"order_id": _ORDER, "number": "1001", "payment_id": _PAYMENT, "transaction_id": _TXN, "method": "card",
        "amount": 25900, "currency": "USD", "reason": "order canceled"}),
    _t("payment.refunded", "PaymentRefunded", "Money was refunded; `lines` lists the order lines refunded.",
       {"order_id": _ORDER, "number": "1001", "payment_id": _PAYMENT, "transaction_id": _TXN, "method": "card",
        "amount": 12950, "currency": "USD", "reason": "damaged", "refunded_total": 12950,
        "lines": [{"line_id": "0193a8f7-0000-7000-8000-000000000001", "quantity": 1, "amount": 12950}]}),
    _t("invoice.issued", "InvoiceIssued", "An invoice was issued.",
       {"invoice_id": _INVOICE, "order_id": _ORDER, "number": "INV-1", "order_number": "1001", "status": "issued",
        "currency": "USD", "total": 25900, "customer_email": "ada@example.com"}),
    _t("invoice.resent", "InvoiceResent", "Staff emailed an invoice to the customer again.",
       {"invoice_id": _INVOICE, "order_id": _ORDER, "number": "INV-1", "order_number": "1001",
        "customer_email": "ada@example.com"}),
    _t("invoice.paid", "InvoicePaid", "An invoice was paid in full.",
       {"invoice_id": _INVOICE, "order_id": _ORDER, "number": "INV-1"}),
    _t("invoice.voided", "InvoiceVoided", "An invoice was voided.",
       {"invoice_id": _INVOICE, "order_id": _ORDER, "number": "INV-1", "reason": "issued by mistake"}),
    _t("credit_note.issued", "CreditNoteIssued", "A credit note was issued against an invoice.",
       {"credit_note_id": "0193a8f8-0000-7000-8000-000000000001", "invoice_id": _INVOICE, "order_id": _ORDER,
        "number": "CN-1", "invoice_number": "INV-1", "currency": "USD", "total": 12950,
        "refund_reference": None, "customer_email": "ada@example.com"}),
    _t("shipment.ready", "ShipmentReady", "A shipment is ready to pick at a stock location.",
       {"order_id": _ORDER, "number": "1001", "shipment_id": _SHIPMENT, "location_code": "MAIN"}),
    _t("shipment.shipped", "ShipmentShipped",
       "A shipment left with its carrier; `remaining` is what ships later.",
       {"order_id": _ORDER, "number": "1001", "shipment_id": _SHIPMENT, "carrier": "builtin",
        "tracking_numbers": ["OW1234567890"], "tracking_url": "https://track.example.com/OW1234567890",
        "lines": [_LINE], "remaining": []}),
    _t("shipment.canceled", "ShipmentCanceled", "A shipment was canceled (its order canceled or edited).",
       {"order_id": _ORDER, "number": "1001", "shipment_id": _SHIPMENT, "reason": "order canceled"}),
    _t("shipment.delivered", "ShipmentDelivered", "A shipment was delivered.",
       {"order_id": _ORDER, "number": "1001", "shipment_id": _SHIPMENT, "delivered_at": "2026-12-03T14:05:00+00:00"}),
    _t("shipment.tracking_updated", "ShipmentTrackingUpdated", "The carrier reported a new tracking status.",
       {"order_id": _ORDER, "number": "1001", "shipment_id": _SHIPMENT, "tracking_status": "out_for_delivery",
        "previous": "in_transit", "description": "Out for delivery"}),
    _t("digital_goods.delivered", "DigitalGoodsDelivered", "Downloads and licence keys were sent to the customer.",
       {"order_id": _ORDER, "number": "1001",
        "items": [{"sku": "EBOOK-1", "name": "The e-book", "download_url": "https://shop.example.com/d/abc",
                   "licence_key": None}]}),
    _t("feedback.received", "FeedbackReceived", "The customer rated a delivered order (again, when `updated`).",
       {"order_id": _ORDER, "number": "1001", "rating": 5, "comment": "Sturdy and on time", "updated": False}),
    _t("stock.changed", "StockChanged", "On-hand stock of a SKU at a location changed.",
       {"sku_id": "RED-CHAIR", "sku": "RED-CHAIR", "location": "MAIN", "kind": "adjustment", "delta": 5,
        "on_hand": 15, "available": 13, "reason": "found in the back"},
       rename={"aggregate_id": "sku_id"}),
    _t("product.created", "ProductCreated", "A product was added to the catalog.",
       {"product_id": "0193a8f9-0000-7000-8000-000000000001", "sku": "RED-CHAIR", "name": "Red chair"},
       rename={"aggregate_id": "product_id"}),
    _t("product.updated", "ProductUpdated", "A product changed: `changes` names what.",
       {"product_id": "0193a8f9-0000-7000-8000-000000000001", "sku": "RED-CHAIR", "changes": ["price"]},
       rename={"aggregate_id": "product_id"}),
    _t(PING, None, "Sent by `POST /api/v1/webhooks/{id}/ping` to test an endpoint; never by an event.",
       {"endpoint_id": "0193a8fa-0000-7000-8000-000000000001", "message": "ping from orderworks"}),
)

BY_NAME: dict[str, WebhookEventType] = {t.name: t for t in EVENT_TYPES}
BY_CLASS: dict[str, WebhookEventType] = {t.event_class: t for t in EVENT_TYPES if t.event_class}


def event_data(event_type: WebhookEventType, payload: dict[str, Any]) -> dict[str, Any]:
    """The public `data` of an outbox payload: internal keys dropped, keys renamed per the table."""
    return {event_type.rename.get(k, k): v for k, v in payload.items() if k not in INTERNAL_KEYS}


def envelope(event_type: WebhookEventType, *, event_id: str, timestamp: str, data: dict[str, Any]) -> dict[str, Any]:
    """The versioned body every webhook carries."""
    return {"type": event_type.name, "id": event_id, "timestamp": timestamp, "api_version": API_VERSION,
            "data": data}
