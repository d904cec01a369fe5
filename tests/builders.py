"""Small builders for test data, through the real use cases."""

from __future__ import annotations

from collections.abc import Callable

from orderworks.catalog.service import ProductSpec, create_product
from orderworks.core.actor import Actor, ActorKind
from orderworks.core.uow import UnitOfWork
from orderworks.inventory.service import adjust_stock, create_location
from orderworks.orders import pricing_setup as setup
from orderworks.orders.addresses import Address
from orderworks.orders.quote import LineRequest
from orderworks.orders.service.placement import Customer, PlaceOrder

STAFF = Actor(ActorKind.STAFF, name="Sam Staff", id="staff-1", role="owner")
ADDRESS = Address(name="Ada Lovelace", line1="1600 Amphitheatre Pkwy", city="Mountain View", region="CA",
                  postal_code="94043", country="US")
NewUow = Callable[[], UnitOfWork]


def basic_store(new_uow: NewUow, *, stock: int = 10, backorderable: bool = False) -> None:
    """USD store; warehouse MAIN; RED-CHAIR at 49.00 (5 kg) with `stock` units; flat $5 US shipping; CA 7.25%."""
    setup.update_store(new_uow(), {"currencies": ["USD", "EUR"], "default_currency": "USD"})
    create_location(new_uow(), code="MAIN", name="Main warehouse", country="US", priority=10)
    create_product(new_uow(), ProductSpec(sku="RED-CHAIR", name="Red chair", price="49.00", currency="USD",
                                          weight_grams=5000, backorderable=backorderable))
    if stock:
        adjust_stock(new_uow(), sku="RED-CHAIR", location="MAIN", quantity=stock, reason="receipt", actor=STAFF)
    setup.create_shipping_zone(new_uow(), code="US", name="United States", countries=["US"])
    setup.create_shipping_method(new_uow(), zone="US", code="standard", name="Standard", kind="flat",
                                 rates={"USD": "5.00"})
    setup.set_tax_rate(new_uow(), country="US", region="CA", rate="7.25", name="CA sales tax")


def order_cmd(*lines: tuple[str, int], discount_code: str | None = None, email: str = "ada@example.com",
              **overrides: object) -> PlaceOrder:
    fields: dict[str, object] = dict(
        channel="web", currency="USD", customer=Customer(email=email, name="Ada Lovelace"),
        lines=[LineRequest(sku=s, quantity=q, field=f"lines[{i}]") for i, (s, q) in enumerate(lines or [("RED-CHAIR", 1)])],
        shipping_address=ADDRESS, shipping_method="standard", discount_code=discount_code,
    )
    fields.update(overrides)
    return PlaceOrder(**fields)  # type: ignore[arg-type]


ORDER_JSON = {
    "channel": "web", "currency": "USD",
    "customer": {"email": "ada@example.com", "name": "Ada Lovelace", "phone": "+1 650 253 0000"},
    "shipping_address": {"name": "Ada Lovelace", "line1": "1600 Amphitheatre Pkwy", "city": "Mountain View",
                         "region": "CA", "postal_code": "94043", "country": "US"},
    "lines": [{"sku": "RED-CHAIR", "quantity": 2, "unit_price": "49.00"}],
    "shipping_method": "standard",
}


NY_ADDRESS = Address(name="Ada Lovelace", line1="350 Fifth Avenue", city="New York", region="NY",
                     postal_code="10118", country="US")


def two_location_store(new_uow: NewUow, *, lamp_backorderable: bool = False) -> None:
    """basic_store, plus: RED-CHAIR 5 more at EAST (ships after MAIN); BLUE-LAMP at 20.00 (1 kg), 5 at MAIN and
    3 at EAST; an express method at 15.00; NY tax 8.875%; codes SAVE10 (10% off) and FIVEOFF (5.00 off)."""
    basic_store(new_uow)
    create_location(new_uow(), code="EAST", name="East warehouse", country="US", priority=20)
    create_product(new_uow(), ProductSpec(sku="BLUE-LAMP", name="Blue lamp", price="20.00", currency="USD",
                                          weight_grams=1000, backorderable=lamp_backorderable))
    for sku, location, quantity in (("RED-CHAIR", "EAST", 5), ("BLUE-LAMP", "MAIN", 5), ("BLUE-LAMP", "EAST", 3)):
        adjust_stock(new_uow(), sku=sku, location=location, quantity=quantity, reason="receipt", actor=STAFF)
    setup.create_shipping_method(new_uow(), zone="US", code="express", name="Express", kind="flat",
                                 rates={"USD": "15.00"})
    setup.set_tax_rate(new_uow(), country="US", region="NY", rate="8.875", name="NY sales tax")
    setup.create_discount_code(new_uow(), code="SAVE10", kind="percentage", percent="10")
    setup.create_discount_code(new_uow(), code="FIVEOFF", kind="fixed", amounts={"USD": "5.00"})
