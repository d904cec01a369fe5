"""Failed events: deliveries the relay parked after too many failures (an email that could not be sent, a
webhook that kept failing), with the error and a Retry button (core.relay.retry_delivery)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from orderworks.backoffice.service import Staff
from orderworks.backoffice.web.auth import UowDep, allowed
from orderworks.backoffice.web.flash import flash
from orderworks.backoffice.web.templating import render
from orderworks.core.permissions import Permission
from orderworks.core.relay import failed_deliveries, retry_delivery
from orderworks.core.uow import UnitOfWork

router = APIRouter()
Admin = Annotated[Staff, Depends(allowed(Permission.SETTINGS_WRITE))]


def _list(request: Request, *, fragment: bool) -> Response:
    rows = failed_deliveries(UnitOfWork(request.app.state.session_factory, read_only=True), limit=200)
    return render(request, "events/_table.html" if fragment else "events/page.html",
                  {"active": "events", "rows": rows})


@router.get("/events")
def events(request: Request, staff: Admin) -> Response:
    return _list(request, fragment=False)


@router.post("/events/{delivery_id}/retry")
def retry(delivery_id: int, request: Request, staff: Admin, uow: UowDep) -> Response:
    row = retry_delivery(uow, delivery_id)
    flash(request, f"{row.event_type} to {row.subscriber} is queued again: the worker retries it next.")
    return _list(request, fragment=True)
