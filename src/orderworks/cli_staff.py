"""`orderworks staff ...`: back-office logins."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from orderworks.backoffice.models import StaffUser
from orderworks.backoffice.service import create_staff
from orderworks.cli_console import console, refusals, session_factory
from orderworks.core.uow import UnitOfWork

staff_app = typer.Typer(help="Back-office staff logins.", no_args_is_help=True)


@staff_app.command("create")
def staff_create(email: Annotated[str, typer.Option(help="Their sign-in email")],
                 password: Annotated[str, typer.Option(help="At least 10 characters")],
                 role: Annotated[str, typer.Option(help="owner, customer_service, fulfillment, finance")] = "owner",
                 name: Annotated[str, typer.Option(help="Shown on the timeline; default: the email's name")] = ""
                 ) -> None:
    """Create a back-office login with a role."""
    with refusals():
        staff = create_staff(UnitOfWork(session_factory()), email=email, name=name, password=password, role=role)
    console.print(f"Staff login {staff.email} created ({staff.role}).")


@staff_app.command("list")
def staff_list() -> None:
    """Every back-office login, with its role."""
    with session_factory()() as session:
        users = session.execute(select(StaffUser).order_by(StaffUser.email)).scalars().all()
    table = Table("Email", "Name", "Role", "Active", "Last sign-in")
    for u in users:
        table.add_row(u.email, u.name, u.role, "yes" if u.active else "no",
                      u.last_login_at.strftime("%Y-%m-%d %H:%M") if u.last_login_at else "")
    console.print(table)
