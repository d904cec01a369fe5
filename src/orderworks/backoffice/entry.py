"""Manual order entry (phone, email, in-store): the reads the entry screen needs (known customers, products with
live stock, a quote), and the form turned into the PlaceOrder command the API's placement takes. Placing and
paying are the orders' and payments' own use cases; nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, or_, select

from orderworks.catalog.models import Price, Product, Variant
from orderworks.core.clock import now
from orderworks.core.errors import ValidationFailed
from orderworks.core.store import get_store
from orderworks.core.uow import UnitOfWork
from orderworks.inventory.models import StockLevel
from orderworks.orders.addresses import Address, check_address
from orderworks.orders.models import Order, ShippingMethod
from orderworks.orders.quote import LineRequest, Quote, build_quote
from orderworks.orders.service.placement import Customer, PlaceOrder

CHANNELS = {"phone": "Phone", "email": "Email", "in_store": "In store"}
ADDRESS_FIELDS = ("name", "company", "line1", "line2", "city", "region", "postal_code", "country", "phone")
MAX_RESULTS = 8


@dataclass(frozen=True)
class KnownCustomer:
    email: str
    name: str
    phone: str | None
    address: dict[str, Any] | None  # the shipping address of their latest order


@dataclass(frozen=True)
class ProductHit:
    sku: str
    name: str
    price: int | None  # in the store's default currency; None: not priced in it
    currency: str
    available: int  # on hand less reserved, every active location
    backorderable: bool


def _like(term: str) -> str:
    return term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def find_customers(uow: UnitOfWork, q: str) -> list[KnownCustomer]:
    """Customers who ordered before, by name prefix or email prefix, newest order first; one entry per email."""
    term = q.strip()
    if len(term) < 2:
        return []
    stmt = (select(Order.customer_email, Order.customer_name, Order.customer_phone, Order.shipping_address)
            .where(or_(Order.search_name.like(_like(term), escape="\\"),
                       Order.customer_email.like(_like(term), escape="\\")))
            .order_by(Order.created_at.desc()).limit(MAX_RESULTS * 5))
    with uow:
        rows = uow.session.execute(stmt).all()
    seen: dict[str, KnownCustomer] = {}
    for email, name, phone, address in rows:
        if email not in seen:
            seen[email] = KnownCustomer(email, name, phone, address)
    return list(seen.values())[:MAX_RESULTS]


def find_products(uow: UnitOfWork, q: str) -> list[ProductHit]:
    """Active variants by exact SKU, SKU prefix or name prefix, with price and live stock (one query)."""
    term = q.strip()
    if not term:
        return []
    with uow:
        currency = get_store(uow.session).default_currency
        available = (select(func.coalesce(func.sum(StockLevel.on_hand - StockLevel.reserved), 0))
                     .where(StockLevel.variant_id == Variant.id).correlate(Variant).scalar_subquery())
        price = (select(Price.amount).where(Price.variant_id == Variant.id, Price.currency == currency)
                 .correlate(Variant).scalar_subquery())
        stmt = (select(Variant.sku, Variant.name, price, available, Product.backorderable)
                .join(Product, Product.id == Variant.product_id)
                .where(Variant.active, Product.active,
                       or_(Variant.sku == term.upper(), Variant.sku.like(_like(term).upper(), escape="\\"),
                           func.lower(Variant.name).like(_like(term), escape="\\")))
                .order_by(Variant.sku).limit(MAX_RESULTS))
        rows = uow.session.execute(stmt).all()
    return [ProductHit(sku, name, p, currency, int(a), b) for sku, name, p, a, b in rows]


def product_hit(uow: UnitOfWork, sku: str) -> ProductHit:
    hits = [h for h in find_products(uow, sku) if h.sku == sku]
    if not hits:
        raise ValidationFailed(f"No product for sale with SKU '{sku}'", field="sku")
    return hits[0]


def lines_from_form(skus: list[str], quantities: list[str]) -> list[LineRequest]:
    """The entry form's line rows; a quantity of 0 removes a row, the same SKU twice adds up."""
    totals: dict[str, int] = {}
    for i, (sku, qty) in enumerate(zip(skus, quantities)):
        text = (qty or "0").strip()
        if not text.isdigit() or int(text) > 100_000:
            raise ValidationFailed(f"The quantity of {sku} must be a whole number", field=f"lines[{i}].quantity")
        if int(text):
            totals[sku] = totals.get(sku, 0) + int(text)
    return [LineRequest(sku=sku, quantity=q, field=f"lines[{i}]") for i, (sku, q) in enumerate(totals.items())]


def address_from_form(form: dict[str, str], prefix: str = "ship_") -> Address | None:
    values = {k: (form.get(prefix + k) or "").strip() for k in ADDRESS_FIELDS}
    if not values["line1"] and not values["city"]:
        return None
    return Address(**values)


def command_from_form(form: dict[str, str], lines: list[LineRequest], *, currency: str) -> PlaceOrder:
    channel = form.get("channel") or "phone"
    if channel not in CHANNELS:
        raise ValidationFailed(f"A manual order comes by {', '.join(CHANNELS)}", field="channel")
    shipping = address_from_form(form)
    if shipping is not None and not shipping.name:
        shipping = replace(shipping, name=(form.get("customer_name") or "").strip())
    return PlaceOrder(
        channel=channel, currency=currency, lines=lines, shipping_address=shipping,
        customer=Customer(email=(form.get("customer_email") or "").strip(),
                          name=(form.get("customer_name") or "").strip(),
                          phone=(form.get("customer_phone") or "").strip() or None),
        shipping_method=(form.get("shipping_method") or "").strip() or None,
        discount_code=(form.get("discount_code") or "").strip() or None, notes=(form.get("notes") or "").strip())


def store_currency(uow: UnitOfWork) -> str:
    with uow:
        return get_store(uow.session).default_currency


def quote_entry(uow: UnitOfWork, cmd: PlaceOrder) -> Quote:
    """What the order would cost now: the same pricing placement runs (read only, nothing reserved)."""
    given = cmd.shipping_address
    if given is not None and not given.name:  # the customer's name may not be typed in yet
        given = replace(given, name="Customer")
    address = check_address(given, field="shipping_address") if given else None
    with uow:
        store = get_store(uow.session)
        return build_quote(uow.session, store=store, currency=cmd.currency, lines=cmd.lines,
                           ship_country=address.country if address else None,
                           ship_region=address.region if address else "",
                           shipping_method=cmd.shipping_method, discount_code=cmd.discount_code, at=now())


def shipping_methods(uow: UnitOfWork) -> list[tuple[str, str]]:
    """The active methods' codes and names (a code offered in several zones shows once)."""
    with uow:
        rows = uow.session.execute(select(ShippingMethod.code, ShippingMethod.name).where(ShippingMethod.active)
                                   .order_by(ShippingMethod.code)).all()
    return list(dict.fromkeys((c, n) for c, n in rows))
