"""Catalog use cases: create and change products, variants, prices and vendors."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from orderworks.catalog.events import ProductCreated, ProductUpdated, VendorSaved
from orderworks.catalog.models import Price, Product, Variant, Vendor
from orderworks.core.errors import AlreadyExists, NotFound, ValidationFailed
from orderworks.core.money import check_currency, parse_amount
from orderworks.core.pagination import Page, check_limit, decode_cursor, encode_cursor
from orderworks.core.uow import UnitOfWork

TAX_CLASSES = ("standard", "reduced", "zero", "exempt")
# The columns' limits, checked here so that the CLI and the import refuse what PostgreSQL would (SQLite would not).
MAX_SKU_LENGTH, MAX_NAME_LENGTH, MAX_WEIGHT_GRAMS = 64, 300, 10_000_000


@dataclass
class ProductSpec:
    """What it takes to list a product: one variant, with its SKU and one price (more can be added)."""

    sku: str
    name: str
    price: str
    currency: str
    weight_grams: int = 0
    shippable: bool = True
    backorderable: bool = False
    tax_class: str = "standard"
    description: str = ""
    vendor: str | None = None  # vendor code
    active: bool = True
    extra_prices: dict[str, str] = field(default_factory=dict)


def _check_spec(spec: ProductSpec) -> None:
    if not spec.sku.strip():
        raise ValidationFailed("SKU is required", field="sku")
    if len(spec.sku) > MAX_SKU_LENGTH:
        raise ValidationFailed(f"A SKU has {MAX_SKU_LENGTH} characters at most", field="sku")
    if not spec.name.strip():
        raise ValidationFailed("Name is required", field="name")
    _check_name(spec.name)
    if spec.tax_class not in TAX_CLASSES:
        raise ValidationFailed(f"tax_class must be one of {', '.join(TAX_CLASSES)}", field="tax_class")
    _check_weight(spec.weight_grams)


def _check_name(name: str) -> None:
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationFailed(f"A name has {MAX_NAME_LENGTH} characters at most", field="name")


def _check_weight(weight: int) -> None:
    if weight < 0:
        raise ValidationFailed("weight_grams cannot be negative", field="weight_grams")
    if weight > MAX_WEIGHT_GRAMS:
        raise ValidationFailed(f"weight_grams is {MAX_WEIGHT_GRAMS:,} (10 tonnes) at most", field="weight_grams")


def _vendor_by_code(uow: UnitOfWork, code: str, *, field_name: str = "vendor") -> Vendor:
    vendor = uow.session.execute(select(Vendor).where(Vendor.code == code)).scalar_one_or_none()
    if vendor is None:
        raise NotFound(f"No vendor with code '{code}'", field=field_name)
    return vendor


def _prices(spec: ProductSpec) -> dict[str, int]:
    prices = {check_currency(spec.currency): parse_amount(spec.price, spec.currency, field="price")}
    for currency, amount in spec.extra_prices.items():
        prices[check_currency(currency, field=f"prices.{currency}")] = parse_amount(amount, currency,
                                                                                       field=f"prices.{currency}")
    return prices


def create_product(uow: UnitOfWork, spec: ProductSpec) -> Product:
    """List a new product for sale with its first variant and price."""
    _check_spec(spec)
    prices = _prices(spec)
    with uow:
        if uow.session.execute(select(Variant.id).where(Variant.sku == spec.sku)).first():
            raise AlreadyExists(f"SKU '{spec.sku}' already exists", field="sku")
        vendor = _vendor_by_code(uow, spec.vendor) if spec.vendor else None
        # Built whole (variants, prices, vendor set), so it is returned as it stands, without reading it back.
        product = Product(name=spec.name, description=spec.description, tax_class=spec.tax_class,
                          shippable=spec.shippable, backorderable=spec.backorderable, active=spec.active,
                          default_vendor=vendor, variants=[])
        variant = Variant(product=product, sku=spec.sku, name=spec.name, weight_grams=spec.weight_grams,
                          active=spec.active, prices=[Price(currency=c, amount=a) for c, a in prices.items()])
        uow.session.add_all([product, variant])
        uow.session.flush()
        uow.outbox.add(ProductCreated(aggregate_id=str(product.id), sku=spec.sku, name=spec.name))
        uow.commit()
    return product


def update_product(uow: UnitOfWork, sku: str, changes: dict[str, object]) -> Product:
    """Change a product's name, price, weight, flags, tax class or default vendor, found by one of its SKUs."""
    with uow:
        variant = _variant_for_update(uow, sku)
        product = uow.session.get_one(Product, variant.product_id)
        for name in ("name", "description", "shippable", "backorderable", "active"):
            if changes.get(name) is not None:
                setattr(product, name, changes[name])
        if changes.get("name") is not None:
            _check_name(str(changes["name"]))
            variant.name = str(changes["name"])
        if changes.get("active") is not None:
            variant.active = bool(changes["active"])
        if changes.get("tax_class") is not None:
            if changes["tax_class"] not in TAX_CLASSES:
                raise ValidationFailed(f"tax_class must be one of {', '.join(TAX_CLASSES)}", field="tax_class")
            product.tax_class = str(changes["tax_class"])
        if changes.get("weight_grams") is not None:
            weight = int(changes["weight_grams"])  # type: ignore[call-overload]
            _check_weight(weight)
            variant.weight_grams = weight
        if "vendor" in changes:
            code = changes["vendor"]
            product.default_vendor_id = _vendor_by_code(uow, str(code)).id if code else None
        if changes.get("price") is not None:
            currency = check_currency(str(changes.get("currency") or ""), field="currency")
            _set_price(uow, variant, currency, parse_amount(str(changes["price"]), currency, field="price"))
        changed = sorted(k for k, v in changes.items() if v is not None or k == "vendor")
        if changed:
            uow.outbox.add(ProductUpdated(aggregate_id=str(product.id), sku=sku, changes=changed))
        uow.commit()
    return get_product(uow, sku)


def _variant_for_update(uow: UnitOfWork, sku: str) -> Variant:
    variant = uow.session.execute(select(Variant).where(Variant.sku == sku).with_for_update()).scalar_one_or_none()
    if variant is None:
        raise NotFound(f"No product with SKU '{sku}'", field="sku")
    return variant


def _set_price(uow: UnitOfWork, variant: Variant, currency: str, amount: int) -> None:
    price = uow.session.get(Price, (variant.id, currency))
    if price is None:
        uow.session.add(Price(variant_id=variant.id, currency=currency, amount=amount))
    else:
        price.amount = amount


def add_variant(uow: UnitOfWork, product_sku: str, *, sku: str, name: str, price: str, currency: str,
                weight_grams: int = 0) -> Product:
    """Add a variant (a size, a colour) with its own SKU and price to an existing product."""
    check_currency(currency)
    amount = parse_amount(price, currency, field="price")
    with uow:
        base = _variant_for_update(uow, product_sku)
        if uow.session.execute(select(Variant.id).where(Variant.sku == sku)).first():
            raise AlreadyExists(f"SKU '{sku}' already exists", field="sku")
        uow.session.add(Variant(product_id=base.product_id, sku=sku, name=name, weight_grams=weight_grams,
                                prices=[Price(currency=currency, amount=amount)]))
        uow.outbox.add(ProductUpdated(aggregate_id=str(base.product_id), sku=product_sku, changes=[f"variant:{sku}"]))
        uow.commit()
    return get_product(uow, sku)


def _product_query():  # type: ignore[no-untyped-def]
    return select(Product).options(
        selectinload(Product.variants).selectinload(Variant.prices),
        selectinload(Product.default_vendor),
    )


def get_product(uow: UnitOfWork, sku: str) -> Product:
    with uow:
        product_id = uow.session.execute(select(Variant.product_id).where(Variant.sku == sku)).scalar_one_or_none()
        if product_id is None:
            raise NotFound(f"No product with SKU '{sku}'", field="sku")
        return uow.session.execute(_product_query().where(Product.id == product_id)).scalar_one()


def list_products(uow: UnitOfWork, *, cursor: str | None = None, limit: int = 50,
                  active: bool | None = None) -> Page[Product]:
    """Products by creation, newest last, a page at a time."""
    check_limit(limit)
    stmt = _product_query().order_by(Product.id).limit(limit + 1)
    if cursor:
        (last_id,) = decode_cursor(cursor, 1)
        try:
            stmt = stmt.where(Product.id > uuid.UUID(last_id))
        except ValueError as exc:
            raise ValidationFailed("The cursor is not one this server gave out", field="cursor") from exc
    if active is not None:
        stmt = stmt.where(Product.active == active)
    with uow:
        rows = list(uow.session.execute(stmt).scalars())
    more = len(rows) > limit
    items = rows[:limit]
    return Page(items, encode_cursor(items[-1].id) if more else None)


def create_vendor(uow: UnitOfWork, *, code: str, name: str, email: str | None = None, phone: str | None = None,
                  transmission: str = "email") -> Vendor:
    """Register a supplier that can drop ship products for the store."""
    if not code.strip():
        raise ValidationFailed("Vendor code is required", field="code")
    if transmission not in ("email", "edi"):
        raise ValidationFailed("transmission must be 'email' or 'edi'", field="transmission")
    with uow:
        if uow.session.execute(select(Vendor.id).where(Vendor.code == code)).first():
            raise AlreadyExists(f"Vendor '{code}' already exists", field="code")
        vendor = Vendor(code=code, name=name, email=email, phone=phone, transmission=transmission)
        uow.session.add(vendor)
        uow.session.flush()
        uow.outbox.add(VendorSaved(aggregate_id=str(vendor.id), code=code, created=True))
        uow.commit()
    return vendor


def update_vendor(uow: UnitOfWork, code: str, changes: dict[str, object]) -> Vendor:
    """Change a vendor's name, contact details, transmission or active flag."""
    with uow:
        vendor = _vendor_by_code(uow, code, field_name="code")
        for name in ("name", "email", "phone", "active"):
            if changes.get(name) is not None:
                setattr(vendor, name, changes[name])
        if changes.get("transmission") is not None:
            if changes["transmission"] not in ("email", "edi"):
                raise ValidationFailed("transmission must be 'email' or 'edi'", field="transmission")
            vendor.transmission = str(changes["transmission"])
        uow.outbox.add(VendorSaved(aggregate_id=str(vendor.id), code=code, created=False))
        uow.commit()
    return vendor


def list_vendors(uow: UnitOfWork) -> list[Vendor]:
    with uow:
        return list(uow.session.execute(select(Vendor).order_by(Vendor.code)).scalars())
