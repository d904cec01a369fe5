"""Invoice rules, pure: statuses and their transitions, document numbers, tax per rate, and what a credit note
may still credit. No I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from orderworks.core.errors import Conflict, InvalidTransition
from orderworks.core.money import round_half_up
from orderworks.core.transitions import Transitions
from orderworks.orders.rules.pricing import PPM, allocate_proportionally
from orderworks.orders.rules.status import OrderStatus


class InvoiceStatus(StrEnum):
    ISSUED = "issued"
    PAID = "paid"
    VOID = "void"


S = InvoiceStatus
INVOICE_TRANSITIONS = Transitions({
    S.ISSUED: {S.PAID, S.VOID},
    S.PAID: set(),  # a paid invoice is corrected by credit notes, never voided
    S.VOID: set(),
}, entity="invoice")

# An order is invoiced once it is placed; a draft is not a sale yet and a canceled order is not one any more.
NOT_INVOICEABLE = frozenset({OrderStatus.DRAFT, OrderStatus.CANCELED})


class OrderNotInvoiceable(Conflict):
    code = "order_not_invoiceable"  # 409: a draft or a canceled order


class InvoiceIsVoid(Conflict):
    code = "invoice_void"  # 409: a void invoice is not sent to the customer again


class CreditExceedsInvoice(Conflict):
    code = "credit_exceeds_invoice"  # 409: more than the invoice total minus earlier credit notes


class RefundReferenceReused(Conflict):
    code = "refund_reference_reused"  # 409: that refund already has a credit note, for another amount or order


class HasInvoiceStatus(Protocol):
    status: str


def mark_paid(invoice: HasInvoiceStatus) -> None:
    invoice.status = INVOICE_TRANSITIONS.check(S(invoice.status), S.PAID, action="mark as paid")


def void(invoice: HasInvoiceStatus, *, credited: int) -> None:
    """An unpaid invoice issued by mistake is voided; once anything was credited against it, it stands."""
    target = INVOICE_TRANSITIONS.check(S(invoice.status), S.VOID, action="void")
    if credited:
        raise InvalidTransition("Cannot void an invoice that credit notes were issued against; credit the rest",
                                field="status", details={"from": invoice.status, "to": "void", "action": "void"})
    invoice.status = target


def can_invoice(order_status: str) -> bool:
    return order_status not in NOT_INVOICEABLE


def format_number(prefix: str, year: int, sequence: int) -> str:
    """INV- 2026 1 -> 'INV-2026-000001': sorts as text within a year, and reads aloud."""
    return f"{prefix}{year}-{sequence:06d}"


def series_name(kind: str, prefix: str, year: int) -> str:
    """One gapless series per document kind, prefix and year; a new prefix starts a new series."""
    return f"{kind}:{prefix}{year}"


@dataclass(frozen=True)
class TaxedLine:
    net: int  # the taxable amount: after discount, without tax
    tax: int
    rate_ppm: int


@dataclass(frozen=True)
class TaxLine:
    rate_ppm: int
    net: int
    tax: int


def derive_tax_lines(lines: Sequence[TaxedLine], *, shipping_net: int,
                     breakdown: Sequence[tuple[int, int]]) -> list[TaxLine]:
    """Tax per rate with its taxable base, from the order's breakdown (rate, tax). The order does not keep the
    shipping's rate: it is the rate whose tax is more than its lines account for (else shipping is untaxed)."""
    taxes = dict(breakdown)
    bases: dict[int, int] = {}
    for line in lines:
        bases[line.rate_ppm] = bases.get(line.rate_ppm, 0) + line.net
    line_tax: dict[int, int] = {}
    for line in lines:
        line_tax[line.rate_ppm] = line_tax.get(line.rate_ppm, 0) + line.tax
    shipping_rate = next((rate for rate, tax in sorted(taxes.items()) if tax > line_tax.get(rate, 0)), 0)
    if shipping_net:
        bases[shipping_rate] = bases.get(shipping_rate, 0) + shipping_net
    return [TaxLine(rate, bases.get(rate, 0), taxes.get(rate, 0))
            for rate in sorted(set(bases) | set(taxes)) if bases.get(rate, 0) or taxes.get(rate, 0)]


def tax_in_gross(gross: int, rate_ppm: int) -> int:
    """The tax inside an amount that includes it."""
    if gross <= 0 or rate_ppm <= 0:
        return 0
    return round_half_up(Decimal(gross) * rate_ppm / (PPM + rate_ppm))


def split_credit(amount: int, tax_lines: Sequence[TaxLine]) -> list[TaxLine]:
    """Spread a credit (tax included) over the invoice's tax rates in proportion to each rate's gross, so a
    partial refund credits tax at the rates the customer was charged."""
    grosses = [t.net + t.tax for t in tax_lines]
    shares = allocate_proportionally(amount, grosses)
    out = []
    for t, share in zip(tax_lines, shares):
        if share:
            tax = tax_in_gross(share, t.rate_ppm)
            out.append(TaxLine(t.rate_ppm, share - tax, tax))
    return out


def credit_by_rate(credits: Sequence[tuple[int, int]]) -> list[TaxLine]:
    """Credit lines (gross amount, rate) summed into tax lines, one per rate."""
    gross: dict[int, int] = {}
    tax: dict[int, int] = {}
    for amount, rate in credits:
        gross[rate] = gross.get(rate, 0) + amount
        tax[rate] = tax.get(rate, 0) + tax_in_gross(amount, rate)
    return [TaxLine(rate, gross[rate] - tax[rate], tax[rate]) for rate in sorted(gross) if gross[rate]]


def creditable(invoice_total: int, credited: int) -> int:
    """What is left to credit on an invoice: its total minus earlier credit notes."""
    return max(invoice_total - credited, 0)


def percent(ppm: int) -> str:
    """88750 -> '8.875' (a rate for people and JSON)."""
    whole, frac = divmod(ppm, 10_000)
    return f"{whole}.{frac:04d}".rstrip("0").rstrip(".")
