"""Fulfilment routes: shipments (list, read, pick, pack, label, ship, deliver, tracking, documents), bulk and CSV
shipping, pick lists, dispatch manifests, shipping terms, and the carriers' tracking webhooks."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from orderworks.catalog.importing import MAX_UPLOAD_BYTES, check_upload
from orderworks.core.actor import Actor, ActorKind
from orderworks.core.errors import DomainError, NotFound, ValidationFailed
from orderworks.core.permissions import Permission
from orderworks.core.uow import UnitOfWork
from orderworks.core.web import (
    ERRORS,
    ErrorOut,
    IdempotencyKey,
    UowDep,
    idempotent,
    idempotent_in_steps,
    require,
)
from orderworks.fulfillment.carriers import CarrierError, get_carrier
from orderworks.fulfillment.rules import ShipmentStatus
from orderworks.fulfillment.schemas import (
    DeliverIn,
    FulfillmentSettingsIn,
    FulfillmentSettingsOut,
    ManifestIn,
    ManifestOut,
    PackIn,
    PickListIn,
    PickListOut,
    ShipIn,
    ShipmentOut,
    ShipmentPage,
    ShipOrdersIn,
    ShippingTermsIn,
    ShipResultsOut,
    TrackingIn,
    WebhookResultOut,
)
from orderworks.fulfillment.service import (
    allocation,
    batch,
    labels,
    queries,
    readiness,
    shipping,
    tracking,
    warehouse,
)
from orderworks.fulfillment.service.errors import UnknownCarrier
from orderworks.fulfillment.service.loading import parse_shipment_id
from orderworks.fulfillment.service.settings import update_fulfillment_settings

router = APIRouter(prefix="/api/v1", tags=["fulfillment"])
Reader = Annotated[Actor, Depends(require(Permission.ORDERS_READ))]
Shipper = Annotated[Actor, Depends(require(Permission.FULFILLMENT_WRITE))]
Admin = Annotated[Actor, Depends(require(Permission.SETTINGS_WRITE))]
PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}, "description": "The PDF"}}
CARRIER_ACTOR = Actor(ActorKind.SYSTEM, name="carrier webhook")


def _out(uow: UnitOfWork, shipment_id: Any) -> ShipmentOut:
    return ShipmentOut.from_view(queries.get_shipment(uow, shipment_id))


def _pdf(name_and_bytes: tuple[str, bytes]) -> Response:
    name, data = name_and_bytes
    return Response(data, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


def _carrier(request: Request, code: str) -> Any:
    try:
        return get_carrier(code, request.app.state.settings)
    except CarrierError as exc:
        raise UnknownCarrier(exc.message, field="carrier") from exc


@router.get("/shipments", responses=ERRORS(404))
def list_shipments(uow: UowDep, actor: Reader, status: ShipmentStatus | None = None,
                   location: Annotated[str | None, Query(max_length=64)] = None,
                   cursor: Annotated[str | None, Query(max_length=500)] = None,
                   limit: Annotated[int, Query(ge=1, le=200)] = 50) -> ShipmentPage:
    """Shipments newest first, by status (e.g. ready: what the warehouse has to do) and location."""
    page = queries.list_shipments(uow, status=status, location=location, cursor=cursor, limit=limit)
    return ShipmentPage(items=[ShipmentOut.from_view(v) for v in page.items], next_cursor=page.next_cursor)


@router.get("/shipments/{shipment_id}", responses=ERRORS(404))
def get_shipment(shipment_id: str, uow: UowDep, actor: Reader) -> ShipmentOut:
    return _out(uow, shipment_id)


@router.post("/shipments/{shipment_id}/ship", response_model=ShipmentOut, responses=ERRORS(404, 409))
def ship(shipment_id: str, body: ShipIn, request: Request, uow: UowDep, actor: Shipper,
         idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Hand the shipment to the carrier with its tracking numbers (only when the order may ship)."""
    def change() -> ShipmentOut:
        s = shipping.ship_shipment(uow, shipment_id, carrier=body.carrier, tracking_numbers=body.tracking_numbers,
                                   service=body.service, actor=actor)
        return _out(uow, s.id)
    return idempotent(request, uow, actor, idempotency_key, body, action=change)


@router.post("/shipments/{shipment_id}/deliver", response_model=ShipmentOut, responses=ERRORS(404, 409))
def deliver(shipment_id: str, request: Request, uow: UowDep, actor: Shipper, body: DeliverIn | None = None,
            idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Mark a shipped shipment delivered (the customer has it)."""
    body = body or DeliverIn()
    return idempotent(request, uow, actor, idempotency_key, body, action=lambda: _out(
        uow, shipping.deliver_shipment(uow, shipment_id, delivered_at=body.delivered_at, actor=actor).id))


@router.post("/shipments/{shipment_id}/pick", response_model=ShipmentOut, responses=ERRORS(404, 409))
def pick(shipment_id: str, request: Request, uow: UowDep, actor: Shipper,
         idempotency_key: IdempotencyKey = None) -> JSONResponse:
    return idempotent(request, uow, actor, idempotency_key, None,
                      action=lambda: _out(uow, shipping.pick_shipment(uow, shipment_id, actor=actor).id))


@router.post("/shipments/{shipment_id}/pack", response_model=ShipmentOut, responses=ERRORS(404, 409))
def pack(shipment_id: str, request: Request, uow: UowDep, actor: Shipper, body: PackIn | None = None,
         idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Boxed: the packages' weights and dimensions (labels are bought for them)."""
    body = body or PackIn()
    return idempotent(request, uow, actor, idempotency_key, body, action=lambda: _out(uow, shipping.pack_shipment(
        uow, shipment_id, actor=actor, packages=[p.model_dump() for p in body.packages] or None).id))


@router.post("/shipments/{shipment_id}/label", response_model=ShipmentOut, responses=ERRORS(404, 409))
def buy_label(shipment_id: str, request: Request, uow: UowDep, actor: Shipper,
              carrier: Annotated[str, Query(min_length=1, max_length=32)] = "builtin",
              idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Buy the next package's label from a carrier (builtin or easypost); a labelled package is not bought again."""
    factory = request.app.state.session_factory
    adapter = _carrier(request, carrier)

    def change() -> ShipmentOut:
        labels.buy_label(lambda: UnitOfWork(factory), shipment_id, carrier=adapter, actor=actor)
        return _out(UnitOfWork(factory), shipment_id)
    return idempotent_in_steps(request, uow, actor, idempotency_key, {"carrier": carrier}, action=change)


@router.post("/shipments/{shipment_id}/tracking", response_model=ShipmentOut, responses=ERRORS(404, 409))
def update_tracking(shipment_id: str, body: TrackingIn, request: Request, uow: UowDep, actor: Shipper,
                    idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Record the carrier's tracking status; `delivered` delivers the shipment."""
    return idempotent(request, uow, actor, idempotency_key, body, action=lambda: _out(uow, tracking.update_tracking(
        uow, shipment_id, status=body.status, occurred_at=body.occurred_at, description=body.description,
        actor=actor).id))


@router.get("/shipments/{shipment_id}/packing-slip.pdf", response_class=Response, responses={**PDF, **ERRORS(404)})
def packing_slip(shipment_id: str, uow: UowDep, actor: Reader) -> Response:
    return _pdf(warehouse.packing_slip_pdf(uow, shipment_id))


@router.get("/shipments/{shipment_id}/label.pdf", response_class=Response, responses={**PDF, **ERRORS(404)})
def label(shipment_id: str, uow: UowDep, actor: Reader) -> Response:
    return _pdf(labels.label_pdf(uow, parse_shipment_id(shipment_id)))


@router.post("/shipments/ship-orders", response_model=ShipResultsOut, responses=ERRORS(400))
def ship_orders(body: ShipOrdersIn, request: Request, uow: UowDep, actor: Shipper,
                idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Ship a selection of orders (their ready shipments), each on its own; answers per order."""
    factory = request.app.state.session_factory
    return idempotent_in_steps(request, uow, actor, idempotency_key, body.model_dump(mode="json"), action=lambda: (
        ShipResultsOut.from_results(batch.ship_orders(lambda: UnitOfWork(factory), body.order_ids,
                                                      carrier=body.carrier, actor=actor,
                                                      tracking_numbers=body.tracking_numbers))))


@router.post("/shipments/ship-csv", response_model=ShipResultsOut, responses=ERRORS(400, 413, 415))
def ship_csv(request: Request, uow: UowDep, actor: Shipper,
             file: Annotated[UploadFile, File(description="CSV with columns order_number, carrier, tracking_number")],
             idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Ship orders from a CSV, each row in its own transaction; answers per row. The same file again changes
    nothing (its rows come back `unchanged`)."""
    data = file.file.read(MAX_UPLOAD_BYTES + 1)
    check_upload(content_type=file.content_type, filename=file.filename, size=len(data))
    rows = batch.read_csv(data)
    factory = request.app.state.session_factory
    return idempotent_in_steps(request, uow, actor, idempotency_key, {"sha256": hashlib.sha256(data).hexdigest()},
                               action=lambda: ShipResultsOut.from_results(list(batch.ship_csv_rows(
                                   lambda: UnitOfWork(factory), rows, actor=actor))))


@router.post("/orders/{order_id}/allocate", response_model=list[ShipmentOut], responses=ERRORS(404, 409))
def allocate(order_id: str, request: Request, uow: UowDep, actor: Shipper,
             idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Allocate what the order has not yet allocated (placement does it; this retries a backorder by hand)."""
    def change() -> Any:
        shipments = allocation.allocate_order(uow, order_id, actor=actor)
        return _ShipmentList([_out(uow, s.id) for s in shipments])
    return idempotent(request, uow, actor, idempotency_key, None, action=change)


@router.post("/orders/{order_id}/shipping-terms", response_model=list[ShipmentOut], responses=ERRORS(404, 409))
def shipping_terms(order_id: str, body: ShippingTermsIn, request: Request, uow: UowDep, actor: Shipper,
                   idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Agree the order is paid later (cash on delivery, net terms) so it ships unpaid, if the store allows it."""
    def change() -> Any:
        shipments = readiness.set_shipping_terms(uow, order_id, method=body.method, note=body.note, actor=actor)
        return _ShipmentList([_out(uow, s.id) for s in shipments])
    return idempotent(request, uow, actor, idempotency_key, body, action=change)


class _ShipmentList:
    """A list answer through `idempotent` (which dumps one model)."""

    def __init__(self, items: list[ShipmentOut]):
        self.items = items

    def model_dump(self, **kw: Any) -> list[dict[str, Any]]:
        return [i.model_dump(**kw) for i in self.items]


@router.post("/pick-lists", status_code=201, response_model=PickListOut, responses=ERRORS(404, 409))
def create_pick_list(body: PickListIn, request: Request, uow: UowDep, actor: Shipper,
                     idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """A pick list for shipments, orders, or every ready shipment of a location."""
    def change() -> PickListOut:
        pick_list, ids = warehouse.create_pick_list(uow, actor=actor, shipment_ids=body.shipment_ids,
                                                    order_ids=body.order_ids, location=body.location)
        return PickListOut(id=str(pick_list.id), ref=pick_list.ref, created_at=pick_list.created_at,
                           shipment_ids=[str(i) for i in ids])
    return idempotent(request, uow, actor, idempotency_key, body, status_code=201, action=change)


@router.get("/pick-lists/{pick_list_id}.pdf", response_class=Response, responses={**PDF, **ERRORS(404)})
def pick_list_pdf(pick_list_id: str, uow: UowDep, actor: Reader) -> Response:
    return _pdf(warehouse.pick_list_pdf(uow, pick_list_id))


def _manifest_out(uow: UnitOfWork, manifest_id: Any) -> ManifestOut:
    manifest, code, packages = warehouse.get_manifest(uow, manifest_id)
    return ManifestOut(id=str(manifest.id), number=manifest.number, carrier=manifest.carrier, location=code,
                       closed_at=manifest.closed_at, package_count=manifest.package_count,
                       tracking_numbers=[p.tracking_number or "" for p, _, _ in packages])


@router.post("/manifests", status_code=201, response_model=ManifestOut, responses=ERRORS(404, 409))
def close_manifest(body: ManifestIn, request: Request, uow: UowDep, actor: Shipper,
                   idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Close out a carrier's shipped packages at a location (not yet on a manifest) for the driver's pickup."""
    return idempotent(request, uow, actor, idempotency_key, body, status_code=201, action=lambda: _manifest_out(
        uow, warehouse.close_manifest(uow, carrier=body.carrier, location=body.location, actor=actor).id))


@router.get("/manifests/{manifest_id}.pdf", response_class=Response, responses={**PDF, **ERRORS(404)})
def manifest_pdf(manifest_id: str, uow: UowDep, actor: Reader) -> Response:
    return _pdf(warehouse.manifest_pdf(uow, manifest_id))


@router.get("/manifests/{manifest_id}", responses=ERRORS(404))
def get_manifest(manifest_id: str, uow: UowDep, actor: Reader) -> ManifestOut:
    return _manifest_out(uow, manifest_id)


def _settings_out(store: Any) -> FulfillmentSettingsOut:
    return FulfillmentSettingsOut(allocation_strategy=store.allocation_strategy,
                                  ship_unpaid_methods=list(store.ship_unpaid_methods or []))


@router.get("/store/fulfillment", responses=ERRORS())
def fulfillment_settings(uow: UowDep, actor: Reader) -> FulfillmentSettingsOut:
    from orderworks.core.store import get_store

    with uow:
        return _settings_out(get_store(uow.session))


@router.patch("/store/fulfillment", response_model=FulfillmentSettingsOut, responses=ERRORS(400))
def change_fulfillment_settings(body: FulfillmentSettingsIn, request: Request, uow: UowDep, actor: Admin,
                                idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """How orders are split across locations, and which agreed payment terms ship before payment."""
    return idempotent(request, uow, actor, idempotency_key, body, action=lambda: _settings_out(
        update_fulfillment_settings(uow, allocation_strategy=body.allocation_strategy,
                                    ship_unpaid_methods=list(body.ship_unpaid_methods)
                                    if body.ship_unpaid_methods is not None else None)))


webhooks = APIRouter(prefix="/api/v1/carriers", tags=["fulfillment"])


@webhooks.post("/{code}/webhook", responses={
    400: {"model": ErrorOut, "description": "Bad payload or signature"},
    404: {"model": ErrorOut, "description": "Unknown carrier"},
    422: {"model": ErrorOut, "description": "Invalid input"}})
async def carrier_webhook(code: str, request: Request) -> WebhookResultOut:
    """A carrier's tracking updates (its signature is the authentication): each known package's shipment moves."""
    from starlette.concurrency import run_in_threadpool

    try:
        carrier = get_carrier(code, request.app.state.settings)
    except CarrierError as exc:
        raise NotFound(exc.message, field="code") from exc
    body = await request.body()
    factory = request.app.state.session_factory
    try:
        result = await run_in_threadpool(tracking.apply_carrier_webhook, lambda: UnitOfWork(factory), carrier, body,
                                         dict(request.headers), actor=CARRIER_ACTOR)
    except CarrierError as exc:
        raise BadWebhook(exc.message, field="body") from exc
    return WebhookResultOut(**result)


class BadWebhook(DomainError):
    code = "bad_webhook"
    status = 400


__all__ = ["ValidationFailed", "router", "webhooks"]
