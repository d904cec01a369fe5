"""Reordering: a new draft from an old order (any status), at today's prices, for staff to check and place."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from orderworks.catalog.models import Price, Product, Variant
from orderworks.core.actor import Actor
from orderworks.core.errors import Conflict
from orderworks.core.uow import UnitOfWork
from orderworks.orders import history
from orderworks.orders.addresses import Address
from orderworks.orders.models import Order
from orderworks.orders.quote import LineRequest
from orderworks.orders.service.loading import order_for_update
from orderworks.orders.service.placement import Customer, PlaceOrder, place_order


class NothingToReorder(Conflict):
    code = "nothing_to_reorder"


def reorder(uow: UnitOfWork, order_id: str | uuid.UUID, *, actor: Actor) -> Order:
    """Start a new draft from an old order: same customer, addresses, channel and shipping method, the same SKUs
    and quantities at today's prices. Products no longer for sale are left out and listed in the draft's history.
    Place the draft with `place_draft`, which reserves its stock."""
    with uow:
        source = order_for_update(uow.session, order_id)
        lines, left_out = _lines_for_sale(uow.session, source)
        if not lines:
            raise NothingToReorder(f"None of the products of order {source.number} is for sale any more",
                                   field="lines", details={"left_out": left_out})
        draft = place_order(uow, _draft_of(source, lines), actor=actor)
        history.record(uow.session, draft, actor=actor, action="reordered_from", note=f"from order {source.number}",
                       data={"source_order_id": str(source.id), "source_number": source.number,
                             "left_out": left_out})
        history.record(uow.session, source, actor=actor, action="reordered", note=f"as draft {draft.number}",
                       data={"draft_order_id": str(draft.id), "draft_number": draft.number, "left_out": left_out})
        uow.commit()
    return draft


def _lines_for_sale(session: Session, order: Order) -> tuple[list[LineRequest], list[dict[str, Any]]]:
    """The old lines whose SKU is still for sale in the order's currency, and the others with the reason."""
    rows = session.execute(
        select(Variant.sku, and_(Variant.active, Product.active), Price.amount)
        .join(Product, Product.id == Variant.product_id)
        .outerjoin(Price, (Price.variant_id == Variant.id) & (Price.currency == order.currency))
        .where(Variant.sku.in_({line.sku for line in order.lines}))
    ).all()
    catalog = {sku: (bool(active), price) for sku, active, price in rows}
    lines: list[LineRequest] = []
    left_out: list[dict[str, Any]] = []
    for line in order.lines:
        active, price = catalog.get(line.sku, (False, None))
        reason = ("unknown_sku" if line.sku not in catalog else "inactive" if not active
                  else "no_price" if price is None else None)
        if reason:
            left_out.append({"sku": line.sku, "quantity": line.quantity, "reason": reason})
        else:
            lines.append(LineRequest(sku=line.sku, quantity=line.quantity, field=f"lines[{len(lines)}]"))
    return lines, left_out


def _draft_of(source: Order, lines: list[LineRequest]) -> PlaceOrder:
    return PlaceOrder(
        channel=source.channel, currency=source.currency,
        customer=Customer(email=source.customer_email, name=source.customer_name, phone=source.customer_phone),
        lines=lines, shipping_address=_address(source.shipping_address),
        billing_address=_address(source.billing_address), shipping_method=source.shipping_method,
        draft=True, source_order_id=str(source.id),
    )


def _address(stored: dict[str, str] | None) -> Address | None:
    return Address(**stored) if stored else None
