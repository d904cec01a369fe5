"""Edit an order before it is paid or ships: contact, shipping address, shipping method, discount code, lines.
One `edit_order` use case; a stale form (someone changed the order meanwhile) is refused with 409."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from orderworks.backoffice.service import Staff
from orderworks.backoffice.web.auth import ReadUowDep, UowDep, allowed
from orderworks.backoffice.web.flash import flash_after_redirect
from orderworks.backoffice.web.templating import render
from orderworks.core.errors import ValidationFailed
from orderworks.core.permissions import Permission
from orderworks.orders.addresses import Address
from orderworks.orders.quote import LineRequest
from orderworks.orders.service.editing import OrderChanges, edit_order
from orderworks.orders.service.queries import get_order

router = APIRouter()
Writer = Annotated[Staff, Depends(allowed(Permission.ORDERS_WRITE))]
ADDRESS_FIELDS = ("name", "company", "line1", "line2", "city", "region", "postal_code", "country", "phone")
MAX_LINES = 100


@router.get("/orders/{order_id}/edit")
def edit_page(order_id: uuid.UUID, request: Request, staff: Writer, uow: ReadUowDep) -> Response:
    view = get_order(uow, order_id)
    return render(request, "order/edit.html", {"active": "orders", "o": view.order, "fields": ADDRESS_FIELDS})


def _int(text: str, field: str) -> int:
    try:
        return int(text.strip() or "0")
    except ValueError as exc:
        raise ValidationFailed(f"{field}: a whole number, please", field=field) from exc


def changes_from_form(form: dict[str, str], skus: list[str], quantities: list[str]) -> OrderChanges:
    """The form as an edit: a quantity of 0 removes a line; a new SKU row adds one."""
    if len(skus) > MAX_LINES or len(skus) != len(quantities):
        raise ValidationFailed("The lines do not add up; reload the page", field="lines")
    lines = [LineRequest(sku=sku.strip().upper(), quantity=_int(qty, f"lines[{i}].quantity"), field=f"lines[{i}]")
             for i, (sku, qty) in enumerate(zip(skus, quantities)) if sku.strip()]
    address = {name: form.get(f"ship_{name}", "").strip() for name in ADDRESS_FIELDS}
    return OrderChanges(
        lines=[line for line in lines if line.quantity != 0],
        shipping_address=Address(**address) if address["line1"] else None,
        shipping_method=form.get("shipping_method", "").strip() or None,
        discount_code=form.get("discount_code", "").strip() or None,
        customer_email=form.get("customer_email") or None, customer_name=form.get("customer_name") or None,
        customer_phone=form.get("customer_phone", "").strip() or None)


@router.post("/orders/{order_id}/edit")
async def edit(order_id: uuid.UUID, request: Request, staff: Writer, uow: UowDep) -> Response:
    form = await request.form()
    fields = {k: str(v)[:500] for k, v in form.items() if isinstance(v, str)}
    changes = changes_from_form(fields, [str(v) for v in form.getlist("sku")], [str(v) for v in form.getlist("quantity")])
    version = _int(fields.get("version", ""), "version")
    order = edit_order(uow, order_id, actor=staff.actor, changes=changes, expected_version=version)
    target = f"{request.scope.get('root_path', '')}/orders/{order.id}"
    response = Response(status_code=204, headers={"HX-Location": target})
    flash_after_redirect(request, response, f"Order #{order.number} is updated.")
    return response
