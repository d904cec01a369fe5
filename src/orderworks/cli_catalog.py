"""`orderworks products|locations|stock|vendors|import ...`: the catalog and stock from the command line.

Thin: parse, call the service function the API calls, print. A refused change prints its code, message and field
and exits 1.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from orderworks.catalog import service as catalog
from orderworks.catalog.importing import Outcome
from orderworks.catalog.models import Product
from orderworks.cli_console import console, refusals, session_factory
from orderworks.core.actor import Actor, ActorKind
from orderworks.core.money import to_decimal_string
from orderworks.core.uow import UnitOfWork
from orderworks.inventory import service as inventory
from orderworks.inventory.importing import ImportReport, import_products

products_app = typer.Typer(help="List, show, create and change products.", no_args_is_help=True)
locations_app = typer.Typer(help="Warehouses and stores that hold stock.", no_args_is_help=True)
stock_app = typer.Typer(help="Stock per location: show, receive, adjust, count.", no_args_is_help=True)
vendors_app = typer.Typer(help="Suppliers who drop ship.", no_args_is_help=True)
import_app = typer.Typer(help="Import products and stock from CSV.", no_args_is_help=True)

Flag = bool | None  # a --yes/--no option that leaves the value as it is when not given


def register(app: typer.Typer) -> None:
    for sub, name in ((products_app, "products"), (locations_app, "locations"), (stock_app, "stock"),
                      (vendors_app, "vendors"), (import_app, "import")):
        app.add_typer(sub, name=name)


def _uow() -> UnitOfWork:
    return UnitOfWork(session_factory())


def _actor() -> Actor:
    return Actor(ActorKind.STAFF, name=f"{getpass.getuser()} (cli)")


def _yes(value: bool) -> str:
    return "yes" if value else "no"


# -- import ---------------------------------------------------------------------------------------------------


@import_app.command("products")
def import_products_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="A UTF-8 CSV file")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row, save nothing")] = False,
) -> None:
    """Products (and stock levels) from CSV, one transaction per row. Exits 1 if any row was refused."""
    factory = session_factory()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task(f"Importing {file.name}", total=None)
        with refusals():
            report = import_products(lambda: UnitOfWork(factory), file.read_bytes(), actor=_actor(),
                                     dry_run=dry_run, on_start=lambda n: progress.update(task, total=n),
                                     on_row=lambda _: progress.advance(task))
    _print_report(report)
    if report.refused:
        raise typer.Exit(1)


def _print_report(report: ImportReport) -> None:
    counts = "  ".join(f"{o.value}: {report.count(o)}" for o in Outcome)
    console.print(("[yellow]Dry run, nothing saved.[/yellow] " if report.dry_run else "") + f"{counts}")
    if report.refused:
        table = Table("Row", "SKU", "Code", "Field", "Message", title="Refused rows")
        for r in report.refused:
            table.add_row(str(r.row), r.sku, r.code or "", r.field or "", r.message or "")
        console.print(table)


# -- products -------------------------------------------------------------------------------------------------


@products_app.command("list")
def products_list(
    limit: Annotated[int, typer.Option(min=1, max=200)] = 50,
    active: Annotated[Flag, typer.Option("--active/--inactive", help="Only active (or inactive) ones")] = None,
) -> None:
    """Products with their variants, prices and flags, oldest first."""
    with refusals():
        page = catalog.list_products(_uow(), limit=limit, active=active)
    table = Table("SKU", "Name", "Prices", "Weight g", "Shippable", "Backorder", "Tax", "Vendor", "Active")
    for product in page.items:
        for v in product.variants:
            table.add_row(v.sku, v.name, _prices(v.prices), str(v.weight_grams), _yes(product.shippable),
                          _yes(product.backorderable), product.tax_class, _vendor(product), _yes(v.active))
    console.print(table)
    if page.next_cursor:
        console.print(f"(first {limit} products; use --limit for more)")


def _prices(prices: list) -> str:  # type: ignore[type-arg]
    return ", ".join(f"{to_decimal_string(p.amount, p.currency)} {p.currency}"
                     for p in sorted(prices, key=lambda p: p.currency))


def _vendor(product: Product) -> str:
    return product.default_vendor.code if product.default_vendor else ""


@products_app.command("show")
def products_show(sku: str) -> None:
    """A product with its variants, prices and stock per location."""
    with refusals():
        product = catalog.get_product(_uow(), sku)
        stock = inventory.stock_for_sku(_uow(), sku)
    console.print(f"[bold]{product.name}[/bold]  tax: {product.tax_class}  shippable: {_yes(product.shippable)}  "
                  f"backorderable: {_yes(product.backorderable)}  active: {_yes(product.active)}  "
                  f"vendor: {_vendor(product) or '-'}")
    if product.description:
        console.print(product.description)
    variants = Table("SKU", "Name", "Prices", "Weight g", "Active")
    for v in product.variants:
        variants.add_row(v.sku, v.name, _prices(v.prices), str(v.weight_grams), _yes(v.active))
    console.print(variants)
    _print_stock(sku, stock)


@products_app.command("create")
def products_create(
    sku: str, name: str,
    price: Annotated[str, typer.Argument(help="A decimal amount, e.g. 19.99")],
    currency: Annotated[str, typer.Option(help="ISO 4217 code of the price")] = "USD",
    weight_grams: Annotated[int, typer.Option("--weight", help="Shipping weight in grams")] = 0,
    shippable: Annotated[bool, typer.Option("--shippable/--digital")] = True,
    backorderable: Annotated[bool, typer.Option("--backorderable/--no-backorderable")] = False,
    tax_class: Annotated[str, typer.Option(help="standard, reduced, zero or exempt")] = "standard",
    vendor: Annotated[str | None, typer.Option(help="Default vendor code (drop shipping)")] = None,
    description: str = "",
) -> None:
    """List a new product with its first variant and price."""
    spec = catalog.ProductSpec(sku=sku, name=name, price=price, currency=currency, weight_grams=weight_grams,
                               shippable=shippable, backorderable=backorderable, tax_class=tax_class,
                               vendor=vendor, description=description)
    with refusals():
        product = catalog.create_product(_uow(), spec)
    console.print(f"Created {sku}: {product.name}, {price} {currency}")


@products_app.command("update")
def products_update(
    sku: str,
    name: str | None = None,
    price: Annotated[str | None, typer.Option(help="New price in --currency")] = None,
    currency: str = "USD",
    weight_grams: Annotated[int | None, typer.Option("--weight")] = None,
    shippable: Annotated[Flag, typer.Option("--shippable/--digital")] = None,
    backorderable: Annotated[Flag, typer.Option("--backorderable/--no-backorderable")] = None,
    active: Annotated[Flag, typer.Option("--active/--inactive")] = None,
    tax_class: str | None = None,
    vendor: Annotated[str | None, typer.Option(help="Default vendor code; '' clears it")] = None,
    description: str | None = None,
) -> None:
    """Change what is given; everything else stays as it is."""
    changes: dict[str, object] = {"name": name, "weight_grams": weight_grams, "shippable": shippable,
                                  "backorderable": backorderable, "active": active, "tax_class": tax_class,
                                  "description": description}
    if price is not None:
        changes.update(price=price, currency=currency)
    if vendor is not None:
        changes["vendor"] = vendor
    with refusals():
        catalog.update_product(_uow(), sku, {k: v for k, v in changes.items() if v is not None})
    console.print(f"Updated {sku}")


# -- stock ----------------------------------------------------------------------------------------------------


def _print_stock(sku: str, rows: list[inventory.LocationStock]) -> None:
    table = Table("Location", "Name", "On hand", "Reserved", "Available", "Bin", title=f"Stock of {sku}")
    for r in rows:
        table.add_row(r.location, r.location_name, str(r.on_hand), str(r.reserved), str(r.available), r.bin or "")
    table.add_row("all", "", str(sum(r.on_hand for r in rows)), str(sum(r.reserved for r in rows)),
                  str(sum(r.available for r in rows)), "", style="bold")
    console.print(table)


@stock_app.command("show")
def stock_show(sku: str) -> None:
    """On hand, reserved and available per location."""
    with refusals():
        rows = inventory.stock_for_sku(_uow(), sku)
    _print_stock(sku, rows)


def _print_change(change: inventory.StockChange) -> None:
    console.print(f"{change.sku} at {change.location}: on hand {change.on_hand}, reserved {change.reserved}, "
                  f"available {change.available}")


@stock_app.command("receive")
def stock_receive(sku: str, location: str, quantity: Annotated[int, typer.Argument(min=1)],
                  reason: Annotated[str, typer.Option(help="e.g. the delivery note")],
                  bin: Annotated[str | None, typer.Option(help="Where it sits in the location")] = None) -> None:
    """Book a delivery: on hand goes up by QUANTITY."""
    with refusals():
        _print_change(inventory.adjust_stock(_uow(), sku=sku, location=location, quantity=quantity, reason=reason,
                                             actor=_actor(), bin=bin))


@stock_app.command("adjust", context_settings={"ignore_unknown_options": True})
def stock_adjust(sku: str, location: str,
                 quantity: Annotated[int, typer.Argument(help="Signed: -2 writes two off, 3 adds three")],
                 reason: Annotated[str, typer.Option(help="Why: damaged, found, ...")]) -> None:
    """Add (positive) or write off (negative) stock, with the reason in the ledger."""
    with refusals():
        _print_change(inventory.adjust_stock(_uow(), sku=sku, location=location, quantity=quantity, reason=reason,
                                             actor=_actor()))


@stock_app.command("count")
def stock_count(sku: str, location: str, counted: Annotated[int, typer.Argument(min=0)],
                reason: str = "stock count", bin: str | None = None) -> None:
    """Record what is on the shelf; the ledger gets the difference."""
    with refusals():
        _print_change(inventory.count_stock(_uow(), sku=sku, location=location, counted=counted, reason=reason,
                                            actor=_actor(), bin=bin))


# -- locations ------------------------------------------------------------------------------------------------


@locations_app.command("list")
def locations_list() -> None:
    """Locations in shipping order (lower priority ships first)."""
    table = Table("Code", "Name", "Kind", "Country", "Region", "Priority", "Active")
    for loc in inventory.list_locations(_uow()):
        table.add_row(loc.code, loc.name, loc.kind, loc.country, loc.region or "", str(loc.priority),
                      _yes(loc.active))
    console.print(table)


@locations_app.command("create")
def locations_create(code: str, name: str,
                     country: Annotated[str, typer.Option(help="ISO 3166 code, e.g. US")],
                     kind: Annotated[str, typer.Option(help="warehouse or store")] = "warehouse",
                     region: str | None = None, priority: int = 100) -> None:
    """Open a warehouse or store that holds stock."""
    with refusals():
        inventory.create_location(_uow(), code=code, name=name, country=country, kind=kind, region=region,
                                  priority=priority)
    console.print(f"Created location {code}")


@locations_app.command("update")
def locations_update(code: str, name: str | None = None, country: str | None = None, region: str | None = None,
                     priority: int | None = None,
                     active: Annotated[Flag, typer.Option("--active/--inactive")] = None) -> None:
    """Rename, move, reprioritise or close a location."""
    changes: dict[str, object] = {"name": name, "country": country, "region": region, "priority": priority,
                                  "active": active}
    with refusals():
        inventory.update_location(_uow(), code, changes)
    console.print(f"Updated location {code}")


# -- vendors --------------------------------------------------------------------------------------------------


@vendors_app.command("list")
def vendors_list() -> None:
    """Vendors by code."""
    table = Table("Code", "Name", "Email", "Phone", "Transmission", "Active")
    for v in catalog.list_vendors(_uow()):
        table.add_row(v.code, v.name, v.email or "", v.phone or "", v.transmission, _yes(v.active))
    console.print(table)


@vendors_app.command("create")
def vendors_create(code: str, name: str, email: str | None = None, phone: str | None = None,
                   transmission: Annotated[str, typer.Option(help="email or edi")] = "email") -> None:
    """Register a supplier that can drop ship."""
    with refusals():
        catalog.create_vendor(_uow(), code=code, name=name, email=email, phone=phone, transmission=transmission)
    console.print(f"Created vendor {code}")


@vendors_app.command("update")
def vendors_update(code: str, name: str | None = None, email: str | None = None, phone: str | None = None,
                   transmission: str | None = None,
                   active: Annotated[Flag, typer.Option("--active/--inactive")] = None) -> None:
    """Change a vendor's name, contacts, transmission or active flag."""
    changes: dict[str, object] = {"name": name, "email": email, "phone": phone, "transmission": transmission,
                                  "active": active}
    with refusals():
        catalog.update_vendor(_uow(), code, changes)
    console.print(f"Updated vendor {code}")
