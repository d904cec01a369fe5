"""`orderworks webhooks ...`: the store's webhook endpoints, their deliveries, and sending the retries due now."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from orderworks.cli_console import console, fail
from orderworks.cli_console import session_factory as _factory
from orderworks.core.clock import now
from orderworks.core.errors import DomainError
from orderworks.core.settings import get_settings
from orderworks.core.uow import UnitOfWork
from orderworks.notifications.webhooks import service
from orderworks.notifications.webhooks.delivery import retry_due_deliveries

app = typer.Typer(help="Webhooks to the seller's other systems (docs/webhooks.md).", no_args_is_help=True)


@app.command("list")
def webhooks_list(limit: int = 50) -> None:
    """The endpoints, newest first."""
    page = service.list_endpoints(UnitOfWork(_factory()), limit=limit)
    table = Table("ID", "URL", "Events", "Enabled", "Failures", "Why disabled")
    for e in page.items:
        table.add_row(str(e.id), e.url, ", ".join(e.events), "yes" if e.enabled else "no",
                      str(e.consecutive_failures), e.disabled_reason or "")
    console.print(table if page.items else "No webhook endpoints.")


@app.command("deliveries")
def webhooks_deliveries(endpoint_id: str, status: Annotated[str | None, typer.Option()] = None,
                        limit: int = 50) -> None:
    """An endpoint's deliveries, newest first, with their last answer."""
    try:
        page = service.list_deliveries(UnitOfWork(_factory()), endpoint_id, status=status, limit=limit)
    except DomainError as exc:
        fail(exc)
    table = Table("ID", "Event", "Status", "Attempts", "Last code", "Last error", "When")
    for view in page.items:
        d = view.delivery
        table.add_row(str(d.id), d.event_type, d.status, str(d.attempts), str(d.last_status_code or ""),
                      (d.last_error or "")[:60], f"{d.created_at:%Y-%m-%d %H:%M}")
    console.print(table if page.items else "No deliveries.")


@app.command("send-due")
def webhooks_send_due() -> None:
    """Send every delivery whose retry is due now (the scheduled job, run once)."""
    made = retry_due_deliveries(_factory(), get_settings(), now())
    console.print(f"Made {made} attempt(s).")
