"""Editing an order before payment: its lines, addresses, shipping method, discount code, contact and notes.

A change that can move the price (lines, addresses, shipping method, discount code) re-prices the order and
re-reserves its stock in the same transaction; contact and notes changes touch neither. Refused whole otherwise.
"""

from __future__ import annotations

import uuid
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from orderworks.catalog.models import Variant
from orderworks.core.actor import Actor
from orderworks.core.clock import now
from orderworks.core.errors import Conflict, ValidationFailed
from orderworks.core.ids import new_id
from orderworks.core.money import parse_amount, to_decimal_string
from orderworks.core.store import get_store
from orderworks.core.uow import UnitOfWork
from orderworks.inventory import reservations
from orderworks.inventory.models import StockLevel
from orderworks.orders import history
from orderworks.orders.addresses import Address, check_address, check_email, check_phone
from orderworks.orders.events import OrderUpdated
from orderworks.orders.models import DiscountCode, Order, OrderLine
from orderworks.orders.quote import (
    DiscountCodeUsedUp,
    LineRequest,
    Quote,
    ShippingAddressRequired,
    build_quote,
    count_discount_use,
)
from orderworks.orders.rules.status import OrderStatus, edit_blocker
from orderworks.orders.service.loading import order_for_update
from orderworks.orders.service.placement import apply_totals, backorderable_variants, fill_line, reserve_lines


class Keep(Enum):
    """Marks a field an edit leaves alone, where None means 'remove it'."""

    KEEP = "keep"


KEEP = Keep.KEEP


class OrderNotEditable(Conflict):
    code = "order_not_editable"


@dataclass(frozen=True)
class OrderChanges:
    """What an edit changes; a field left at its default stays as it is."""

    lines: Sequence[LineRequest] | None = None  # the complete new list of lines
    shipping_address: Address | None = None
    billing_address: Address | None = None
    shipping_method: str | None = None
    discount_code: str | None | Keep = KEEP  # None (or "") removes the code
    customer_email: str | None = None
    customer_name: str | None = None
    customer_phone: str | None | Keep = KEEP  # None removes the phone number
    notes: str | None = None


def edit_order(uow: UnitOfWork, order_id: str | uuid.UUID, *, actor: Actor, changes: OrderChanges,
               expected_version: int) -> Order:
    """Change an order before it is paid or anything ships: quantities, lines added or removed, addresses, shipping
    method, discount code, the customer's contact details and notes.

    Price-moving changes re-price the order at the catalog's prices and re-reserve its stock (drafts hold none).
    A line the customer already has keeps its agreed price, or the edit is refused with price_changed: send the
    new `unit_price` to accept it. One `edited` history entry says what changed; nothing changed writes nothing.
    """
    changes = _checked(changes)
    with uow:
        order = order_for_update(uow.session, order_id, expected_version=expected_version)
        _check_editable(order)
        before = snapshot(order)
        _apply_contact(order, changes)
        if _moves_price(before, order, changes):
            _reprice(uow.session, order, changes, actor=actor)
        after = snapshot(order)
        changed = [name for name in before if before[name] != after[name]]
        if not changed:
            return order
        order.updated_at = now()  # the order row itself changes even when only lines did: its version goes up
        history.record(uow.session, order, actor=actor, action="edited", note=", ".join(changed),
                       data={name: {"before": before[name], "after": after[name]} for name in changed})
        uow.outbox.add(OrderUpdated(order_id=str(order.id), number=order.number, changes=changed, total=order.total))
        uow.commit()
    return order


def snapshot(order: Order) -> dict[str, Any]:
    """What an edit can change, as the history entry shows it."""
    return {
        "lines": [{"sku": line.sku, "quantity": line.quantity} for line in order.lines],
        "shipping_address": order.shipping_address, "billing_address": order.billing_address,
        "shipping_method": order.shipping_method, "discount_code": order.discount_code,
        "customer_email": order.customer_email, "customer_name": order.customer_name,
        "customer_phone": order.customer_phone, "notes": order.notes,
        "totals": {"items": order.items_total, "discount": order.discount_total, "shipping": order.shipping_total,
                   "tax": order.tax_total, "total": order.total},
    }


def _checked(changes: OrderChanges) -> OrderChanges:
    """The checks that need no database; addresses and email come back in their canonical form."""
    if changes.lines is not None and not changes.lines:
        raise ValidationFailed("An order needs at least one line", field="lines")
    fixed: dict[str, Any] = {}
    for name in ("shipping_address", "billing_address"):
        address = getattr(changes, name)
        if address is not None:
            fixed[name] = check_address(address, field=name)
    if changes.customer_email is not None:
        fixed["customer_email"] = check_email(changes.customer_email)
    if changes.customer_name is not None:
        if not changes.customer_name.strip():
            raise ValidationFailed("The customer's name is required", field="customer.name")
        fixed["customer_name"] = changes.customer_name.strip()
    if isinstance(changes.discount_code, str):
        fixed["discount_code"] = changes.discount_code.strip().upper() or None
    return replace(changes, **fixed)


def _check_editable(order: Order) -> None:
    blocker = edit_blocker(order.status, order.payment_status, order.fulfillment_status)
    if blocker is not None:
        value = str(getattr(order, blocker))
        raise OrderNotEditable(
            f"Order {order.number} can no longer be edited: its {blocker.replace('_', ' ')} is "
            f"{value.replace('_', ' ')} (edits are for unpaid orders that have not shipped)",
            field=blocker, details={blocker: value})


def _apply_contact(order: Order, changes: OrderChanges) -> None:
    if changes.shipping_address is not None:
        order.shipping_address = changes.shipping_address.as_dict()
    if changes.billing_address is not None:
        order.billing_address = changes.billing_address.as_dict()
    if changes.customer_email is not None:
        order.customer_email = changes.customer_email
    if changes.customer_name is not None:
        order.customer_name, order.search_name = changes.customer_name, changes.customer_name.lower()[:200]
    if not isinstance(changes.customer_phone, Keep):
        address = order.shipping_address or order.billing_address
        order.customer_phone = (check_phone(changes.customer_phone, country=address["country"] if address else None)
                                if changes.customer_phone else None)
    if changes.notes is not None:
        order.notes = changes.notes


def _moves_price(before: dict[str, Any], order: Order, changes: OrderChanges) -> bool:
    """Exactly when something that prices the order differs (so a re-price always leaves a change to record)."""
    return (_lines_differ(before, order, changes.lines)
            or before["shipping_address"] != order.shipping_address
            or before["billing_address"] != order.billing_address
            or (changes.shipping_method is not None and changes.shipping_method != order.shipping_method)
            or (not isinstance(changes.discount_code, Keep) and changes.discount_code != order.discount_code))


def _lines_differ(before: dict[str, Any], order: Order, lines: Sequence[LineRequest] | None) -> bool:
    if lines is None:
        return False
    if [{"sku": line.sku, "quantity": line.quantity} for line in lines] != before["lines"]:
        return True
    agreed = {line.sku: line.unit_price for line in order.lines}
    return any(line.unit_price is not None
               and parse_amount(line.unit_price, order.currency, field=f"lines[{i}].unit_price") != agreed[line.sku]
               for i, line in enumerate(lines))


def _reprice(session: Session, order: Order, changes: OrderChanges, *, actor: Actor) -> None:
    """Quote the edited order, then swap its reservations and discount use for the new ones."""
    placed = order.status != OrderStatus.DRAFT  # a draft holds no stock and counts no discount use until placed
    old_code = order.discount_code
    code = old_code if isinstance(changes.discount_code, Keep) else changes.discount_code
    if placed:
        # Stock levels first, then the discount code row: the lock order placement and cancel take too.
        _lock_levels(session, {line.sku for line in order.lines} | {line.sku for line in changes.lines or ()})
        if old_code:
            _give_back_use(session, old_code)  # before the quote: a code at its limit must not refuse its own order
    quote = _quote(session, order, changes, code=code, kept_code=placed and code == old_code)
    if order.shipping_address is None and any(line.shippable for line in quote.lines):
        raise ShippingAddressRequired()
    if placed:
        reservations.release(session, order_id=order.id, actor=actor.name, reason=f"order {order.number} edited")
    _apply_lines(order, quote)
    apply_totals(order, quote, store=get_store(session))
    if not placed:
        order.backordered = False
        return
    reserve_lines(session, order, actor=actor, backorderable=backorderable_variants(quote))
    if quote.discount is not None and not count_discount_use(session, quote.discount):
        raise DiscountCodeUsedUp(f"Discount code '{quote.discount.code}' has been used up", field="discount_code")


def _quote(session: Session, order: Order, changes: OrderChanges, *, code: str | None, kept_code: bool) -> Quote:
    address = order.shipping_address or order.billing_address or {}
    return build_quote(
        session, store=get_store(session), currency=order.currency,
        lines=_line_requests(order, changes.lines, keep_prices=order.status != OrderStatus.DRAFT),
        ship_country=address.get("country"), ship_region=address.get("region", ""),
        shipping_method=changes.shipping_method or order.shipping_method, discount_code=code,
        # A code the order keeps is judged on the day it was applied: an edit must not void a discount it was given.
        at=order.placed_at if kept_code and order.placed_at else now())


def _line_requests(order: Order, lines: Sequence[LineRequest] | None, *, keep_prices: bool) -> list[LineRequest]:
    """The new lines, each naming its position; a SKU already on a placed order keeps its agreed price."""
    agreed = {line.sku: line.unit_price for line in order.lines}
    asked = lines if lines is not None else [LineRequest(line.sku, line.quantity) for line in order.lines]
    requests = []
    for i, line in enumerate(asked):
        price = line.unit_price
        if price is None and keep_prices and line.sku in agreed:
            price = to_decimal_string(agreed[line.sku], order.currency)
        requests.append(LineRequest(sku=line.sku, quantity=line.quantity, unit_price=price, field=f"lines[{i}]"))
    return requests


def _apply_lines(order: Order, quote: Quote) -> None:
    """A SKU that stays keeps its line (and line id); the others are added or removed."""
    kept: dict[str, deque[OrderLine]] = defaultdict(deque)
    for line in order.lines:
        kept[line.sku].append(line)
    order.lines = [
        fill_line(kept[q.sku].popleft() if kept[q.sku] else OrderLine(id=new_id(), order_id=order.id), position, q)
        for position, q in enumerate(quote.lines)
    ]


def _lock_levels(session: Session, skus: set[str]) -> None:
    """Lock every stock level of the SKUs the order has and will have, at once and by id (the order reservations
    use), so that releasing and then reserving never waits for a lock while holding one out of order."""
    variants = select(Variant.id).where(Variant.sku.in_(sorted(skus)))
    session.execute(select(StockLevel.id).where(StockLevel.variant_id.in_(variants))
                    .order_by(StockLevel.id).with_for_update()).all()


def _give_back_use(session: Session, code: str) -> None:
    # A plain UPDATE: loading the code here would leave a stale `times_used` for the quote to read.
    session.execute(update(DiscountCode).where(DiscountCode.code == code, DiscountCode.times_used > 0)
                    .values(times_used=DiscountCode.times_used - 1).execution_options(synchronize_session=False))
