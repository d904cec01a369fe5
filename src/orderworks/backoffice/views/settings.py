"""Store settings: who the seller is, and the automation switches (capture at authorization or by hand,
invoice on capture, how long a declined order keeps its stock, the ship promise behind "late", and the
unpaid-order timeout when the scheduled jobs area provides it). One use case: orders.pricing_setup.update_store."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from orderworks.backoffice.service import Staff
from orderworks.backoffice.views.entry import FormDep
from orderworks.backoffice.web.auth import ReadUowDep, UowDep, allowed
from orderworks.backoffice.web.flash import flash
from orderworks.backoffice.web.templating import render
from orderworks.core.errors import ValidationFailed
from orderworks.core.permissions import Permission
from orderworks.core.store import Store
from orderworks.orders.pricing_setup import PAYMENT_MODES, UNPAID_TIMEOUT, get_store_settings, update_store

router = APIRouter()
Admin = Annotated[Staff, Depends(allowed(Permission.SETTINGS_WRITE))]
MINUTES_DAYS = ("declined_stock_hold_minutes", "ship_promise_days")


def _has_unpaid_timeout() -> bool:
    return hasattr(Store, UNPAID_TIMEOUT)


def _page(request: Request, store: Store, *, fragment: bool) -> Response:
    return render(request, "settings/_form.html" if fragment else "settings/page.html", {
        "active": "settings", "store": store, "modes": PAYMENT_MODES, "unpaid": _has_unpaid_timeout(),
        "unpaid_value": getattr(store, UNPAID_TIMEOUT, None)})


@router.get("/settings")
def settings(request: Request, staff: Admin, uow: ReadUowDep) -> Response:
    return _page(request, get_store_settings(uow), fragment=False)


def _whole(values: dict[str, str], name: str) -> int | None:
    text = values.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 9:
        raise ValidationFailed("A whole number, 0 or more", field=name)
    return int(text)


@router.post("/settings")
def save(request: Request, staff: Admin, uow: UowDep, form: FormDep) -> Response:
    v = form.values
    changes: dict[str, Any] = {
        "name": v.get("name", "").strip() or None, "email": v.get("email", "").strip() or None,
        "payment_mode": v.get("payment_mode") or None, "auto_invoice": v.get("auto_invoice") == "true",
        **{name: _whole(v, name) for name in MINUTES_DAYS}}
    if _has_unpaid_timeout():  # an empty field turns the timeout off
        changes[UNPAID_TIMEOUT] = _whole(v, UNPAID_TIMEOUT)
    store = update_store(uow, changes)
    flash(request, "Settings are saved.")
    return _page(request, store, fragment=True)
