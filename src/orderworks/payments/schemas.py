"""Payment API models. Money is a decimal string in the order's currency, with `currency` beside it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from orderworks.core.money import AMOUNT_PATTERN, to_decimal_string
from orderworks.payments.cards import CardDetails
from orderworks.payments.models import Payment, PaymentTransaction
from orderworks.payments.service.queries import PaymentView
from orderworks.payments.service.refund import RefundLine

Amount = Annotated[str, Field(pattern=AMOUNT_PATTERN, examples=["19.99"])]


class CardIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: Annotated[str, Field(min_length=12, max_length=23, examples=["4242 4242 4242 4242"])]
    exp_month: Annotated[int, Field(ge=1, le=12)]
    exp_year: Annotated[int, Field(ge=0, le=9999)]
    cvc: Annotated[str, Field(min_length=3, max_length=4)]

    def __repr__(self) -> str:
        return repr(self.to_details())

    def to_details(self) -> CardDetails:
        return CardDetails(self.number, self.exp_month, self.exp_year, self.cvc)


class PaymentIn(BaseModel):
    """A card payment (`card`, optional `capture`) or an offline receipt (`reference`)."""

    model_config = ConfigDict(extra="forbid")
    method: Literal["card", "check", "money_order", "cash", "bank_transfer", "cod"]
    amount: Amount | None = Field(default=None, description="Default: what is left to pay on the order")
    card: CardIn | None = None
    capture: bool | None = Field(default=None, description="Take the money now; default: the store's payment_mode")
    reference: Annotated[str, Field(max_length=200)] = Field(default="", description="Check or transfer number")


class CaptureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: Amount | None = Field(default=None, description="Default: all that is left of the authorization")


class VoidIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, Field(max_length=500)] = ""


class RefundLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    line_id: Annotated[str, Field(max_length=64)]
    quantity: Annotated[int, Field(ge=1, le=100_000)]

    def to_line(self) -> RefundLine:
        return RefundLine(self.line_id, self.quantity)


class RefundIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, Field(min_length=1, max_length=500)]
    amount: Amount | None = Field(default=None, description="Default: the lines' amounts, or all refundable")
    lines: Annotated[list[RefundLineIn], Field(max_length=500)] = Field(default_factory=list)


class CardOut(BaseModel):
    brand: str | None
    last4: str | None
    exp_month: int | None
    exp_year: int | None


class TransactionOut(BaseModel):
    id: str
    kind: str
    status: str
    amount: str
    gateway_reference: str | None
    avs_result: str | None
    cvv_result: str | None
    decline_code: str | None
    message: str | None
    data: dict[str, object]
    created_at: datetime
    completed_at: datetime | None

    @classmethod
    def from_model(cls, t: PaymentTransaction) -> TransactionOut:
        return cls(id=str(t.id), kind=t.kind, status=t.status, amount=to_decimal_string(t.amount, t.currency),
                   gateway_reference=t.gateway_reference, avs_result=t.avs_result, cvv_result=t.cvv_result,
                   decline_code=t.decline_code, message=t.message, data=t.data, created_at=t.created_at,
                   completed_at=t.completed_at)


class PaymentOut(BaseModel):
    id: str
    order_id: str
    status: str
    method: str
    gateway: str
    currency: str
    amount: str
    captured: str
    refunded: str
    card: CardOut | None
    reference: str | None
    avs_result: str | None
    cvv_result: str | None
    decline_code: str | None
    message: str | None
    created_at: datetime
    transactions: list[TransactionOut]

    @classmethod
    def from_view(cls, view: PaymentView) -> PaymentOut:
        return cls.from_model(view.payment, view.transactions)

    @classmethod
    def from_model(cls, p: Payment, transactions: list[PaymentTransaction] | None = None) -> PaymentOut:
        m = lambda v: to_decimal_string(v, p.currency)
        card = CardOut(brand=p.card_brand, last4=p.card_last4, exp_month=p.card_exp_month,
                       exp_year=p.card_exp_year) if p.method == "card" else None
        return cls(id=str(p.id), order_id=str(p.order_id), status=p.status, method=p.method, gateway=p.gateway,
                   currency=p.currency, amount=m(p.amount), captured=m(p.captured), refunded=m(p.refunded),
                   card=card, reference=p.reference, avs_result=p.avs_result, cvv_result=p.cvv_result,
                   decline_code=p.decline_code, message=p.message, created_at=p.created_at,
                   transactions=[TransactionOut.from_model(t) for t in transactions or []])


class OrderPaymentsOut(BaseModel):
    order_id: str
    currency: str
    balance_due: str
    payments: list[PaymentOut]
