"""Staff logins (owner only): list, create, change role, unlock, disable."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from orderworks.backoffice import staff_admin
from orderworks.backoffice.service import Staff, create_staff
from orderworks.backoffice.web.auth import StaffDep, UowDep
from orderworks.backoffice.web.flash import flash
from orderworks.backoffice.web.templating import render
from orderworks.core.clock import now
from orderworks.core.errors import Forbidden
from orderworks.core.permissions import Role
from orderworks.core.uow import UnitOfWork

router = APIRouter()
Text = Annotated[str, Form(max_length=320)]
ROLES = {"owner": "Owner", "customer_service": "Customer service", "fulfillment": "Fulfilment", "finance": "Finance"}


def owner(staff: StaffDep) -> Staff:
    if staff.role != Role.OWNER.value:
        raise Forbidden("Only an owner may manage staff logins")
    return staff


Owner = Annotated[Staff, Depends(owner)]


def _list(request: Request, *, fragment: bool) -> Response:
    users = staff_admin.list_staff(UnitOfWork(request.app.state.session_factory, read_only=True))
    return render(request, "staff/_table.html" if fragment else "staff/page.html",
                  {"active": "staff", "users": users, "roles": ROLES, "at": now()})


@router.get("/staff")
def staff_list(request: Request, staff: Owner) -> Response:
    return _list(request, fragment=False)


@router.post("/staff")
def add(request: Request, staff: Owner, uow: UowDep, email: Text = "", name: Text = "", password: Text = "",
        role: Text = "customer_service") -> Response:
    made = create_staff(uow, email=email, name=name, password=password, role=role)
    flash(request, f"{made.email} can sign in as {ROLES.get(made.role, made.role)}.")
    return _list(request, fragment=True)


@router.post("/staff/{staff_id}/role")
def role(staff_id: uuid.UUID, request: Request, staff: Owner, uow: UowDep, role: Text = "") -> Response:
    user = staff_admin.change_role(uow, staff_id, role=role)
    flash(request, f"{user.email} is now {ROLES.get(user.role, user.role)}.")
    return _list(request, fragment=True)


@router.post("/staff/{staff_id}/unlock")
def unlock(staff_id: uuid.UUID, request: Request, staff: Owner, uow: UowDep) -> Response:
    user = staff_admin.unlock_staff(uow, staff_id)
    flash(request, f"{user.email} may sign in again.")
    return _list(request, fragment=True)


@router.post("/staff/{staff_id}/active")
def active(staff_id: uuid.UUID, request: Request, staff: Owner, uow: UowDep,
           active: Annotated[bool, Form()] = False) -> Response:
    user = staff_admin.set_staff_active(uow, staff_id, active=active)
    flash(request, f"{user.email} is {'enabled' if user.active else 'disabled and signed out'}.")
    return _list(request, fragment=True)
