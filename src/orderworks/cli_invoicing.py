"""`orderworks invoices ...`: list, show, download and issue invoices (registered from cli.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from orderworks.cli_console import console, fail, session_factory
from orderworks.core.actor import Actor, ActorKind
from orderworks.core.errors import DomainError
from orderworks.core.money import format_money
from orderworks.core.uow import UnitOfWork
from orderworks.invoicing.documents import render_pdf
from orderworks.invoicing.service import issue_invoice, queries
from orderworks.orders.service.queries import get_order_by_number

invoices_app = typer.Typer(help="Invoices and credit notes.", no_args_is_help=True)
CLI = Actor(ActorKind.STAFF, name="cli")


def _uow() -> UnitOfWork:
    return UnitOfWork(session_factory())


@invoices_app.command("list")
def invoices_list(status: str | None = None, limit: int = 20) -> None:
    """The newest invoices, optionally by status (issued, paid, void)."""
    try:
        page = queries.list_invoices(_uow(), queries.InvoiceFilter(status=status), limit=limit)
    except DomainError as exc:
        fail(exc)
    table = Table("Number", "Issued", "Order", "Customer", "Total", "Status")
    for i in page.items:
        table.add_row(i.number, f"{i.issued_at:%Y-%m-%d %H:%M}", i.snapshot["order"]["number"],
                      i.snapshot["customer"]["name"], format_money(i.total, i.currency, i.snapshot["locale"]),
                      i.status)
    console.print(table)


@invoices_app.command("show")
def invoices_show(number: str) -> None:
    """An invoice as issued: seller, customer, lines, tax per rate, totals, and its credit notes."""
    try:
        view = queries.get_invoice_by_number(_uow(), number)
    except DomainError as exc:
        fail(exc)
    s = view.invoice.snapshot
    money = lambda v: format_money(v, s["currency"], s["locale"])
    console.print(f"[bold]Invoice {s['number']}[/bold]  {s['issue_date']}  order {s['order']['number']}  "
                  f"status {view.invoice.status}")
    console.print(f"From: {s['seller']['legal_name']}  tax id {s['seller']['tax_id'] or '-'}")
    console.print(f"To: {s['customer']['name']} <{s['customer']['email']}>")
    lines = Table("SKU", "Item", "Qty", "Unit", "Tax", "Total")
    for x in s["lines"]:
        lines.add_row(x["sku"], x["name"], str(x["quantity"]), money(x["unit_price"]), money(x["tax"]),
                      money(x["total"]))
    console.print(lines)
    for t in s["tax_lines"]:
        console.print(f"Tax {t['rate_ppm'] / 10_000:g}% on {money(t['net'])}: {money(t['tax'])}")
    console.print(f"[bold]Total: {money(s['totals']['total'])}[/bold]")
    for c in view.credit_notes:
        console.print(f"Credit note {c.number}: {money(c.total)}  {c.reason}")


@invoices_app.command("pdf")
def invoices_pdf(number: str,
                 output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the PDF")]) -> None:
    """Write an invoice (INV-...) or credit note (CN-...) as PDF."""
    try:
        snapshot = _snapshot(number)
    except DomainError as exc:
        fail(exc)
    output.write_bytes(render_pdf(snapshot))
    console.print(f"{number} written to {output}")


def _snapshot(number: str) -> dict[str, object]:
    try:
        return queries.get_invoice_by_number(_uow(), number).invoice.snapshot
    except DomainError:
        return queries.get_credit_note_by_number(_uow(), number).snapshot


@invoices_app.command("issue")
def invoices_issue(order_number: str) -> None:
    """Issue the invoice of an order (an order already invoiced shows the invoice it has)."""
    try:
        order = get_order_by_number(_uow(), order_number).order
        invoice = issue_invoice(_uow(), order.id, actor=CLI)
    except DomainError as exc:
        fail(exc)
    console.print(f"Invoice {invoice.number} for order {order_number}: "
                  f"{format_money(invoice.total, invoice.currency, invoice.snapshot['locale'])} ({invoice.status})")
