"""Shipping and tax set-up: shipping zones and methods, tax rates, discount codes (orders/pricing_setup.py), and
stock locations (inventory). Reading needs catalog:read; changing needs settings:write (the owner)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from orderworks.backoffice.entry import store_currency
from orderworks.backoffice.service import Staff
from orderworks.backoffice.web.auth import UowDep, allowed
from orderworks.backoffice.web.flash import flash
from orderworks.backoffice.web.templating import render
from orderworks.catalog.service import TAX_CLASSES
from orderworks.core.errors import ValidationFailed
from orderworks.core.permissions import Permission
from orderworks.core.uow import UnitOfWork
from orderworks.inventory.service import create_location, list_locations, update_location
from orderworks.orders import pricing_setup as setup

router = APIRouter()
Reader = Annotated[Staff, Depends(allowed(Permission.CATALOG_READ))]
Admin = Annotated[Staff, Depends(allowed(Permission.SETTINGS_WRITE))]
Text = Annotated[str, Form(max_length=300)]


def _read(request: Request) -> UnitOfWork:
    return UnitOfWork(request.app.state.session_factory, read_only=True)


def _whole(text: str, field: str, *, allow_empty: bool = False) -> int | None:
    if allow_empty and not text.strip():
        return None
    if not text.strip().isdigit() or len(text.strip()) > 9:
        raise ValidationFailed("A whole number, please", field=field)
    return int(text)


def _date(text: str, field: str) -> datetime | None:
    if not text.strip():
        return None
    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=UTC)
    except ValueError as exc:
        raise ValidationFailed("A date like 2026-12-31", field=field) from exc


def _pricing(request: Request, *, fragment: bool) -> Response:
    zones, methods, rates, codes = setup.list_pricing(_read(request))
    zone_of = {z.id: z for z in zones}
    return render(request, "setup/_pricing.html" if fragment else "setup/page.html", {
        "active": "setup", "zones": zones, "methods": methods, "zone_of": zone_of, "rates": rates, "codes": codes,
        "currency": store_currency(_read(request)), "tax_classes": TAX_CLASSES})


@router.get("/setup")
def pricing(request: Request, staff: Reader) -> Response:
    return _pricing(request, fragment=False)


@router.post("/setup/zones")
def add_zone(request: Request, staff: Admin, uow: UowDep, code: Text = "", name: Text = "",
             countries: Text = "") -> Response:
    listed = [c.strip() for c in countries.replace(";", ",").split(",") if c.strip()]
    setup.create_shipping_zone(uow, code=code.strip(), name=name.strip() or code.strip(), countries=listed)
    flash(request, f"Shipping zone {code.strip()} is added.")
    return _pricing(request, fragment=True)


@router.post("/setup/methods")
def add_method(request: Request, staff: Admin, uow: UowDep, zone: Text = "", code: Text = "", name: Text = "",
               price: Text = "", free_over: Text = "") -> Response:
    currency = store_currency(_read(request))
    setup.create_shipping_method(uow, zone=zone.strip(), code=code.strip(), name=name.strip() or code.strip(),
                                 kind="flat", rates={currency: price.strip()},
                                 free_over={currency: free_over.strip()} if free_over.strip() else None)
    flash(request, f"Shipping method {code.strip()} is added.")
    return _pricing(request, fragment=True)


@router.post("/setup/tax-rates")
def add_tax_rate(request: Request, staff: Admin, uow: UowDep, country: Text = "", region: Text = "",
                 tax_class: Text = "standard", rate: Text = "", name: Text = "") -> Response:
    setup.set_tax_rate(uow, country=country.strip(), region=region.strip().upper(), tax_class=tax_class,
                       rate=rate.strip(), name=name.strip() or f"{country.strip().upper()} tax")
    flash(request, f"Tax rate for {country.strip().upper()} {region.strip().upper()} is set to {rate.strip()}%.")
    return _pricing(request, fragment=True)


@router.post("/setup/discounts")
def add_discount(request: Request, staff: Admin, uow: UowDep, code: Text = "", kind: Text = "percentage",
                 value: Text = "", starts: Text = "", ends: Text = "", usage_limit: Text = "") -> Response:
    currency = store_currency(_read(request))
    setup.create_discount_code(
        uow, code=code.strip(), kind=kind, percent=value.strip() if kind == "percentage" else None,
        amounts={currency: value.strip()} if kind == "fixed" else None, starts_at=_date(starts, "starts"),
        ends_at=_date(ends, "ends"), usage_limit=_whole(usage_limit, "usage_limit", allow_empty=True))
    flash(request, f"Discount code {code.strip().upper()} is added.")
    return _pricing(request, fragment=True)


def _locations(request: Request, *, fragment: bool) -> Response:
    return render(request, "setup/_locations.html" if fragment else "setup/locations.html",
                  {"active": "stock", "locations": list_locations(_read(request))})


@router.get("/setup/locations")
def locations(request: Request, staff: Reader) -> Response:
    return _locations(request, fragment=False)


@router.post("/setup/locations")
def add_location(request: Request, staff: Admin, uow: UowDep, code: Text = "", name: Text = "",
                 country: Text = "", region: Text = "", kind: Text = "warehouse", priority: Text = "100") -> Response:
    create_location(uow, code=code.strip(), name=name.strip() or code.strip(), country=country.strip(), kind=kind,
                    region=region.strip() or None, priority=_whole(priority, "priority") or 0)
    flash(request, f"Location {code.strip()} is open.")
    return _locations(request, fragment=True)


@router.post("/setup/locations/{code}/active")
def location_active(code: str, request: Request, staff: Admin, uow: UowDep,
                    active: Annotated[bool, Form()] = False) -> Response:
    update_location(uow, code, {"active": active})
    flash(request, f"Location {code} is {'open' if active else 'closed'}.")
    return _locations(request, fragment=True)
