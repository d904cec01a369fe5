"""`orderworks payments ...`: capture an order's authorization, list its payments, reconcile claims left in
flight, release the stock of declined orders. Registered on the main command in orderworks/cli.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer
from rich.table import Table

from orderworks.cli_console import console, fail, session_factory
from orderworks.core.actor import Actor, ActorKind
from orderworks.core.clock import now
from orderworks.core.errors import DomainError
from orderworks.core.money import format_money, parse_amount
from orderworks.core.settings import get_settings
from orderworks.core.uow import UnitOfWork
from orderworks.orders.service.queries import get_order_by_number
from orderworks.payments.gateways import gateway_from_settings
from orderworks.payments.rules import PaymentState
from orderworks.payments.service import capture, queries, reconcile

app = typer.Typer(help="Take, list and reconcile payments.", no_args_is_help=True)
CLI = Actor(ActorKind.STAFF, name="cli")


def _uow() -> UnitOfWork:
    return UnitOfWork(session_factory())


_fail = fail


@app.command("capture")
def capture_command(number: str, amount: Annotated[str | None, typer.Option(help="e.g. 19.99; default: all")] = None
                    ) -> None:
    """Capture the oldest open authorization of order NUMBER (all of it, or --amount)."""
    try:
        order = get_order_by_number(_uow(), number).order
        views, _ = queries.payments_for_order(_uow(), order.id)
        open_ = [v.payment for v in views
                 if v.payment.status in (PaymentState.AUTHORIZED, PaymentState.PARTIALLY_CAPTURED)]
        if not open_:
            console.print(f"Order {number} has no authorization to capture.")
            raise typer.Exit(1)
        minor = parse_amount(amount, order.currency) if amount else None
        out = capture.capture_payment(_uow(), gateway_from_settings(get_settings()), open_[0].id, actor=CLI,
                                      amount=minor)
    except DomainError as exc:
        _fail(exc)
        return
    console.print(f"Captured {format_money(out.transaction.amount, order.currency)} on order {number}: "
                  f"payment {out.payment.status}.")


@app.command("list")
def list_command(number: str) -> None:
    """The payments of order NUMBER, with the balance due."""
    try:
        order = get_order_by_number(_uow(), number).order
        views, balance = queries.payments_for_order(_uow(), order.id)
    except DomainError as exc:
        _fail(exc)
        return
    money = lambda v: format_money(v, order.currency)
    table = Table("Payment", "Method", "Status", "Amount", "Captured", "Refunded", "Card / reference", "Message")
    for v in views:
        p = v.payment
        table.add_row(str(p.id)[:8], p.method, p.status, money(p.amount), money(p.captured), money(p.refunded),
                      f"{p.card_brand} ....{p.card_last4}" if p.card_last4 else (p.reference or ""), p.message or "")
    console.print(table)
    console.print(f"Order {number}: {order.payment_status}, balance due {money(balance)}")


@app.command("reconcile")
def reconcile_command(grace_minutes: Annotated[int, typer.Option(help="Leave younger claims alone")] = 5) -> None:
    """Ask the gateway what became of gateway calls left in flight (a crash, a timeout) and record it once."""
    report = reconcile.reconcile_payments(_uow(), gateway_from_settings(get_settings()), now=now(),
                                          grace=timedelta(minutes=grace_minutes))
    console.print(f"Finished {len(report.finished)}, failed {len(report.failed)}, "
                  f"still unknown {len(report.still_unknown)}.")


@app.command("release-declined-stock")
def release_declined_stock_command() -> None:
    """Put back on sale the stock of orders whose payment was declined longer ago than the store allows."""
    numbers = reconcile.release_stock_of_declined_orders(_uow(), now())
    console.print(f"Released the stock of {len(numbers)} order(s){': ' + ', '.join(numbers) if numbers else '.'}")
