"""The `orderworks` command: serve, migrate, demo, API keys, orders, imports."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from orderworks.cli_invoicing import invoices_app
from orderworks.core.db import make_engine, make_session_factory
from orderworks.core.errors import DomainError
from orderworks.core.money import format_money
from orderworks.core.settings import get_settings
from orderworks.core.uow import UnitOfWork

app = typer.Typer(help="orderworks: order management for online and offline sellers.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
apikey_app = typer.Typer(help="API keys for integrations and scripts.", no_args_is_help=True)
orders_app = typer.Typer(help="Look at orders.", no_args_is_help=True)
import_app = typer.Typer(help="Import products and stock from CSV.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(apikey_app, name="apikey")
app.add_typer(orders_app, name="orders")
app.add_typer(import_app, name="import")
app.add_typer(invoices_app, name="invoices")
console = Console()


def _factory():  # type: ignore[no-untyped-def]
    return make_session_factory(make_engine(get_settings().database_url))


def _fail(exc: DomainError) -> None:
    console.print(f"[red]{exc.code}[/red]: {exc.message}" + (f" ({exc.field})" if exc.field else ""))
    raise typer.Exit(1)


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Migrate the database named by ORDERWORKS_DATABASE_URL to the latest schema."""
    from orderworks.core.migrate import upgrade

    url = get_settings().database_url
    make_engine(url).dispose()  # creates the SQLite file's folder
    upgrade(url, revision)
    console.print(f"Database at {url.split('@')[-1]} is up to date.")


@apikey_app.command("create")
def apikey_create(role: Annotated[str, typer.Option(help="owner, customer_service, fulfillment, finance, integration")] = "owner",
                  name: Annotated[str, typer.Option(help="Who or what uses it")] = "cli") -> None:
    """Create an API key; the key is printed once, on the last line."""
    from orderworks.core.apikeys import create_api_key

    try:
        issued = create_api_key(UnitOfWork(_factory()), name=name, role=role)
    except DomainError as exc:
        _fail(exc)
        return
    console.print(f"API key '{issued.name}' with role {issued.role} created. Keep it secret:")
    print(issued.key)


@app.command()
def demo(host: str = "127.0.0.1", port: int = 8000, serve: Annotated[bool, typer.Option(help="Start the server")] = True) -> None:
    """Migrate, load demo data (once), print an API key and serve the API."""
    from orderworks.core.migrate import upgrade
    from orderworks.demo import load_demo

    url = get_settings().database_url
    make_engine(url).dispose()
    upgrade(url)
    issued = load_demo(_factory())
    console.print("[bold]Demo data loaded.[/bold] Try:")
    # Plain print: rich would wrap the long key across lines and break copy and paste.
    print(f"  curl -H 'Authorization: Bearer {issued.key}' http://{host}:{port}/api/v1/orders", flush=True)
    console.print("  orderworks orders list")
    console.print(f"API docs: http://{host}:{port}/docs")
    console.print("Owner API key:")
    print(issued.key, flush=True)
    if serve:
        _serve(host, port)


@app.command("serve")
def serve_command(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Serve the API (and, when they land, the worker and the back office)."""
    _serve(host, port, workers)


def _serve(host: str, port: int, workers: int = 1) -> None:
    import uvicorn

    uvicorn.run("orderworks.api.asgi:app", host=host, port=port, workers=workers, log_level="info")


@orders_app.command("list")
def orders_list(status: str | None = None, q: str | None = None, limit: int = 20) -> None:
    """The newest orders, optionally filtered by status or searched by number, email or name."""
    from orderworks.orders.service.queries import OrderFilter, list_orders

    try:
        page = list_orders(UnitOfWork(_factory()), OrderFilter(status=status, q=q), limit=limit)
    except DomainError as exc:
        _fail(exc)
        return
    table = Table("Number", "Placed", "Customer", "Channel", "Total", "Status", "Payment", "Fulfilment")
    for o in page.items:
        table.add_row(o.number, o.created_at.strftime("%Y-%m-%d %H:%M"), o.customer_name, o.channel,
                      format_money(o.total, o.currency), o.status, o.payment_status, o.fulfillment_status)
    console.print(table)


@orders_app.command("show")
def orders_show(number: str) -> None:
    """An order with its lines, totals, statuses and history."""
    from orderworks.orders.service.queries import get_order_by_number

    try:
        view = get_order_by_number(UnitOfWork(_factory()), number)
    except DomainError as exc:
        _fail(exc)
        return
    o = view.order
    money = lambda v: format_money(v, o.currency)  # noqa: E731
    console.print(f"[bold]Order {o.number}[/bold]  {o.channel}  placed {o.created_at:%Y-%m-%d %H:%M} UTC  "
                  f"version {o.version}")
    console.print(f"Status: {o.status}   Payment: {o.payment_status}   Fulfilment: {o.fulfillment_status}"
                  + ("   [yellow]backordered[/yellow]" if o.backordered else ""))
    console.print(f"Customer: {o.customer_name} <{o.customer_email}> {o.customer_phone or ''}")
    if o.shipping_address:
        a = o.shipping_address
        console.print(f"Ship to: {a['name']}, {a['line1']}, {a['city']} {a['region']} {a['postal_code']} "
                      f"{a['country']}  via {o.shipping_method_name}")
    lines = Table("SKU", "Item", "Qty", "Unit", "Discount", "Tax", "Total", "Backordered")
    for line in o.lines:
        lines.add_row(line.sku, line.name, str(line.quantity), money(line.unit_price), money(line.discount),
                      money(line.tax), money(line.total), str(line.backordered_quantity or ""))
    console.print(lines)
    for label, value in (("Items", o.items_total), ("Discount", -o.discount_total), ("Shipping", o.shipping_total),
                         ("Tax", o.tax_total), ("Total", o.total)):
        console.print(f"{label:>10}: {money(value)}")
    history = Table("When", "What", "From", "To", "Who", "Note")
    for h in view.history:
        history.add_row(h.created_at.strftime("%Y-%m-%d %H:%M:%S"), h.action, h.from_status or "",
                        h.to_status or "", f"{h.actor_name} ({h.actor_kind})", h.note)
    console.print(history)


def main() -> None:  # pragma: no cover
    app()




if __name__ == "__main__":  # python -m orderworks.cli
    main()
