"""`orderworks ship --csv FILE`, `orderworks shipments list|show|ship|deliver`, `orderworks pick-list`,
`orderworks manifest close`: the warehouse's commands. Registered on the main command in orderworks/cli.py."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from orderworks.catalog import models as _catalog  # noqa: F401 - order lines refer to its tables
from orderworks.cli_console import console, refusals, session_factory
from orderworks.core.actor import Actor, ActorKind
from orderworks.core.uow import UnitOfWork
from orderworks.fulfillment.rules import ShipmentStatus
from orderworks.fulfillment.service import batch, queries, shipping, warehouse
from orderworks.fulfillment.service.queries import ShipmentView

shipments_app = typer.Typer(help="List, show, ship and deliver shipments.", no_args_is_help=True)
manifest_app = typer.Typer(help="Dispatch manifests for the carrier's pickup.", no_args_is_help=True)
CLI = Actor(ActorKind.STAFF, name="cli")


def register(app: typer.Typer) -> None:
    app.add_typer(shipments_app, name="shipments")
    app.add_typer(manifest_app, name="manifest")
    app.command("ship")(ship_command)
    app.command("pick-list")(pick_list_command)


def _uow() -> UnitOfWork:
    return UnitOfWork(session_factory())


def ship_command(
    csv_file: Annotated[Path, typer.Option("--csv", exists=True, dir_okay=False, readable=True,
                                           help="CSV with columns order_number, carrier, tracking_number")],
) -> None:
    """Ship orders from a CSV, one transaction per row, with a progress bar. Exits 1 if any row was refused."""
    factory = session_factory()
    with refusals():
        rows = batch.read_csv(csv_file.read_bytes())
    results = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task(f"Shipping {csv_file.name}", total=len(rows))
        for result in batch.ship_csv_rows(lambda: UnitOfWork(factory), rows, actor=CLI):
            results.append(result)
            progress.advance(task)
    counts = {s: sum(r.status == s for r in results) for s in ("shipped", "tracking_added", "unchanged", "error")}
    console.print("  ".join(f"{k}: {v}" for k, v in counts.items()))
    failed = [r for r in results if r.status == "error"]
    if failed:
        table = Table("Row", "Order", "Code", "Message", title="Refused rows")
        for r in failed:
            error = r.error or {}
            table.add_row(str(r.row), r.order_number, str(error.get("code")), str(error.get("message")))
        console.print(table)
        raise typer.Exit(1)


def _print(views: list[ShipmentView]) -> None:
    table = Table("Shipment", "Ref", "Order", "Status", "Location", "Units", "Carrier", "Tracking")
    for v in views:
        s = v.shipment
        table.add_row(str(s.id), s.ref, v.order_number, s.status, v.location_code,
                      str(sum(line.quantity for line in s.lines)), s.carrier or "",
                      ", ".join(s.tracking_numbers or []))
    console.print(table)


@shipments_app.command("list")
def shipments_list(status: Annotated[ShipmentStatus | None, typer.Option(help="e.g. ready")] = None,
                   location: Annotated[str | None, typer.Option(help="Location code")] = None,
                   limit: int = 50) -> None:
    """Shipments newest first (ready ones are the warehouse's work)."""
    with refusals():
        page = queries.list_shipments(_uow(), status=status, location=location, limit=limit)
    _print(page.items)


@shipments_app.command("show")
def shipments_show(shipment_id: str) -> None:
    """One shipment: lines, packages and tracking."""
    with refusals():
        view = queries.get_shipment(_uow(), shipment_id)
    _print([view])
    for line in view.shipment.lines:
        console.print(f"  {line.quantity} x {line.sku}  {line.name}")
    for p in view.shipment.packages:
        console.print(f"  package {p.position + 1}: {p.tracking_number or '-'} ({p.label_status})")
    if view.shipment.tracking_url:
        console.print(f"  track: {view.shipment.tracking_url}")


@shipments_app.command("ship")
def shipments_ship(shipment_id: str, carrier: Annotated[str, typer.Option(help="e.g. ups, usps, builtin")],
                   tracking: Annotated[list[str] | None, typer.Option(help="Tracking number (repeat for more)")] = None
                   ) -> None:
    """Ship one shipment with its carrier and tracking numbers."""
    with refusals():
        shipment = shipping.ship_shipment(_uow(), shipment_id, carrier=carrier, tracking_numbers=tracking or [],
                                          actor=CLI)
    console.print(f"Shipment {shipment.ref} shipped with {shipment.carrier}")


@shipments_app.command("deliver")
def shipments_deliver(shipment_id: str) -> None:
    """Mark a shipped shipment delivered."""
    with refusals():
        shipment = shipping.deliver_shipment(_uow(), shipment_id, actor=CLI)
    console.print(f"Shipment {shipment.ref} delivered")


def pick_list_command(
    location: Annotated[str | None, typer.Option(help="Every ready shipment of this location")] = None,
    order: Annotated[list[str] | None, typer.Option(help="Order id (repeat for a batch)")] = None,
    out: Annotated[Path | None, typer.Option(help="Write the PDF here")] = None,
) -> None:
    """Make a pick list (one order, a batch, or a location's ready shipments) and write its PDF."""
    with refusals():
        pick_list, ids = warehouse.create_pick_list(_uow(), actor=CLI, order_ids=order or None, location=location)
        name, pdf = warehouse.pick_list_pdf(_uow(), pick_list.id)
    path = out or Path(name)
    path.write_bytes(pdf)
    console.print(f"Pick list {pick_list.ref}: {len(ids)} shipments, written to {path}")


@manifest_app.command("close")
def manifest_close(carrier: Annotated[str, typer.Option()], location: Annotated[str, typer.Option()],
                   out: Annotated[Path | None, typer.Option(help="Write the PDF here")] = None) -> None:
    """Close out a carrier's shipped packages at a location into a manifest and write its PDF."""
    with refusals():
        manifest = warehouse.close_manifest(_uow(), carrier=carrier, location=location, actor=CLI)
        name, pdf = warehouse.manifest_pdf(_uow(), manifest.id)
    path = out or Path(name)
    path.write_bytes(pdf)
    console.print(f"Manifest {manifest.number}: {manifest.package_count} packages, written to {path}")
