"""Webhooks (owner and settings staff): the seller's endpoints, each with its event types and state; add one (its
signing secret shown once), enable, disable, ping, remove; an endpoint's deliveries with every attempt and a Retry
button. The same use cases as the API (notifications.webhooks.service)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from orderworks.backoffice.service import Staff
from orderworks.backoffice.web.auth import UowDep, allowed
from orderworks.backoffice.web.flash import flash
from orderworks.backoffice.web.templating import render
from orderworks.core.permissions import Permission
from orderworks.core.uow import UnitOfWork
from orderworks.notifications.webhooks import service
from orderworks.notifications.webhooks.event_types import ALL, EVENT_TYPES

router = APIRouter()
Admin = Annotated[Staff, Depends(allowed(Permission.SETTINGS_WRITE))]
Text = Annotated[str, Form(max_length=2000)]


def _reader(request: Request) -> UnitOfWork:
    return UnitOfWork(request.app.state.session_factory, read_only=True)


def _list(request: Request, *, fragment: bool, secret: str | None = None) -> Response:
    endpoints = service.list_endpoints(_reader(request), limit=200).items
    return render(request, "webhooks/_table.html" if fragment else "webhooks/page.html",
                  {"active": "webhooks", "endpoints": endpoints, "event_types": EVENT_TYPES, "secret": secret})


@router.get("/webhooks")
def webhooks(request: Request, staff: Admin) -> Response:
    return _list(request, fragment=False)


@router.post("/webhooks")
async def add(request: Request, staff: Admin, uow: UowDep, url: Text = "", description: Text = "") -> Response:
    form = await request.form()
    events = [str(e) for e in form.getlist("events")] or [ALL]
    endpoint = service.create_endpoint(uow, url=url.strip(), events=events, description=description.strip())
    flash(request, f"Webhooks to {endpoint.url} start with the next event. Copy its signing secret now: it is not "
                   "shown again.")
    return _list(request, fragment=True, secret=endpoint.secret)


@router.post("/webhooks/{endpoint_id}/enabled")
def enabled(endpoint_id: uuid.UUID, request: Request, staff: Admin, uow: UowDep,
            enabled: Annotated[bool, Form()] = False) -> Response:
    endpoint = service.update_endpoint(uow, str(endpoint_id), enabled=enabled)
    flash(request, f"{endpoint.url} is {'enabled: waiting deliveries go out' if endpoint.enabled else 'disabled'}.")
    return _list(request, fragment=True)


@router.post("/webhooks/{endpoint_id}/ping")
def ping(endpoint_id: uuid.UUID, request: Request, staff: Admin, uow: UowDep) -> Response:
    service.create_ping(uow, str(endpoint_id))
    flash(request, "A signed webhook.ping is on its way; its attempt shows under Deliveries.")
    return _list(request, fragment=True)


@router.post("/webhooks/{endpoint_id}/delete")
def delete(endpoint_id: uuid.UUID, request: Request, staff: Admin, uow: UowDep) -> Response:
    endpoint = service.delete_endpoint(uow, str(endpoint_id))
    flash(request, f"{endpoint.url} gets no more webhooks; its waiting deliveries are canceled.")
    return _list(request, fragment=True)


def _deliveries(request: Request, endpoint_id: uuid.UUID, *, fragment: bool) -> Response:
    uow = _reader(request)
    endpoint = service.get_endpoint(uow, str(endpoint_id))
    page = service.list_deliveries(_reader(request), str(endpoint_id), limit=100)
    return render(request, "webhooks/_deliveries.html" if fragment else "webhooks/deliveries.html",
                  {"active": "webhooks", "endpoint": endpoint, "deliveries": page.items})


@router.get("/webhooks/{endpoint_id}")
def deliveries(endpoint_id: uuid.UUID, request: Request, staff: Admin) -> Response:
    return _deliveries(request, endpoint_id, fragment=False)


@router.post("/webhooks/{endpoint_id}/deliveries/{delivery_id}/retry")
def retry(endpoint_id: uuid.UUID, delivery_id: uuid.UUID, request: Request, staff: Admin, uow: UowDep) -> Response:
    service.schedule_retry(uow, str(endpoint_id), str(delivery_id))
    flash(request, "Queued again: the worker sends it with its next pass.")
    return _deliveries(request, endpoint_id, fragment=True)
