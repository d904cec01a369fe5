"""Who is signed in, and what their role allows. `StaffDep` on a route: signed in (else to the sign-in page);
`Depends(allowed(Permission.X))`: and allowed to do X (else 403)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from orderworks.backoffice.service import Staff, staff_for_session, touch_session
from orderworks.core.errors import Forbidden
from orderworks.core.permissions import Permission, role_allows
from orderworks.core.uow import UnitOfWork

SESSION_COOKIE = "ow_session"


class NotSignedIn(Exception):
    """Answered with the sign-in page (a redirect, or HX-Redirect for htmx)."""


def get_uow(request: Request) -> UnitOfWork:
    return UnitOfWork(request.app.state.session_factory)


def read_uow(request: Request) -> UnitOfWork:
    return UnitOfWork(request.app.state.session_factory, read_only=True)


UowDep = Annotated[UnitOfWork, Depends(get_uow)]
ReadUowDep = Annotated[UnitOfWork, Depends(read_uow)]


def current_staff(request: Request) -> Staff:
    token = request.cookies.get(SESSION_COOKIE, "")
    found = staff_for_session(read_uow(request), token)
    if found is None:
        raise NotSignedIn()
    if found.needs_touch:
        touch_session(get_uow(request), token)
    request.state.staff = found.staff
    return found.staff


StaffDep = Annotated[Staff, Depends(current_staff)]


def allowed(permission: Permission) -> Callable[[Staff], Staff]:
    """A dependency: the signed-in staff member, if their role may do `permission`."""

    def check(staff: StaffDep) -> Staff:
        if not role_allows(staff.role, permission):
            raise Forbidden(f"Your role ({staff.role.replace('_', ' ')}) may not do this")
        return staff

    return check


def can(staff: Staff, permission: Permission) -> bool:
    return role_allows(staff.role, permission)
