"""Inventory routes: locations, stock adjustments and counts, stock per SKU, and the products CSV import."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse

from orderworks.catalog.importing import MAX_UPLOAD_BYTES, check_upload
from orderworks.core.actor import Actor
from orderworks.core.permissions import Permission, role_allows
from orderworks.core.uow import UnitOfWork
from orderworks.core.web import ERRORS, IdempotencyKey, UowDep, idempotent, idempotent_in_steps, require
from orderworks.inventory import service
from orderworks.inventory.importing import import_products
from orderworks.inventory.schemas import (
    AdjustmentIn,
    CountIn,
    ImportReportOut,
    LocationIn,
    LocationOut,
    LocationPatch,
    LocationStockOut,
    StockChangeOut,
    StockOut,
)

router = APIRouter(prefix="/api/v1", tags=["inventory"])
Reader = Annotated[Actor, Depends(require(Permission.CATALOG_READ))]
StockWriter = Annotated[Actor, Depends(require(Permission.STOCK_WRITE))]
SettingsWriter = Annotated[Actor, Depends(require(Permission.SETTINGS_WRITE))]
CatalogWriter = Annotated[Actor, Depends(require(Permission.CATALOG_WRITE))]


@router.post("/locations", status_code=201, response_model=LocationOut, responses=ERRORS(409))
def create_location(body: LocationIn, request: Request, uow: UowDep, actor: SettingsWriter,
                    idempotency_key: IdempotencyKey = None) -> JSONResponse:
    return idempotent(request, uow, actor, idempotency_key, body, status_code=201,
                      action=lambda: LocationOut.from_model(service.create_location(uow, **body.model_dump())))


@router.patch("/locations/{code}", response_model=LocationOut, responses=ERRORS(404))
def update_location(code: str, body: LocationPatch, request: Request, uow: UowDep, actor: SettingsWriter,
                    idempotency_key: IdempotencyKey = None) -> JSONResponse:
    changes = body.model_dump(exclude_unset=True)
    return idempotent(request, uow, actor, idempotency_key, body,
                      action=lambda: LocationOut.from_model(service.update_location(uow, code, changes)))


@router.get("/locations", responses=ERRORS())
def list_locations(uow: UowDep, actor: Reader) -> list[LocationOut]:
    return [LocationOut.from_model(loc) for loc in service.list_locations(uow)]


@router.post("/stock/adjustments", status_code=201, response_model=StockChangeOut, responses=ERRORS(404, 409))
def adjust_stock(body: AdjustmentIn, request: Request, uow: UowDep, actor: StockWriter,
                 idempotency_key: IdempotencyKey = None) -> JSONResponse:
    return idempotent(request, uow, actor, idempotency_key, body, status_code=201,
                      action=lambda: StockChangeOut(**vars(service.adjust_stock(
                          uow, sku=body.sku, location=body.location, quantity=body.quantity,
                          reason=body.reason, actor=actor, bin=body.bin))))


@router.post("/stock/counts", status_code=201, response_model=StockChangeOut, responses=ERRORS(404))
def count_stock(body: CountIn, request: Request, uow: UowDep, actor: StockWriter,
                idempotency_key: IdempotencyKey = None) -> JSONResponse:
    return idempotent(request, uow, actor, idempotency_key, body, status_code=201,
                      action=lambda: StockChangeOut(**vars(service.count_stock(
                          uow, sku=body.sku, location=body.location, counted=body.counted,
                          reason=body.reason, actor=actor, bin=body.bin))))


@router.get("/stock/{sku}", responses=ERRORS(404))
def get_stock(sku: str, uow: UowDep, actor: Reader) -> StockOut:
    rows = service.stock_for_sku(uow, sku)
    return StockOut(sku=sku, on_hand=sum(r.on_hand for r in rows), reserved=sum(r.reserved for r in rows),
                    available=sum(r.available for r in rows),
                    locations=[LocationStockOut(**vars(r)) for r in rows])


@router.post("/products/import", tags=["catalog"], response_model=ImportReportOut,
             responses=ERRORS(400, 413, 415))  # 400: a multipart body that does not parse
def import_products_csv(
    request: Request, uow: UowDep, actor: CatalogWriter,
    file: Annotated[UploadFile, File(description="A UTF-8 CSV file: sku,name,price,currency,... (see README)")],
    dry_run: Annotated[bool, Query(description="Check every row, change nothing")] = False,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Products and stock levels from CSV, one transaction per row; answers what happened to every row."""
    data = file.file.read(MAX_UPLOAD_BYTES + 1)
    check_upload(content_type=file.content_type, filename=file.filename, size=len(data))
    digest = {"sha256": hashlib.sha256(data).hexdigest(), "dry_run": dry_run}
    factory = request.app.state.session_factory  # each row its own unit of work: see inventory.importing
    may_count_stock = role_allows(actor.role or "", Permission.STOCK_WRITE)
    return idempotent_in_steps(request, uow, actor, idempotency_key, digest, action=lambda: (
        ImportReportOut.from_report(import_products(lambda: UnitOfWork(factory), data, actor=actor,
                                                    dry_run=dry_run, may_count_stock=may_count_stock))))
