"""Bulk actions from the orders grid: a result per order, shown above the grid."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import unquote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from orderworks.backoffice import bulk
from orderworks.backoffice.service import Staff
from orderworks.backoffice.web.auth import allowed
from orderworks.backoffice.web.csrf import check_form_token
from orderworks.backoffice.web.gateway import GatewayDep
from orderworks.backoffice.web.templating import render
from orderworks.core.errors import ValidationFailed
from orderworks.core.permissions import Permission
from orderworks.core.uow import UnitOfWork
from orderworks.fulfillment.models import Shipment
from orderworks.fulfillment.service.warehouse import create_pick_list

router = APIRouter()
Writer = Annotated[Staff, Depends(allowed(Permission.ORDERS_WRITE))]
Payer = Annotated[Staff, Depends(allowed(Permission.PAYMENTS_WRITE))]
Selection = Annotated[list[uuid.UUID], Form(max_length=bulk.MAX_SELECTION)]


def _results(request: Request, action: str, results: list[bulk.BulkResult]) -> Response:
    done = sum(r.ok for r in results)
    return render(request, "orders/_bulk_results.html", {"action": action, "results": results, "done": done})


def _factory(request: Request):  # type: ignore[no-untyped-def]
    return lambda: UnitOfWork(request.app.state.session_factory)


def _reason(request: Request, given: str, default: str) -> str:
    return (given or unquote(request.headers.get("hx-prompt", "")) or default)[:500]


@router.post("/orders/bulk/capture")
def capture(request: Request, staff: Payer, gateway: GatewayDep, order_ids: Selection = []) -> Response:  # noqa: B006
    return _results(request, "Capture", bulk.bulk_capture(_factory(request), gateway, order_ids, actor=staff.actor))


@router.post("/orders/bulk/hold")
def hold(request: Request, staff: Writer, order_ids: Selection = [],  # noqa: B006
         reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    results = bulk.bulk_hold(_factory(request), order_ids, actor=staff.actor,
                             reason=_reason(request, reason, "held from the orders grid"))
    return _results(request, "Hold", results)


@router.post("/orders/bulk/cancel")
def cancel(request: Request, staff: Writer, order_ids: Selection = [],  # noqa: B006
           reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    results = bulk.bulk_cancel(_factory(request), order_ids, actor=staff.actor,
                               reason=_reason(request, reason, ""))
    return _results(request, "Cancel", results)


Shipper = Annotated[Staff, Depends(allowed(Permission.FULFILLMENT_WRITE))]
MAX_CSV_BYTES = 5 * 1024 * 1024


@router.post("/orders/bulk/allocate")
def allocate(request: Request, staff: Shipper, order_ids: Selection = []) -> Response:  # noqa: B006
    return _results(request, "Create shipments", bulk.bulk_allocate(_factory(request), order_ids, actor=staff.actor))


@router.post("/orders/bulk/ship")
def ship(request: Request, staff: Shipper, order_ids: Selection = [],  # noqa: B006
         carrier: Annotated[str, Form(max_length=32)] = "") -> Response:
    return _results(request, "Ship", bulk.bulk_ship(_factory(request), order_ids, carrier=carrier, actor=staff.actor))


@router.post("/orders/bulk/ship-csv")
async def ship_csv(request: Request, staff: Shipper, file: Annotated[UploadFile | None, File()] = None) -> Response:
    if file is None:
        raise ValidationFailed("Choose a CSV file", field="file")
    data = await file.read(MAX_CSV_BYTES + 1)
    if len(data) > MAX_CSV_BYTES:
        raise ValidationFailed("The file is larger than 5 MB; split it", field="file")
    results = await run_in_threadpool(bulk.bulk_ship_csv, _factory(request), data, actor=staff.actor)
    return _results(request, "Ship from CSV", results)


@router.post("/orders/bulk/documents")
def documents(request: Request, staff: Shipper, order_ids: Selection = [],  # noqa: B006
              csrf_token: Annotated[str, Form()] = "") -> Response:
    """A plain form post (the browser opens the PDFs): one pick list for the selection, a packing slip each."""
    check_form_token(request, csrf_token)
    chosen = bulk.check_selection(order_ids)
    pick_list, shipment_ids = create_pick_list(_factory(request)(), actor=staff.actor,
                                               order_ids=[str(o) for o in chosen])
    with _factory(request)() as uow:
        shipments = list(uow.session.execute(select(Shipment.id, Shipment.ref)
                                             .where(Shipment.id.in_(shipment_ids)).order_by(Shipment.ref)).all())
    return render(request, "orders/documents.html", {"active": "orders", "pick_list": pick_list,
                                                     "shipments": shipments})
