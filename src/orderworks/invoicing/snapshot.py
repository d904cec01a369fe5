"""The immutable picture of a sale that an invoice or credit note prints: plain JSON, amounts in minor units.

Built once, at issue, from the store, the order and its lines; documents and API read only this afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from orderworks.core.store import Store
from orderworks.invoicing.numbering import store_zone
from orderworks.invoicing.rules import TaxedLine, TaxLine, derive_tax_lines
from orderworks.orders.models import Order, OrderLine


@dataclass(frozen=True)
class PaymentLine:
    """A payment printed on the invoice (the payments area passes these; invoicing never reads its tables)."""

    method: str  # card, check, cash, bank_transfer, ...
    reference: str  # gateway reference or the seller's note: "Visa 4242", "check 1041"
    amount: int  # minor units, in the order's currency
    captured_at: datetime


@dataclass(frozen=True)
class CreditLine:
    """Part of an invoice line credited: which line, how many units, and the amount (tax included)."""

    line_id: str
    quantity: int
    amount: int


def seller(store: Store) -> dict[str, Any]:
    return {"name": store.name, "legal_name": store.legal_name or store.name, "address": dict(store.address or {}),
            "email": store.email, "phone": store.phone, "tax_id": store.tax_id, "country": store.country}


def _line(line: OrderLine, *, included: bool) -> dict[str, Any]:
    return {"line_id": str(line.id), "sku": line.sku, "name": line.name, "quantity": line.quantity,
            "unit_price": line.unit_price, "subtotal": line.subtotal, "discount": line.discount,
            "tax_rate_ppm": line.tax_rate_ppm, "tax": line.tax, "total": line.total,
            "net": line.subtotal - line.discount - (line.tax if included else 0)}


def tax_lines(order: Order) -> list[TaxLine]:
    included = order.prices_include_tax
    lines = [TaxedLine(net=x.subtotal - x.discount - (x.tax if included else 0), tax=x.tax, rate_ppm=x.tax_rate_ppm)
             for x in order.lines]
    shipping_tax = order.tax_total - sum(x.tax for x in order.lines)
    shipping_net = order.shipping_total - (shipping_tax if included else 0)
    breakdown = [(int(t["rate_ppm"]), int(t["amount"])) for t in order.tax_breakdown]
    return derive_tax_lines(lines, shipping_net=shipping_net, breakdown=breakdown)


def tax_lines_json(lines: Sequence[TaxLine]) -> list[dict[str, int]]:
    return [{"rate_ppm": t.rate_ppm, "net": t.net, "tax": t.tax} for t in lines]


def invoice_snapshot(store: Store, order: Order, *, number: str, issued_at: datetime,
                     payments: Sequence[PaymentLine]) -> dict[str, Any]:
    """Everything the invoice shows, copied: a later change to the store, a product or the order changes none."""
    return {
        "kind": "invoice", "number": number, "issued_at": issued_at.isoformat(),
        "issue_date": issued_at.astimezone(store_zone(store)).date().isoformat(),
        "order": {"id": str(order.id), "number": order.number, "channel": order.channel,
                  "placed_at": order.placed_at.isoformat() if order.placed_at else None},
        "seller": seller(store), "footer": store.invoice_footer or "",
        "customer": {"name": order.customer_name, "email": order.customer_email, "phone": order.customer_phone},
        "billing_address": order.billing_address, "shipping_address": order.shipping_address,
        "currency": order.currency, "locale": store.locale, "prices_include_tax": order.prices_include_tax,
        "lines": [_line(x, included=order.prices_include_tax) for x in order.lines],
        "discount": {"code": order.discount_code, "amount": order.discount_total},
        "shipping": {"method": order.shipping_method, "name": order.shipping_method_name,
                     "amount": order.shipping_total},
        "tax_lines": tax_lines_json(tax_lines(order)),
        "totals": {"items": order.items_total, "discount": order.discount_total, "shipping": order.shipping_total,
                   "tax": order.tax_total, "total": order.total},
        "payments": [{"method": p.method, "reference": p.reference, "amount": p.amount,
                      "captured_at": p.captured_at.isoformat()} for p in payments],
    }


def credit_note_snapshot(invoice: dict[str, Any], *, number: str, issued_at: datetime, store: Store,
                         reason: str, refund_reference: str | None, lines: list[dict[str, Any]],
                         taxes: Sequence[TaxLine]) -> dict[str, Any]:
    """A credit note speaks for the invoice it corrects: same seller, customer and currency as that invoice."""
    copied = {key: invoice[key] for key in ("order", "seller", "footer", "customer", "billing_address",
                                            "shipping_address", "currency", "locale", "prices_include_tax")}
    return {
        **copied, "kind": "credit_note", "number": number, "issued_at": issued_at.isoformat(),
        "issue_date": issued_at.astimezone(store_zone(store)).date().isoformat(),
        "invoice": {"number": invoice["number"], "issue_date": invoice["issue_date"]},
        "reason": reason, "refund_reference": refund_reference, "lines": lines,
        "tax_lines": tax_lines_json(taxes),
        "totals": {"net": sum(t.net for t in taxes), "tax": sum(t.tax for t in taxes),
                   "total": sum(t.net + t.tax for t in taxes)},
    }
