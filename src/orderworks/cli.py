"""The `orderworks` command: serve, migrate, demo, API keys, orders; the catalog commands are in cli_catalog."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from orderworks.cli_catalog import register as register_catalog_commands
from orderworks.cli_console import console
from orderworks.cli_console import fail as _fail
from orderworks.cli_console import session_factory as _factory
from orderworks.cli_events import events_app, worker
from orderworks.cli_fulfillment import register as register_fulfillment_commands
from orderworks.cli_invoicing import invoices_app
from orderworks.cli_payments import app as payments_app
from orderworks.cli_staff import staff_app
from orderworks.core.actor import Actor
from orderworks.core.db import make_engine
from orderworks.core.errors import DomainError
from orderworks.core.money import format_money
from orderworks.core.settings import get_settings
from orderworks.core.uow import UnitOfWork

if TYPE_CHECKING:
    from orderworks.orders.models import Order

app = typer.Typer(help="orderworks: order management for online and offline sellers.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
apikey_app = typer.Typer(help="API keys for integrations and scripts.", no_args_is_help=True)
orders_app = typer.Typer(help="Look at orders, cancel, hold, release and reorder them.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(apikey_app, name="apikey")
app.add_typer(orders_app, name="orders")
app.add_typer(events_app, name="events")
app.add_typer(invoices_app, name="invoices")
app.add_typer(payments_app, name="payments")
app.add_typer(staff_app, name="staff")
app.command("worker")(worker)
register_catalog_commands(app)  # products, locations, stock, vendors, import
register_fulfillment_commands(app)  # ship --csv, shipments, pick-list, manifest


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
    from orderworks.demo import ensure_demo_staff, load_demo

    url = get_settings().database_url
    make_engine(url).dispose()
    upgrade(url)
    issued = load_demo(_factory())
    staff_email, staff_password = ensure_demo_staff(_factory())
    console.print("[bold]Demo data loaded.[/bold] Try:")
    # Plain print: rich would wrap the long key across lines and break copy and paste.
    print(f"  curl -H 'Authorization: Bearer {issued.key}' http://{host}:{port}/api/v1/orders", flush=True)
    console.print("  orderworks orders list")
    console.print(f"API docs: http://{host}:{port}/docs")
    print(f"Back office: http://{host}:{port}/admin/  sign in as {staff_email} / {staff_password}", flush=True)
    console.print("Owner API key:")
    print(issued.key, flush=True)
    if serve:
        _serve(host, port)


@app.command("serve")
def serve_command(host: str = "127.0.0.1", port: int = 8000, workers: int = 1,
                  worker: Annotated[bool, typer.Option(help="Run the outbox worker in this process (embedded); "
                                                        "default: yes unless ORDERWORKS_REDIS_URL is set")] = True) -> None:
    """Serve the API with the embedded worker (and, when it lands, the back office)."""
    _serve(host, port, workers, with_worker=worker and not get_settings().redis_url)


def _serve(host: str, port: int, workers: int = 1, *, with_worker: bool = True) -> None:
    import uvicorn

    from orderworks.worker import start_embedded_worker

    stop = start_embedded_worker(_factory()) if with_worker else None
    try:
        uvicorn.run("orderworks.api.asgi:app", host=host, port=port, workers=workers, log_level="info")
    finally:
        if stop is not None:
            stop.set()


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
    money = lambda v: format_money(v, o.currency)
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


CLI_ACTOR_NAME = "orderworks cli"


def _change_order(number: str, change: Callable[[UnitOfWork, uuid.UUID, Actor], Order], done: str) -> None:
    """Find an order by number, run one use case on it, and say what happened (or why not)."""
    from orderworks.orders.service.queries import get_order_by_number

    factory = _factory()
    try:
        order = change(UnitOfWork(factory), get_order_by_number(UnitOfWork(factory), number).order.id,
                       Actor.system(CLI_ACTOR_NAME))
    except DomainError as exc:
        _fail(exc)
        return
    console.print(f"Order {order.number} {done}: status {order.status}, version {order.version}.")


@orders_app.command("cancel")
def orders_cancel(number: str, reason: Annotated[str, typer.Option(help="Why (kept in the history)")]) -> None:
    """Cancel an order: its reserved stock goes back on sale."""
    from orderworks.orders.service.lifecycle import cancel_order

    _change_order(number, lambda uow, oid, actor: cancel_order(uow, oid, actor=actor, reason=reason), "canceled")


@orders_app.command("hold")
def orders_hold(number: str, reason: Annotated[str, typer.Option(help="Why")] = "") -> None:
    """Put an order on hold; its stock stays reserved."""
    from orderworks.orders.service.lifecycle import hold_order

    _change_order(number, lambda uow, oid, actor: hold_order(uow, oid, actor=actor, reason=reason), "put on hold")


@orders_app.command("release")
def orders_release(number: str) -> None:
    """Release a held order to carry on where it stopped."""
    from orderworks.orders.service.lifecycle import release_order

    _change_order(number, lambda uow, oid, actor: release_order(uow, oid, actor=actor), "released")


@orders_app.command("reorder")
def orders_reorder(number: str) -> None:
    """Start a new draft from an order at today's prices; prints the draft's number."""
    from orderworks.orders.service.reordering import reorder

    _change_order(number, lambda uow, oid, actor: reorder(uow, oid, actor=actor), "created as a draft")


def main() -> None:  # pragma: no cover
    app()




if __name__ == "__main__":  # python -m orderworks.cli
    main()
