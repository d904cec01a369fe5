"""Routes for the pricing set-up: store settings, shipping zones and methods, tax rates, discount codes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from orderworks.core.actor import Actor
from orderworks.core.money import AMOUNT_PATTERN, to_decimal_string
from orderworks.core.permissions import Permission
from orderworks.core.store import Store
from orderworks.core.web import ERRORS, IdempotencyKey, UowDep, UtcDatetime, idempotent, require
from orderworks.orders import pricing_setup as setup
from orderworks.orders.models import DiscountCode, ShippingMethod, ShippingZone, TaxRate

router = APIRouter(prefix="/api/v1", tags=["pricing set-up"])
Reader = Annotated[Actor, Depends(require(Permission.ORDERS_READ))]
Admin = Annotated[Actor, Depends(require(Permission.SETTINGS_WRITE))]
Amount = Annotated[str, Field(pattern=AMOUNT_PATTERN)]
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
Country = Annotated[str, Field(pattern=r"^([A-Za-z]{2}|\*)$")]


class StoreIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    email: Annotated[str, Field(max_length=320)] | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None
    address: dict[str, Annotated[str, Field(max_length=200)]] | None = None
    country: Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")] | None = None
    locale: Annotated[str, Field(pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")] | None = None
    timezone: Annotated[str, Field(max_length=64)] | None = None
    default_currency: Currency | None = None
    currencies: Annotated[list[Currency], Field(max_length=50)] | None = None
    prices_include_tax: StrictBool | None = None
    order_number_prefix: Annotated[str, Field(max_length=16, pattern=r"^[A-Za-z0-9\-#]*$")] | None = None
    order_number_start: Annotated[int, Field(strict=True, ge=1, le=10**9)] | None = None  # an INTEGER column
    payment_mode: Literal["authorize", "authorize_and_capture"] | None = Field(
        default=None, description="Card payments without an explicit `capture`: hold only, or take the money")
    declined_stock_hold_minutes: Annotated[int, Field(strict=True, ge=0, le=60 * 24 * 30)] | None = Field(
        default=None, description="How long an order whose payment was declined keeps its stock")
    unpaid_order_timeout_minutes: Annotated[int, Field(strict=True, ge=0, le=60 * 24 * 90)] | None = Field(
        default=None, description="Cancel orders still unpaid this many minutes after placing; 0 switches it off")
    authorization_expiry_days: Annotated[int, Field(strict=True, ge=1, le=30)] | None = Field(
        default=None, description="Void card authorizations nothing was captured from after this many days")


class StoreOut(BaseModel):
    name: str
    email: str
    phone: str | None
    address: dict[str, Any]
    country: str
    locale: str
    timezone: str
    default_currency: str
    currencies: list[str]
    prices_include_tax: bool
    order_number_prefix: str
    order_number_start: int
    payment_mode: str
    declined_stock_hold_minutes: int
    unpaid_order_timeout_minutes: int | None
    authorization_expiry_days: int

    @classmethod
    def from_model(cls, s: Store) -> StoreOut:
        return cls(**{name: getattr(s, name) for name in setup.STORE_FIELDS})


class ZoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Code
    name: Annotated[str, Field(min_length=1, max_length=200)]
    countries: Annotated[list[Country], Field(min_length=1, max_length=300)]


class ZoneOut(BaseModel):
    code: str
    name: str
    countries: list[str]

    @classmethod
    def from_model(cls, z: ShippingZone) -> ZoneOut:
        return cls(code=z.code, name=z.name, countries=z.countries)


WeightRow = Annotated[tuple[Annotated[int, Field(strict=True, ge=1, le=10**9)], Amount], Field()]


class MethodIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    zone: Code
    code: Code
    name: Annotated[str, Field(min_length=1, max_length=200)]
    kind: Annotated[str, Field(pattern=r"^(flat|weight)$")]
    rates: dict[Currency, Amount | Annotated[list[WeightRow], Field(min_length=1, max_length=100)]]
    free_over: dict[Currency, Amount] = Field(default_factory=dict)
    tax_class: Annotated[str, Field(pattern=r"^(standard|reduced|zero|exempt)$")] = "standard"


class MethodOut(BaseModel):
    code: str
    name: str
    kind: str
    rates: dict[str, Any]
    free_over: dict[str, str]
    tax_class: str
    active: bool

    @classmethod
    def from_model(cls, m: ShippingMethod) -> MethodOut:
        def show(currency: str, value: Any) -> Any:
            if isinstance(value, list):
                return [[grams, to_decimal_string(amount, currency)] for grams, amount in value]
            return to_decimal_string(value, currency)

        return cls(code=m.code, name=m.name, kind=m.kind, rates={c: show(c, v) for c, v in m.rates.items()},
                   free_over={c: to_decimal_string(v, c) for c, v in m.free_over.items()}, tax_class=m.tax_class,
                   active=m.active)


class TaxRateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    country: Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")]
    region: Annotated[str, Field(max_length=64)] = ""
    tax_class: Annotated[str, Field(pattern=r"^(standard|reduced|zero|exempt)$")] = "standard"
    rate: Annotated[str, Field(pattern=r"^\d{1,3}(\.\d{1,4})?$", examples=["8.875"])]
    name: Annotated[str, Field(min_length=1, max_length=100)]


class TaxRateOut(BaseModel):
    country: str
    region: str
    tax_class: str
    rate: str
    name: str

    @classmethod
    def from_model(cls, t: TaxRate) -> TaxRateOut:
        whole, frac = divmod(t.rate_ppm, 10_000)
        rate = f"{whole}.{frac:04d}".rstrip("0").rstrip(".")
        return cls(country=t.country, region=t.region, tax_class=t.tax_class, rate=rate, name=t.name)


class DiscountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Code
    kind: Annotated[str, Field(pattern=r"^(percentage|fixed)$")]
    percent: Annotated[str, Field(pattern=r"^\d{1,3}(\.\d{1,2})?$")] | None = None
    amounts: dict[Currency, Amount] = Field(default_factory=dict)
    min_subtotal: dict[Currency, Amount] = Field(default_factory=dict)
    starts_at: UtcDatetime | None = None
    ends_at: UtcDatetime | None = None
    usage_limit: Annotated[int, Field(strict=True, ge=1, le=10**9)] | None = None


class DiscountOut(BaseModel):
    code: str
    kind: str
    percent: str | None
    amounts: dict[str, str]
    starts_at: datetime | None
    ends_at: datetime | None
    usage_limit: int | None
    times_used: int
    active: bool

    @classmethod
    def from_model(cls, d: DiscountCode) -> DiscountOut:
        return cls(code=d.code, kind=d.kind,
                   percent=to_decimal_string(d.percent_bp, "USD") if d.kind == "percentage" else None,
                   amounts={c: to_decimal_string(v, c) for c, v in d.amounts.items()}, starts_at=d.starts_at,
                   ends_at=d.ends_at, usage_limit=d.usage_limit, times_used=d.times_used, active=d.active)


@router.get("/store", responses=ERRORS())
def get_store(uow: UowDep, actor: Reader) -> StoreOut:
    return StoreOut.from_model(setup.get_store_settings(uow))


@router.patch("/store", response_model=StoreOut, responses=ERRORS())
def update_store(body: StoreIn, request: Request, uow: UowDep, actor: Admin,
                 idempotency_key: IdempotencyKey = None) -> JSONResponse:
    return idempotent(request, uow, actor, idempotency_key, body, action=lambda: StoreOut.from_model(
        setup.update_store(uow, body.model_dump(exclude_unset=True))))


@router.post("/shipping-zones", status_code=201, response_model=ZoneOut, responses=ERRORS(409))
def create_zone(body: ZoneIn, request: Request, uow: UowDep, actor: Admin,
                idempotency_key: IdempotencyKey = None) -> JSONResponse:
    return idempotent(request, uow, actor, idempotency_key, body, status_code=201, action=lambda: ZoneOut.from_model(
        setup.create_shipping_zone(uow, **body.model_dump())))


@router.post("/shipping-methods", status_code=201, response_model=MethodOut, responses=ERRORS(404, 409))
def create_method(body: MethodIn, request: Request, uow: UowDep, actor: Admin,
                  idempotency_key: IdempotencyKey = None) -> JSONResponse:
    data = body.model_dump()
    data["rates"] = {c: ([list(row) for row in v] if isinstance(v, list) else v) for c, v in data["rates"].items()}
    return idempotent(request, uow, actor, idempotency_key, body, status_code=201,
                      action=lambda: MethodOut.from_model(setup.create_shipping_method(uow, **data)))


@router.put("/tax-rates", response_model=TaxRateOut, responses=ERRORS())
def set_tax_rate(body: TaxRateIn, request: Request, uow: UowDep, actor: Admin,
                 idempotency_key: IdempotencyKey = None) -> JSONResponse:
    return idempotent(request, uow, actor, idempotency_key, body, action=lambda: TaxRateOut.from_model(
        setup.set_tax_rate(uow, **body.model_dump())))


@router.post("/discount-codes", status_code=201, response_model=DiscountOut, responses=ERRORS(409))
def create_discount(body: DiscountIn, request: Request, uow: UowDep, actor: Admin,
                    idempotency_key: IdempotencyKey = None) -> JSONResponse:
    data = body.model_dump()
    return idempotent(request, uow, actor, idempotency_key, body, status_code=201,
                      action=lambda: DiscountOut.from_model(setup.create_discount_code(uow, **data)))


class PricingOut(BaseModel):
    zones: list[ZoneOut]
    methods: list[MethodOut]
    tax_rates: list[TaxRateOut]
    discount_codes: list[DiscountOut]


@router.get("/pricing", responses=ERRORS())
def get_pricing(uow: UowDep, actor: Reader) -> PricingOut:
    zones, methods, rates, codes = setup.list_pricing(uow)
    return PricingOut(zones=[ZoneOut.from_model(z) for z in zones], methods=[MethodOut.from_model(m) for m in methods],
                      tax_rates=[TaxRateOut.from_model(t) for t in rates],
                      discount_codes=[DiscountOut.from_model(d) for d in codes])
