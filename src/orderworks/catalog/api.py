"""Catalog routes: products, variants, vendors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from orderworks.catalog import service
from orderworks.catalog.schemas import (
    ProductIn,
    ProductOut,
    ProductPage,
    ProductPatch,
    VariantIn,
    VendorIn,
    VendorOut,
    VendorPatch,
)
from orderworks.core.actor import Actor
from orderworks.core.permissions import Permission
from orderworks.core.web import ERRORS, IdempotencyKey, UowDep, idempotent, require

router = APIRouter(prefix="/api/v1", tags=["catalog"])
Reader = Annotated[Actor, Depends(require(Permission.CATALOG_READ))]
Writer = Annotated[Actor, Depends(require(Permission.CATALOG_WRITE))]


def _spec(body: ProductIn) -> service.ProductSpec:
    return service.ProductSpec(sku=body.sku, name=body.name, price=body.price, currency=body.currency,
                               weight_grams=body.weight_grams, shippable=body.shippable,
                               backorderable=body.backorderable, tax_class=body.tax_class,
                               description=body.description, vendor=body.vendor, extra_prices=body.prices)


@router.post("/products", status_code=201, response_model=ProductOut, responses=ERRORS(404, 409))
def create_product(body: ProductIn, request: Request, uow: UowDep, actor: Writer,
                   idempotency_key: IdempotencyKey = None) -> JSONResponse:
    return idempotent(request, uow, actor, idempotency_key, body, status_code=201,
                      action=lambda: ProductOut.from_model(service.create_product(uow, _spec(body))))


@router.get("/products", responses=ERRORS())
def list_products(uow: UowDep, actor: Reader, cursor: str | None = None,
                  limit: Annotated[int, Query(ge=1, le=200)] = 50, active: bool | None = None) -> ProductPage:
    page = service.list_products(uow, cursor=cursor, limit=limit, active=active)
    return ProductPage(items=[ProductOut.from_model(p) for p in page.items], next_cursor=page.next_cursor)


@router.get("/products/{sku}", responses=ERRORS(404))
def get_product(sku: str, uow: UowDep, actor: Reader) -> ProductOut:
    return ProductOut.from_model(service.get_product(uow, sku))


@router.patch("/products/{sku}", response_model=ProductOut, responses=ERRORS(404))
def update_product(sku: str, body: ProductPatch, request: Request, uow: UowDep, actor: Writer,
                   idempotency_key: IdempotencyKey = None) -> JSONResponse:
    changes = body.model_dump(exclude_unset=True)
    return idempotent(request, uow, actor, idempotency_key, body,
                      action=lambda: ProductOut.from_model(service.update_product(uow, sku, changes)))


@router.post("/products/{sku}/variants", status_code=201, response_model=ProductOut, responses=ERRORS(404, 409))
def add_variant(sku: str, body: VariantIn, request: Request, uow: UowDep, actor: Writer,
                idempotency_key: IdempotencyKey = None) -> JSONResponse:
    return idempotent(request, uow, actor, idempotency_key, body, status_code=201,
                      action=lambda: ProductOut.from_model(service.add_variant(
                          uow, sku, sku=body.sku, name=body.name, price=body.price, currency=body.currency,
                          weight_grams=body.weight_grams)))


@router.post("/vendors", status_code=201, response_model=VendorOut, responses=ERRORS(409))
def create_vendor(body: VendorIn, request: Request, uow: UowDep, actor: Writer,
                  idempotency_key: IdempotencyKey = None) -> JSONResponse:
    return idempotent(request, uow, actor, idempotency_key, body, status_code=201,
                      action=lambda: VendorOut.from_model(service.create_vendor(uow, **body.model_dump())))


@router.patch("/vendors/{code}", response_model=VendorOut, responses=ERRORS(404))
def update_vendor(code: str, body: VendorPatch, request: Request, uow: UowDep, actor: Writer,
                  idempotency_key: IdempotencyKey = None) -> JSONResponse:
    changes = body.model_dump(exclude_unset=True)
    return idempotent(request, uow, actor, idempotency_key, body,
                      action=lambda: VendorOut.from_model(service.update_vendor(uow, code, changes)))


@router.get("/vendors", responses=ERRORS())
def list_vendors(uow: UowDep, actor: Reader) -> list[VendorOut]:
    return [VendorOut.from_model(v) for v in service.list_vendors(uow)]
