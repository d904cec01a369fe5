"""Stock: levels per SKU and location; receive stock, adjust it (write-off or found) or record a count. Changing
stock needs stock:write (fulfilment staff and owners; customer service is refused with 403)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response

from orderworks.backoffice.service import Staff
from orderworks.backoffice.stock_levels import stock_levels
from orderworks.backoffice.web.auth import UowDep, allowed
from orderworks.backoffice.web.flash import flash
from orderworks.backoffice.web.templating import render
from orderworks.core.errors import ValidationFailed
from orderworks.core.permissions import Permission
from orderworks.core.uow import UnitOfWork
from orderworks.inventory.service import StockChange, adjust_stock, count_stock, list_locations

router = APIRouter()
Reader = Annotated[Staff, Depends(allowed(Permission.CATALOG_READ))]
Stocker = Annotated[Staff, Depends(allowed(Permission.STOCK_WRITE))]
Text = Annotated[str, Form(max_length=300)]


def _read(request: Request) -> UnitOfWork:
    return UnitOfWork(request.app.state.session_factory, read_only=True)


def _quantity(text: str, *, signed: bool) -> int:
    value = text.strip()
    digits = value[1:] if signed and value[:1] in "+-" else value
    if not digits.isdigit() or len(digits) > 9:
        raise ValidationFailed("Quantity is a whole number" + (" (negative to write off)" if signed else ""),
                               field="quantity")
    return int(value)


def _table(request: Request, *, sku: str = "", location: str = "", cursor: str | None = None,
           fragment: bool) -> Response:
    page = stock_levels(_read(request), sku=sku, location=location, cursor=cursor)
    context = {"active": "stock", "page": page, "sku": sku, "location": location,
               "locations": list_locations(_read(request))}
    return render(request, "stock/_table.html" if fragment else "stock/page.html", context)


def _changed(request: Request, change: StockChange, what: str) -> Response:
    flash(request, f"{what}: {change.sku} at {change.location} now {change.on_hand} on hand, "
                   f"{change.available} available.")
    return _table(request, sku=change.sku, fragment=True)


@router.get("/stock")
def stock(request: Request, staff: Reader, sku: Annotated[str, Query(max_length=64)] = "",
          location: Annotated[str, Query(max_length=64)] = "",
          cursor: Annotated[str | None, Query(max_length=400)] = None) -> Response:
    return _table(request, sku=sku, location=location, cursor=cursor,
                  fragment=request.headers.get("hx-target") == "stock-table")


@router.post("/stock/receive")
def receive(request: Request, staff: Stocker, uow: UowDep, sku: Text = "", location: Text = "",
            quantity: Text = "", reason: Text = "", bin: Text = "") -> Response:
    qty = _quantity(quantity, signed=False)
    if qty <= 0:
        raise ValidationFailed("Receive at least one unit", field="quantity")
    change = adjust_stock(uow, sku=sku.strip(), location=location.strip(), quantity=qty,
                          reason=reason.strip() or "received", actor=staff.actor, bin=bin.strip() or None)
    return _changed(request, change, f"Received {qty}")


@router.post("/stock/adjust")
def adjust(request: Request, staff: Stocker, uow: UowDep, sku: Text = "", location: Text = "",
           quantity: Text = "", reason: Text = "") -> Response:
    if not reason.strip():
        raise ValidationFailed("Say why the stock changes (damaged, found, ...)", field="reason")
    qty = _quantity(quantity, signed=True)
    change = adjust_stock(uow, sku=sku.strip(), location=location.strip(), quantity=qty, reason=reason.strip(),
                          actor=staff.actor)
    return _changed(request, change, f"Adjusted by {qty:+d}")


@router.post("/stock/count")
def count(request: Request, staff: Stocker, uow: UowDep, sku: Text = "", location: Text = "",
          counted: Text = "", reason: Text = "") -> Response:
    try:
        qty = _quantity(counted, signed=False)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, field="counted") from exc
    change = count_stock(uow, sku=sku.strip(), location=location.strip(), counted=qty, reason=reason.strip(),
                         actor=staff.actor)
    return _changed(request, change, f"Counted {qty}")
