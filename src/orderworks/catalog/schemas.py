"""Catalog API models. Money is a decimal string beside its currency."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from orderworks.catalog.models import Product, Vendor
from orderworks.core.money import AMOUNT_PATTERN, to_decimal_string

Amount = Annotated[str, Field(pattern=AMOUNT_PATTERN, examples=["19.99"])]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["USD"])]
Sku = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$")]
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")]


class ProductIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: Sku
    name: Annotated[str, Field(min_length=1, max_length=300)]
    price: Amount
    currency: Currency
    weight_grams: Annotated[int, Field(strict=True, ge=0, le=10_000_000)] = 0
    shippable: StrictBool = True
    backorderable: StrictBool = False
    tax_class: Annotated[str, Field(pattern=r"^(standard|reduced|zero|exempt)$")] = "standard"
    description: Annotated[str, Field(max_length=10_000)] = ""
    vendor: Code | None = None
    prices: dict[Currency, Amount] = Field(default_factory=dict, description="More prices, by currency")


class ProductPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(min_length=1, max_length=300)] | None = None
    description: Annotated[str, Field(max_length=10_000)] | None = None
    price: Amount | None = None
    currency: Currency | None = None
    weight_grams: Annotated[int, Field(strict=True, ge=0, le=10_000_000)] | None = None
    shippable: StrictBool | None = None
    backorderable: StrictBool | None = None
    active: StrictBool | None = None
    tax_class: Annotated[str, Field(pattern=r"^(standard|reduced|zero|exempt)$")] | None = None
    vendor: Code | None = Field(default=None, description="Default vendor code; null leaves it, '' clears it")


class VariantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: Sku
    name: Annotated[str, Field(min_length=1, max_length=300)]
    price: Amount
    currency: Currency
    weight_grams: Annotated[int, Field(strict=True, ge=0, le=10_000_000)] = 0


class PriceOut(BaseModel):
    currency: str
    amount: str


class VariantOut(BaseModel):
    sku: str
    name: str
    weight_grams: int
    active: bool
    prices: list[PriceOut]


class ProductOut(BaseModel):
    id: str
    name: str
    description: str
    tax_class: str
    shippable: bool
    backorderable: bool
    active: bool
    vendor: str | None
    variants: list[VariantOut]

    @classmethod
    def from_model(cls, p: Product) -> ProductOut:
        return cls(
            id=str(p.id), name=p.name, description=p.description, tax_class=p.tax_class, shippable=p.shippable,
            backorderable=p.backorderable, active=p.active,
            vendor=p.default_vendor.code if p.default_vendor else None,
            variants=[VariantOut(sku=v.sku, name=v.name, weight_grams=v.weight_grams, active=v.active,
                                 prices=[PriceOut(currency=pr.currency, amount=to_decimal_string(pr.amount, pr.currency))
                                         for pr in sorted(v.prices, key=lambda pr: pr.currency)])
                      for v in p.variants],
        )


class ProductPage(BaseModel):
    items: list[ProductOut]
    next_cursor: str | None


class VendorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Code
    name: Annotated[str, Field(min_length=1, max_length=200)]
    email: Annotated[str, Field(max_length=320)] | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None
    transmission: Annotated[str, Field(pattern=r"^(email|edi)$")] = "email"


class VendorPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    email: Annotated[str, Field(max_length=320)] | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None
    transmission: Annotated[str, Field(pattern=r"^(email|edi)$")] | None = None
    active: StrictBool | None = None


class VendorOut(BaseModel):
    id: str
    code: str
    name: str
    email: str | None
    phone: str | None
    transmission: str
    active: bool

    @classmethod
    def from_model(cls, v: Vendor) -> VendorOut:
        return cls(id=str(v.id), code=v.code, name=v.name, email=v.email, phone=v.phone,
                   transmission=v.transmission, active=v.active)
