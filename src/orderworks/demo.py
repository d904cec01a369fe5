"""Demo data: a store that sells chairs and tables from two warehouses, with shipping, tax and a discount code,
a few orders, and an owner API key. Loaded by `orderworks demo` (and so by `make demo`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from orderworks.backoffice.models import StaffUser
from orderworks.backoffice.service import create_staff
from orderworks.catalog.models import Variant
from orderworks.catalog.service import ProductSpec, create_product, create_vendor
from orderworks.core.actor import Actor
from orderworks.core.apikeys import IssuedKey, create_api_key
from orderworks.core.uow import UnitOfWork
from orderworks.inventory.service import adjust_stock, create_location
from orderworks.orders import pricing_setup as setup
from orderworks.orders.addresses import Address
from orderworks.orders.quote import LineRequest
from orderworks.orders.service.lifecycle import hold_order
from orderworks.orders.service.placement import Customer, PlaceOrder, place_order

DEMO = Actor.system("demo")
PRODUCTS = [
    ("RED-CHAIR", "Red chair", "49.00", 4500, True, False, "standard"),
    ("OAK-TABLE", "Oak table", "329.00", 24000, True, False, "standard"),
    ("LAMP-01", "Reading lamp", "24.50", 1100, True, True, "standard"),
    ("CUSHION-BLUE", "Blue cushion", "12.00", 400, True, False, "reduced"),
    ("GIFT-CARD-25", "Gift card $25", "25.00", 0, False, False, "exempt"),
]
SHIP_TO = Address(name="Ada Lovelace", line1="1600 Amphitheatre Pkwy", city="Mountain View", region="CA",
                  postal_code="94043", country="US")


# The back office's demo login (printed by `orderworks demo`): an owner, so every screen and button shows.
DEMO_STAFF_EMAIL = "owner@demo.example"
DEMO_STAFF_PASSWORD = "demo-owner-2026"


def ensure_demo_staff(factory: sessionmaker[Session]) -> tuple[str, str]:
    """The demo owner login, created on first use."""
    with factory() as session:
        exists = session.execute(select(StaffUser.id).where(StaffUser.email == DEMO_STAFF_EMAIL)).first()
    if not exists:
        create_staff(UnitOfWork(factory), email=DEMO_STAFF_EMAIL, name="Demo Owner", password=DEMO_STAFF_PASSWORD,
                     role="owner")
    return DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD


def is_loaded(factory: sessionmaker[Session]) -> bool:
    with factory() as session:
        return session.execute(select(Variant.id).where(Variant.sku == "RED-CHAIR")).first() is not None


def load_demo(factory: sessionmaker[Session]) -> IssuedKey:
    """Load the demo catalog, stock, pricing and orders (once), and issue a fresh owner API key."""
    uow = lambda: UnitOfWork(factory)
    if not is_loaded(factory):
        _catalog(uow)
        _pricing(uow)
        _orders(uow)
    return create_api_key(uow(), name="demo owner", role="owner")


def _catalog(uow) -> None:  # type: ignore[no-untyped-def]
    create_vendor(uow(), code="ACME", name="Acme Furniture Supply", email="orders@acme.example")
    create_location(uow(), code="MAIN", name="Main warehouse", country="US", region="NV", priority=10)
    create_location(uow(), code="EAST", name="East warehouse", country="US", region="NJ", priority=20)
    create_location(uow(), code="SHOP", name="Downtown store", country="US", region="CA", kind="store", priority=50)
    for sku, name, price, grams, shippable, backorderable, tax_class in PRODUCTS:
        create_product(uow(), ProductSpec(sku=sku, name=name, price=price, currency="USD", weight_grams=grams,
                                          shippable=shippable, backorderable=backorderable, tax_class=tax_class,
                                          vendor="ACME" if sku == "OAK-TABLE" else None))
    for sku, location, qty in [("RED-CHAIR", "MAIN", 40), ("RED-CHAIR", "EAST", 10), ("OAK-TABLE", "MAIN", 5),
                               ("LAMP-01", "EAST", 3), ("CUSHION-BLUE", "MAIN", 100), ("CUSHION-BLUE", "SHOP", 12)]:
        adjust_stock(uow(), sku=sku, location=location, quantity=qty, reason="opening stock", actor=DEMO)


def _pricing(uow) -> None:  # type: ignore[no-untyped-def]
    setup.update_store(uow(), {"name": "Orderworks Demo Furniture", "email": "hello@demo.example",
                               "currencies": ["USD"], "default_currency": "USD", "country": "US"})
    setup.create_shipping_zone(uow(), code="US", name="United States", countries=["US"])
    setup.create_shipping_zone(uow(), code="WORLD", name="Rest of the world", countries=["*"])
    setup.create_shipping_method(uow(), zone="US", code="standard", name="Standard (3-5 days)", kind="weight",
                                 rates={"USD": [[2000, "5.95"], [10000, "12.95"], [50000, "39.00"]]},
                                 free_over={"USD": "150.00"})
    setup.create_shipping_method(uow(), zone="US", code="express", name="Express (1-2 days)", kind="flat",
                                 rates={"USD": "24.00"})
    setup.create_shipping_method(uow(), zone="WORLD", code="standard", name="International", kind="flat",
                                 rates={"USD": "45.00"})
    setup.set_tax_rate(uow(), country="US", region="CA", rate="7.25", name="CA sales tax")
    setup.set_tax_rate(uow(), country="US", region="CA", tax_class="reduced", rate="7.25", name="CA sales tax")
    setup.set_tax_rate(uow(), country="US", region="NY", rate="8.875", name="NY sales tax")
    setup.create_discount_code(uow(), code="WELCOME10", kind="percentage", percent="10")
    setup.create_discount_code(uow(), code="FIVEOFF", kind="fixed", amounts={"USD": "5.00"}, usage_limit=100)


def _orders(uow) -> None:  # type: ignore[no-untyped-def]
    customers = [Customer("ada@example.com", "Ada Lovelace", "+1 650 253 0000"),
                 Customer("grace@example.com", "Grace Hopper"), Customer("alan@example.com", "Alan Turing")]
    baskets = [[("RED-CHAIR", 2), ("CUSHION-BLUE", 2)], [("OAK-TABLE", 1)], [("LAMP-01", 1), ("GIFT-CARD-25", 1)]]
    for i, (customer, basket) in enumerate(zip(customers, baskets)):
        order = place_order(uow(), PlaceOrder(
            channel=["web", "phone", "marketplace"][i], currency="USD", customer=customer,
            lines=[LineRequest(sku, qty, field=f"lines[{n}]") for n, (sku, qty) in enumerate(basket)],
            shipping_address=SHIP_TO, shipping_method="standard", discount_code="WELCOME10" if i == 0 else None,
        ), actor=DEMO)
        if i == 2:
            hold_order(uow(), order.id, actor=DEMO, reason="address check with the customer")
