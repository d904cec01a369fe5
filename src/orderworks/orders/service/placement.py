"""Placing an order from any channel: verify, price, number, reserve stock, record, announce. One transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from orderworks.core.actor import Actor
from orderworks.core.clock import now
from orderworks.core.errors import ValidationFailed
from orderworks.core.ids import new_id
from orderworks.core.numbering import next_number
from orderworks.core.store import Store, get_store
from orderworks.core.uow import UnitOfWork
from orderworks.inventory import reservations
from orderworks.inventory.service import InsufficientStock
from orderworks.orders import history
from orderworks.orders.addresses import Address, check_address, check_email, check_phone
from orderworks.orders.events import OrderDraftCreated, OrderPlaced
from orderworks.orders.models import Order, OrderLine
from orderworks.orders.quote import (
    DiscountCodeUsedUp,
    LineRequest,
    Quote,
    QuotedLine,
    ShippingAddressRequired,
    build_quote,
    count_discount_use,
)
from orderworks.orders.rules.status import Channel, FulfillmentStatus, OrderStatus, PaymentStatus


@dataclass(frozen=True)
class Customer:
    email: str
    name: str
    phone: str | None = None


@dataclass(frozen=True)
class PlaceOrder:
    """What a storefront, a marketplace or a staff member sends to place an order."""

    channel: str
    currency: str
    customer: Customer
    lines: Sequence[LineRequest]
    shipping_address: Address | None = None
    billing_address: Address | None = None
    shipping_method: str | None = None
    discount_code: str | None = None
    notes: str = ""
    draft: bool = False  # staff build a draft, then place it
    source_order_id: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckedContact:
    email: str
    name: str
    phone: str | None
    shipping: Address | None
    billing: Address | None


def check_contact(cmd: PlaceOrder) -> CheckedContact:
    """Customer and address checks that need no database."""
    if cmd.channel not in set(Channel):
        raise ValidationFailed(f"Unknown channel '{cmd.channel}'", field="channel")
    if not cmd.lines:
        raise ValidationFailed("An order needs at least one line", field="lines")
    if not cmd.customer.name.strip():
        raise ValidationFailed("The customer's name is required", field="customer.name")
    email = check_email(cmd.customer.email)
    shipping = check_address(cmd.shipping_address, field="shipping_address") if cmd.shipping_address else None
    billing = check_address(cmd.billing_address, field="billing_address") if cmd.billing_address else None
    country = (shipping or billing).country if (shipping or billing) else None
    phone = check_phone(cmd.customer.phone, country=country) if cmd.customer.phone else None
    return CheckedContact(email, cmd.customer.name.strip(), phone, shipping, billing or shipping)


def place_order(uow: UnitOfWork, cmd: PlaceOrder, *, actor: Actor) -> Order:
    """Take an order: check it, price it, give it a number, reserve its stock and tell the rest of the system.

    Refused whole (nothing written) when a SKU is unknown, the price the customer saw is stale, an address or
    contact is invalid, or stock is short for a product that cannot be backordered.
    """
    contact = check_contact(cmd)
    with uow:
        store = get_store(uow.session)
        quote = _quote(uow.session, store, cmd, contact)
        if contact.shipping is None and any(line.shippable for line in quote.lines):
            raise ShippingAddressRequired()
        order = _new_order(uow.session, store, cmd, contact, quote)
        if cmd.draft:
            history.record(uow.session, order, actor=actor, action="draft_created", to_status=order.status)
            uow.outbox.add(OrderDraftCreated(order_id=str(order.id), number=order.number,
                                             source_order_id=cmd.source_order_id))
        else:
            commit_placement(uow.session, order, quote, actor=actor)
            uow.outbox.add(placed_event(order))
        uow.commit()
    return order


def commit_placement(session: Session, order: Order, quote: Quote, *, actor: Actor,
                     from_status: str | None = None) -> None:
    """Reserve stock, count the discount use and write the history of a placement (a new order or a draft)."""
    reserve_lines(session, order, actor=actor, backorderable=backorderable_variants(quote))
    if quote.discount is not None and not count_discount_use(session, quote.discount):
        raise DiscountCodeUsedUp(f"Discount code '{quote.discount.code}' has been used up", field="discount_code")
    # A new order gets placed_at when it is created (no UPDATE after its INSERT); a draft gets it here.
    order.placed_at = order.placed_at or now()
    history.record(session, order, actor=actor, action="placed", from_status=from_status, to_status=order.status,
                   data={"channel": order.channel, "total": order.total, "backordered": order.backordered})


def backorderable_variants(quote: Quote) -> set[uuid.UUID]:
    return {line.variant_id for line in quote.lines if line.backorderable}


def reserve_lines(session: Session, order: Order, *, actor: Actor, backorderable: set[uuid.UUID],
                  lines: Sequence[OrderLine] | None = None) -> None:
    """Hold stock for shippable lines; refuse the order, or backorder the rest where the product allows it."""
    chosen = [line for line in (order.lines if lines is None else lines) if line.shippable]
    results = reservations.reserve(
        session, order_id=order.id, actor=actor.name,
        requests=[reservations.ReservationRequest(line.id, line.variant_id, line.quantity) for line in chosen])
    for line, result in zip(chosen, results):
        if result.shortfall and line.variant_id not in backorderable:
            raise InsufficientStock(
                f"SKU {line.sku}: {line.quantity} requested, {result.reserved} available at any location",
                field=f"lines[{line.position}].quantity",
                details={"sku": line.sku, "requested": line.quantity, "available": result.reserved})
        line.backordered_quantity = result.shortfall
    order.backordered = any(line.backordered_quantity for line in order.lines)


def _quote(session: Session, store: Store, cmd: PlaceOrder, contact: CheckedContact) -> Quote:
    tax_address = contact.shipping or contact.billing
    return build_quote(session, store=store, currency=cmd.currency, lines=cmd.lines,
                       ship_country=tax_address.country if tax_address else None,
                       ship_region=tax_address.region if tax_address else "",
                       shipping_method=cmd.shipping_method, discount_code=cmd.discount_code, at=now())


def _new_order(session: Session, store: Store, cmd: PlaceOrder, contact: CheckedContact, quote: Quote) -> Order:
    number = next_number(session, "order", start=store.order_number_start)
    order = Order(
        id=new_id(), number=f"{store.order_number_prefix}{number}", channel=cmd.channel,
        status=OrderStatus.DRAFT if cmd.draft else OrderStatus.PENDING,
        payment_status=PaymentStatus.UNPAID, fulfillment_status=FulfillmentStatus.UNFULFILLED,
        currency=cmd.currency, customer_email=contact.email, customer_name=contact.name,
        customer_phone=contact.phone, search_name=contact.name.lower()[:200],
        shipping_address=contact.shipping.as_dict() if contact.shipping else None,
        billing_address=contact.billing.as_dict() if contact.billing else None,
        notes=cmd.notes, source_order_id=_uuid_or_none(cmd.source_order_id), created_at=now(),
        placed_at=None if cmd.draft else now(),
    )
    apply_quote(order, quote, store=store)
    session.add(order)
    return order


def apply_quote(order: Order, quote: Quote, *, store: Store) -> None:
    """Write a quote's lines and totals onto the order (new lines; the caller removes old ones)."""
    order.lines = [
        _line(order, position, q) for position, q in enumerate(quote.lines)
    ]
    apply_totals(order, quote, store=store)


def apply_totals(order: Order, quote: Quote, *, store: Store) -> None:
    """Write a quote's shipping method, discount code and totals onto the order (its lines are the caller's)."""
    pricing = quote.pricing
    order.shipping_method = quote.shipping_method.code if quote.shipping_method else None
    order.shipping_method_name = quote.shipping_method.name if quote.shipping_method else None
    order.discount_code = quote.discount.code if quote.discount else None
    order.prices_include_tax = store.prices_include_tax
    order.items_total, order.discount_total = pricing.items, pricing.discount
    order.shipping_total, order.tax_total, order.total = pricing.shipping, pricing.tax, pricing.total
    order.weight_grams = pricing.weight_grams
    order.tax_breakdown = [{"rate_ppm": rate, "amount": amount} for rate, amount in pricing.tax_breakdown]


def _line(order: Order, position: int, q: QuotedLine) -> OrderLine:
    return fill_line(OrderLine(id=new_id(), order_id=order.id), position, q)


def fill_line(line: OrderLine, position: int, q: QuotedLine) -> OrderLine:
    """Write a quoted line onto an order line: a new one, or one an edit keeps (its id stays)."""
    line.position, line.variant_id, line.sku, line.name = position, q.variant_id, q.sku, q.name
    line.quantity, line.unit_price, line.subtotal = q.quantity, q.unit_price, q.pricing.subtotal
    line.discount, line.tax, line.total = q.pricing.discount, q.pricing.tax, q.pricing.total
    line.tax_rate_ppm, line.tax_class = q.tax_rate_ppm, q.tax_class
    line.shippable, line.unit_weight_grams = q.shippable, q.unit_weight_grams
    line.backordered_quantity = 0
    return line


def _uuid_or_none(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


def placed_event(order: Order) -> OrderPlaced:
    return OrderPlaced(order_id=str(order.id), number=order.number, channel=order.channel, currency=order.currency,
                       total=order.total, customer_email=order.customer_email, backordered=order.backordered)
