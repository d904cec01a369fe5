"""Catalog: products (list, search by SKU or name, create, edit) and vendors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response

from orderworks.backoffice.entry import find_products, store_currency
from orderworks.backoffice.service import Staff
from orderworks.backoffice.web.auth import ReadUowDep, UowDep, allowed
from orderworks.backoffice.web.flash import flash
from orderworks.backoffice.web.templating import render
from orderworks.catalog.service import (
    TAX_CLASSES,
    ProductSpec,
    create_product,
    create_vendor,
    get_product,
    list_products,
    list_vendors,
    update_product,
    update_vendor,
)
from orderworks.core.errors import ValidationFailed
from orderworks.core.permissions import Permission
from orderworks.core.uow import UnitOfWork

router = APIRouter()
Reader = Annotated[Staff, Depends(allowed(Permission.CATALOG_READ))]
Editor = Annotated[Staff, Depends(allowed(Permission.CATALOG_WRITE))]
Text = Annotated[str, Form(max_length=300)]


def _read(request: Request) -> UnitOfWork:
    return UnitOfWork(request.app.state.session_factory, read_only=True)


def _weight(text: str) -> int:
    if not text.strip().isdigit():
        raise ValidationFailed("Weight is a whole number of grams", field="weight_grams")
    return int(text)


def _list(request: Request, *, q: str = "", cursor: str | None = None, fragment: bool = False) -> Response:
    uow = _read(request)
    context: dict[str, object] = {"active": "catalog", "q": q, "tax_classes": TAX_CLASSES,
                                  "currency": store_currency(_read(request))}
    if q.strip():
        context["hits"] = find_products(uow, q)
    else:
        context["page"] = list_products(uow, cursor=cursor, limit=50)
    context["vendors"] = list_vendors(_read(request))
    return render(request, "catalog/_list.html" if fragment else "catalog/page.html", context)


@router.get("/catalog")
def catalog(request: Request, staff: Reader, q: Annotated[str, Query(max_length=200)] = "",
            cursor: Annotated[str | None, Query(max_length=400)] = None) -> Response:
    return _list(request, q=q, cursor=cursor, fragment=request.headers.get("hx-target") == "product-table")


@router.post("/catalog")
def create(request: Request, staff: Editor, uow: UowDep, sku: Text = "", name: Text = "", price: Text = "",
           weight_grams: Text = "0", tax_class: Text = "standard", shippable: Annotated[bool, Form()] = False,
           backorderable: Annotated[bool, Form()] = False, vendor: Text = "") -> Response:
    spec = ProductSpec(sku=sku.strip(), name=name.strip(), price=price.strip(),
                       currency=store_currency(_read(request)), weight_grams=_weight(weight_grams),
                       shippable=shippable, backorderable=backorderable, tax_class=tax_class,
                       vendor=vendor.strip() or None)
    create_product(uow, spec)
    flash(request, f"{spec.sku} is listed for sale.")
    return _list(request, fragment=True)


@router.get("/catalog/products/{sku}")
def product(sku: str, request: Request, staff: Reader, uow: ReadUowDep) -> Response:
    return _product(request, uow, sku, fragment=False)


def _product(request: Request, uow: UnitOfWork, sku: str, *, fragment: bool) -> Response:
    item = get_product(uow, sku)
    return render(request, "catalog/_product.html" if fragment else "catalog/product.html", {
        "active": "catalog", "product": item, "variant": next(v for v in item.variants if v.sku == sku),
        "tax_classes": TAX_CLASSES, "currency": store_currency(_read(request)),
        "vendors": list_vendors(_read(request))})


@router.post("/catalog/products/{sku}")
def edit(sku: str, request: Request, staff: Editor, uow: UowDep, name: Text = "", price: Text = "",
         weight_grams: Text = "", tax_class: Text = "", shippable: Annotated[bool, Form()] = False,
         backorderable: Annotated[bool, Form()] = False, active: Annotated[bool, Form()] = False,
         vendor: Text = "") -> Response:
    changes: dict[str, object] = {
        "name": name.strip() or None, "tax_class": tax_class or None, "shippable": shippable,
        "backorderable": backorderable, "active": active, "vendor": vendor.strip() or None,
        "weight_grams": _weight(weight_grams) if weight_grams.strip() else None}
    if price.strip():
        changes.update(price=price.strip(), currency=store_currency(_read(request)))
    update_product(uow, sku, changes)
    flash(request, f"{sku} is saved.")
    return _product(request, _read(request), sku, fragment=True)


@router.get("/catalog/vendors")
def vendors(request: Request, staff: Reader, uow: ReadUowDep) -> Response:
    return render(request, "catalog/vendors.html", {"active": "catalog", "vendors": list_vendors(uow)})


@router.post("/catalog/vendors")
def add_vendor(request: Request, staff: Editor, uow: UowDep, code: Text = "", name: Text = "", email: Text = "",
               phone: Text = "", transmission: Text = "email") -> Response:
    create_vendor(uow, code=code.strip(), name=name.strip() or code.strip(), email=email.strip() or None,
                  phone=phone.strip() or None, transmission=transmission)
    flash(request, f"Vendor {code.strip()} is added.")
    return render(request, "catalog/_vendors.html", {"vendors": list_vendors(_read(request))})


@router.post("/catalog/vendors/{code}/active")
def vendor_active(code: str, request: Request, staff: Editor, uow: UowDep,
                  active: Annotated[bool, Form()] = False) -> Response:
    update_vendor(uow, code, {"active": active})
    flash(request, f"Vendor {code} is {'active' if active else 'inactive'}.")
    return render(request, "catalog/_vendors.html", {"vendors": list_vendors(_read(request))})
