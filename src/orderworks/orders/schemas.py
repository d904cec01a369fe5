"""Order API models. Money is a decimal string in the order's currency, with `currency` beside it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, RootModel, StrictBool, field_validator

from orderworks.core.money import AMOUNT_PATTERN, to_decimal_string
from orderworks.orders.addresses import Address
from orderworks.orders.models import Order, OrderHistory, OrderLine, OrderNote
from orderworks.orders.quote import LineRequest
from orderworks.orders.rules.status import Channel
from orderworks.orders.service.editing import KEEP, OrderChanges
from orderworks.orders.service.placement import Customer, PlaceOrder

Amount = Annotated[str, Field(pattern=AMOUNT_PATTERN, examples=["19.99"])]
Text = Annotated[str, Field(max_length=200)]


class AddressIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(min_length=1, max_length=200)]
    company: Text = ""
    line1: Annotated[str, Field(min_length=1, max_length=200)]
    line2: Text = ""
    city: Text = ""
    region: Text = ""
    postal_code: Annotated[str, Field(max_length=20)] = ""
    country: Annotated[str, Field(pattern=r"^[A-Za-z]{2}$", examples=["US"])]
    phone: Annotated[str, Field(max_length=40)] = ""

    def to_address(self) -> Address:
        return Address(**self.model_dump())


class CustomerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Annotated[str, Field(min_length=3, max_length=320)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    phone: Annotated[str, Field(max_length=40)] | None = None


class LineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: Annotated[str, Field(min_length=1, max_length=64)]
    quantity: Annotated[int, Field(strict=True, ge=1, le=100_000)]
    unit_price: Amount | None = Field(default=None, description="The price the customer saw; refused if stale")


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channel: Channel = Channel.API
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["USD"])]
    customer: CustomerIn
    shipping_address: AddressIn | None = None
    billing_address: AddressIn | None = None
    lines: Annotated[list[LineIn], Field(min_length=1, max_length=500)]
    shipping_method: Annotated[str, Field(max_length=64)] | None = None
    discount_code: Annotated[str, Field(max_length=64)] | None = None
    notes: Annotated[str, Field(max_length=5000)] = ""
    draft: StrictBool = Field(default=False, description="Save as a draft to place later (staff order entry)")

    def to_command(self) -> PlaceOrder:
        return PlaceOrder(
            channel=self.channel, currency=self.currency,
            customer=Customer(email=self.customer.email, name=self.customer.name, phone=self.customer.phone),
            lines=[LineRequest(sku=line.sku, quantity=line.quantity, unit_price=line.unit_price, field=f"lines[{i}]")
                   for i, line in enumerate(self.lines)],
            shipping_address=self.shipping_address.to_address() if self.shipping_address else None,
            billing_address=self.billing_address.to_address() if self.billing_address else None,
            shipping_method=self.shipping_method, discount_code=self.discount_code, notes=self.notes,
            draft=self.draft,
        )


def _not_null(value: Any) -> Any:
    if value is None:
        raise ValueError("this cannot be removed: send a value, or leave the field out to keep it")
    return value


class CustomerEditIn(BaseModel):
    """The customer's contact details to change; an omitted field stays, a null phone removes it."""

    model_config = ConfigDict(extra="forbid")
    email: Annotated[str, Field(min_length=3, max_length=320)] | None = None
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    phone: Annotated[str, Field(max_length=40)] | None = Field(default=None, description="null removes it")

    _kept = field_validator("email", "name", mode="before")(_not_null)


class OrderEditIn(BaseModel):
    """An edit before payment: send only what changes. `lines` is the complete new list of lines."""

    model_config = ConfigDict(extra="forbid")
    version: int = Field(strict=True, ge=1,
                         description="The version you loaded; 409 stale_version if the order changed since")
    lines: Annotated[list[LineIn], Field(min_length=1, max_length=500)] | None = Field(
        default=None, description="The complete new list of lines; omit to keep them")
    shipping_address: AddressIn | None = None
    billing_address: AddressIn | None = None
    shipping_method: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    discount_code: Annotated[str, Field(max_length=64)] | None = Field(default=None,
                                                                       description="null removes the code")
    customer: CustomerEditIn | None = None
    notes: Annotated[str, Field(max_length=5000)] | None = None

    _kept = field_validator("lines", "shipping_address", "billing_address", "shipping_method", "customer", "notes",
                            mode="before")(_not_null)

    def to_changes(self) -> OrderChanges:
        sent = self.model_fields_set
        customer = self.customer
        customer_sent = customer.model_fields_set if customer is not None else set()
        return OrderChanges(
            lines=None if self.lines is None else [
                LineRequest(sku=line.sku, quantity=line.quantity, unit_price=line.unit_price, field=f"lines[{i}]")
                for i, line in enumerate(self.lines)],
            shipping_address=self.shipping_address.to_address() if self.shipping_address else None,
            billing_address=self.billing_address.to_address() if self.billing_address else None,
            shipping_method=self.shipping_method,
            discount_code=self.discount_code if "discount_code" in sent else KEEP,
            customer_email=customer.email if customer else None,
            customer_name=customer.name if customer else None,
            customer_phone=customer.phone if customer and "phone" in customer_sent else KEEP,
            notes=self.notes,
        )

    def as_sent(self) -> SentFields:
        """The body as sent, for the idempotency fingerprint: an omitted field and a null mean different edits."""
        return SentFields(self.model_dump(mode="json", exclude_unset=True))


class SentFields(RootModel[dict[str, Any]]):
    pass


class VersionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Annotated[int, Field(strict=True, ge=1)] | None = Field(
        default=None, description="Refuse (409) if the order changed")


class CancelIn(VersionIn):
    reason: Annotated[str, Field(min_length=1, max_length=500)]


class HoldIn(VersionIn):
    reason: Annotated[str, Field(max_length=500)] = ""


class ReleaseIn(VersionIn):
    note: Annotated[str, Field(max_length=500)] = ""


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body: Annotated[str, Field(min_length=1, max_length=5000)]
    visible_to_customer: StrictBool = False


class TotalsOut(BaseModel):
    items: str
    discount: str
    shipping: str
    tax: str
    total: str


class TaxLineOut(BaseModel):
    rate: str  # percent, e.g. "8.875"
    amount: str


class LineOut(BaseModel):
    id: str
    sku: str
    name: str
    quantity: int
    unit_price: str
    subtotal: str
    discount: str
    tax: str
    tax_rate: str
    total: str
    shippable: bool
    backordered_quantity: int


class HistoryOut(BaseModel):
    at: datetime
    action: str
    from_status: str | None
    to_status: str | None
    actor: dict[str, str | None]
    note: str
    data: dict[str, Any]


class NoteOut(BaseModel):
    id: str
    body: str
    visible_to_customer: bool
    author: str
    created_at: datetime


class OrderSummaryOut(BaseModel):
    id: str
    number: str
    channel: str
    status: str
    payment_status: str
    fulfillment_status: str
    backordered: bool
    version: int
    currency: str
    total: str
    customer: dict[str, str | None]
    created_at: datetime

    @classmethod
    def from_model(cls, o: Order) -> OrderSummaryOut:
        return cls(id=str(o.id), number=o.number, channel=o.channel, status=o.status, payment_status=o.payment_status,
                   fulfillment_status=o.fulfillment_status, backordered=o.backordered, version=o.version,
                   currency=o.currency, total=to_decimal_string(o.total, o.currency),
                   customer={"email": o.customer_email, "name": o.customer_name, "phone": o.customer_phone},
                   created_at=o.created_at)


class OrderOut(OrderSummaryOut):
    shipping_address: dict[str, str] | None
    billing_address: dict[str, str] | None
    shipping_method: str | None
    discount_code: str | None
    prices_include_tax: bool
    lines: list[LineOut]
    totals: TotalsOut
    tax_lines: list[TaxLineOut]
    weight_grams: int
    notes: str
    cancel_reason: str | None
    source_order_id: str | None  # the order this draft was reordered from
    placed_at: datetime | None
    history: list[HistoryOut]
    staff_notes: list[NoteOut]

    @classmethod
    def from_view(cls, o: Order, history: list[OrderHistory], notes: list[OrderNote]) -> OrderOut:
        m = lambda v: to_decimal_string(v, o.currency)
        return cls(
            **OrderSummaryOut.from_model(o).model_dump(),
            shipping_address=o.shipping_address, billing_address=o.billing_address,
            shipping_method=o.shipping_method, discount_code=o.discount_code,
            prices_include_tax=o.prices_include_tax, lines=[_line(line, m) for line in o.lines],
            totals=TotalsOut(items=m(o.items_total), discount=m(o.discount_total), shipping=m(o.shipping_total),
                             tax=m(o.tax_total), total=m(o.total)),
            tax_lines=[TaxLineOut(rate=_percent(t["rate_ppm"]), amount=m(t["amount"])) for t in o.tax_breakdown],
            weight_grams=o.weight_grams, notes=o.notes, cancel_reason=o.cancel_reason, placed_at=o.placed_at,
            source_order_id=str(o.source_order_id) if o.source_order_id else None,
            history=[HistoryOut(at=h.created_at, action=h.action, from_status=h.from_status, to_status=h.to_status,
                                actor={"kind": h.actor_kind, "id": h.actor_id, "name": h.actor_name}, note=h.note,
                                data=h.data) for h in history],
            staff_notes=[NoteOut(id=str(n.id), body=n.body, visible_to_customer=n.visible_to_customer,
                                 author=n.actor_name, created_at=n.created_at) for n in notes],
        )


def _percent(ppm: int) -> str:
    whole, frac = divmod(ppm, 10_000)
    return f"{whole}.{frac:04d}".rstrip("0").rstrip(".")


def _line(line: OrderLine, m: Any) -> LineOut:
    return LineOut(id=str(line.id), sku=line.sku, name=line.name, quantity=line.quantity,
                   unit_price=m(line.unit_price), subtotal=m(line.subtotal), discount=m(line.discount),
                   tax=m(line.tax), tax_rate=_percent(line.tax_rate_ppm), total=m(line.total),
                   shippable=line.shippable, backordered_quantity=line.backordered_quantity)


class OrderPage(BaseModel):
    items: list[OrderSummaryOut]
    next_cursor: str | None
