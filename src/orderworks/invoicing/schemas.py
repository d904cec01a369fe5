"""Invoicing API models. Amounts are decimal strings in the document's currency, with `currency` beside them;
everything shown comes from the document's snapshot, as issued."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from orderworks.core.money import AMOUNT_PATTERN, parse_amount, to_decimal_string
from orderworks.core.store import Store
from orderworks.invoicing.models import CreditNote, Invoice
from orderworks.invoicing.rules import percent
from orderworks.invoicing.service.queries import InvoiceView, OrderDocuments
from orderworks.invoicing.service.settings import INVOICE_SETTINGS
from orderworks.invoicing.snapshot import CreditLine, PaymentLine

Amount = Annotated[str, Field(pattern=AMOUNT_PATTERN, examples=["19.99"])]
Money = Callable[[int], str]


class PaymentLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: Annotated[str, Field(min_length=1, max_length=32, examples=["card"])]
    reference: Annotated[str, Field(max_length=200, examples=["Visa 4242"])] = ""
    amount: Amount
    captured_at: datetime

    def to_line(self, currency: str, field: str) -> PaymentLine:
        return PaymentLine(method=self.method, reference=self.reference, captured_at=self.captured_at,
                           amount=parse_amount(self.amount, currency, field=f"{field}.amount"))


class IssueInvoiceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    payments: Annotated[list[PaymentLineIn], Field(max_length=50)] = Field(
        default_factory=list, description="Payments to print on the invoice")


class VoidIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, Field(min_length=1, max_length=500)]


class CreditLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    line_id: Annotated[str, Field(min_length=1, max_length=64, description="The order line (invoice line) id")]
    quantity: Annotated[int, Field(ge=1, le=100_000)]
    amount: Amount

    def to_line(self, currency: str, field: str) -> CreditLine:
        return CreditLine(line_id=self.line_id, quantity=self.quantity,
                          amount=parse_amount(self.amount, currency, field=f"{field}.amount"))


class CreditNoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: Amount = Field(description="Credited, tax included; the sum of the lines when lines are given")
    reason: Annotated[str, Field(min_length=1, max_length=500)]
    lines: Annotated[list[CreditLineIn], Field(min_length=1, max_length=500)] | None = None
    refund_reference: Annotated[str, Field(min_length=1, max_length=128)] | None = Field(
        default=None, description="The refund this credits: the same reference again returns the same note")


class TaxLineOut(BaseModel):
    rate: str  # percent, e.g. "7.25"
    net: str
    tax: str


class InvoiceLineOut(BaseModel):
    line_id: str
    sku: str
    name: str
    quantity: int
    unit_price: str
    discount: str
    tax_rate: str
    tax: str
    total: str


class PrintedPaymentOut(BaseModel):
    """A payment as printed on an invoice."""

    method: str
    reference: str
    amount: str
    captured_at: datetime


class CreditNoteSummaryOut(BaseModel):
    id: str
    number: str
    invoice_id: str
    order_id: str
    currency: str
    total: str
    tax: str
    reason: str
    refund_reference: str | None
    issued_at: datetime
    pdf_url: str

    @classmethod
    def from_model(cls, c: CreditNote) -> CreditNoteSummaryOut:
        m = _money(c.currency)
        return cls(id=str(c.id), number=c.number, invoice_id=str(c.invoice_id), order_id=str(c.order_id),
                   currency=c.currency, total=m(c.total), tax=m(c.tax_total), reason=c.reason,
                   refund_reference=c.refund_reference, issued_at=c.issued_at,
                   pdf_url=f"/api/v1/credit-notes/{c.id}.pdf")


class CreditLineOut(BaseModel):
    line_id: str
    sku: str
    name: str
    quantity: int
    tax_rate: str
    tax: str
    amount: str


class CreditNoteOut(CreditNoteSummaryOut):
    invoice_number: str
    lines: list[CreditLineOut]
    tax_lines: list[TaxLineOut]
    totals: dict[str, str]

    @classmethod
    def from_model(cls, c: CreditNote) -> CreditNoteOut:
        m, s = _money(c.currency), c.snapshot
        return cls(**CreditNoteSummaryOut.from_model(c).model_dump(), invoice_number=s["invoice"]["number"],
                   lines=[CreditLineOut(line_id=x["line_id"], sku=x["sku"], name=x["name"], quantity=x["quantity"],
                                        tax_rate=percent(x["tax_rate_ppm"]), tax=m(x["tax"]), amount=m(x["amount"]))
                          for x in s["lines"]],
                   tax_lines=_tax_lines(s, m), totals={k: m(v) for k, v in s["totals"].items()})


class InvoiceSummaryOut(BaseModel):
    id: str
    number: str
    status: str
    order_id: str
    order_number: str
    customer_name: str
    currency: str
    total: str
    issued_at: datetime
    paid_at: datetime | None
    voided_at: datetime | None
    pdf_url: str

    @classmethod
    def from_model(cls, i: Invoice) -> InvoiceSummaryOut:
        return cls(id=str(i.id), number=i.number, status=i.status, order_id=str(i.order_id),
                   order_number=i.snapshot["order"]["number"], customer_name=i.snapshot["customer"]["name"],
                   currency=i.currency, total=_money(i.currency)(i.total), issued_at=i.issued_at,
                   paid_at=i.paid_at, voided_at=i.voided_at, pdf_url=f"/api/v1/invoices/{i.id}.pdf")


class InvoiceOut(InvoiceSummaryOut):
    void_reason: str | None
    seller: dict[str, Any]
    customer: dict[str, str | None]
    billing_address: dict[str, str] | None
    shipping_address: dict[str, str] | None
    locale: str
    prices_include_tax: bool
    lines: list[InvoiceLineOut]
    discount: dict[str, str | None]
    shipping: dict[str, str | None]
    tax_lines: list[TaxLineOut]
    totals: dict[str, str]
    payments: list[PrintedPaymentOut]
    credited: str = Field(description="The sum of the credit notes against this invoice")
    credit_notes: list[CreditNoteSummaryOut]

    @classmethod
    def from_view(cls, view: InvoiceView) -> InvoiceOut:
        i, s = view.invoice, view.invoice.snapshot
        m = _money(i.currency)
        return cls(
            **InvoiceSummaryOut.from_model(i).model_dump(), void_reason=i.void_reason, seller=s["seller"],
            customer=s["customer"], billing_address=s["billing_address"], shipping_address=s["shipping_address"],
            locale=s["locale"], prices_include_tax=s["prices_include_tax"], lines=[_line(x, m) for x in s["lines"]],
            discount={"code": s["discount"]["code"], "amount": m(s["discount"]["amount"])},
            shipping={"method": s["shipping"]["method"], "name": s["shipping"]["name"],
                      "amount": m(s["shipping"]["amount"])},
            tax_lines=_tax_lines(s, m), totals={k: m(v) for k, v in s["totals"].items()},
            payments=[PrintedPaymentOut(method=p["method"], reference=p["reference"], amount=m(p["amount"]),
                                 captured_at=datetime.fromisoformat(p["captured_at"])) for p in s["payments"]],
            credited=m(view.credited), credit_notes=[CreditNoteSummaryOut.from_model(c) for c in view.credit_notes],
        )


class InvoicePage(BaseModel):
    items: list[InvoiceSummaryOut]
    next_cursor: str | None


class OrderDocumentsOut(BaseModel):
    invoices: list[InvoiceSummaryOut]
    credit_notes: list[CreditNoteSummaryOut]

    @classmethod
    def from_documents(cls, docs: OrderDocuments) -> OrderDocumentsOut:
        return cls(invoices=[InvoiceSummaryOut.from_model(i) for i in docs.invoices],
                   credit_notes=[CreditNoteSummaryOut.from_model(c) for c in docs.credit_notes])


def _money(currency: str) -> Money:
    return lambda minor: to_decimal_string(minor, currency)


def _tax_lines(snapshot: dict[str, Any], m: Money) -> list[TaxLineOut]:
    return [TaxLineOut(rate=percent(t["rate_ppm"]), net=m(t["net"]), tax=m(t["tax"])) for t in snapshot["tax_lines"]]


def _line(x: dict[str, Any], m: Money) -> InvoiceLineOut:
    return InvoiceLineOut(line_id=x["line_id"], sku=x["sku"], name=x["name"], quantity=x["quantity"],
                          unit_price=m(x["unit_price"]), discount=m(x["discount"]),
                          tax_rate=percent(x["tax_rate_ppm"]), tax=m(x["tax"]), total=m(x["total"]))


class InvoiceSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    legal_name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    tax_id: Annotated[str, Field(max_length=64)] | None = None
    invoice_footer: Annotated[str, Field(max_length=2000)] | None = None
    auto_invoice: bool | None = Field(default=None, description="Issue the invoice when a payment is captured")
    invoice_number_prefix: Annotated[str, Field(max_length=16, pattern=r"^[A-Za-z0-9\-/#]*$")] | None = None
    credit_note_number_prefix: Annotated[str, Field(max_length=16, pattern=r"^[A-Za-z0-9\-/#]*$")] | None = None


class InvoiceSettingsOut(BaseModel):
    legal_name: str | None
    tax_id: str | None
    invoice_footer: str
    auto_invoice: bool
    invoice_number_prefix: str
    credit_note_number_prefix: str

    @classmethod
    def from_model(cls, s: Store) -> InvoiceSettingsOut:
        return cls(**{name: getattr(s, name) for name in INVOICE_SETTINGS})
