"""Bulk actions from the orders grid: a result per order, shown above the grid."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import unquote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from orderworks.backoffice import bulk
from orderworks.backoffice.service import Staff
from orderworks.backoffice.web.auth import allowed
from orderworks.backoffice.web.gateway import GatewayDep
from orderworks.backoffice.web.templating import render
from orderworks.core.permissions import Permission
from orderworks.core.uow import UnitOfWork

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
