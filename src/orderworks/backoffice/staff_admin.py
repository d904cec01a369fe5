"""Managing staff logins (owner only): list them, change a role, unlock a locked account, disable or enable one.
Disabling ends the person's sessions at once."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select

from orderworks.backoffice.models import StaffSession, StaffUser
from orderworks.core.errors import Conflict, NotFound, ValidationFailed
from orderworks.core.permissions import Role
from orderworks.core.uow import UnitOfWork


class LastOwner(Conflict):
    code = "last_owner"


def list_staff(uow: UnitOfWork) -> list[StaffUser]:
    with uow:
        return list(uow.session.execute(select(StaffUser).order_by(StaffUser.email).limit(500)).scalars())


def _user(uow: UnitOfWork, staff_id: uuid.UUID) -> StaffUser:
    user = uow.session.get(StaffUser, staff_id, with_for_update=True)
    if user is None:
        raise NotFound(f"No staff login {staff_id}", field="staff_id")
    return user


def _check_owner_left(uow: UnitOfWork, user: StaffUser) -> None:
    """The store keeps at least one active owner, or nobody could manage staff again."""
    others = uow.session.execute(select(StaffUser.id).where(
        StaffUser.role == Role.OWNER.value, StaffUser.active, StaffUser.id != user.id).limit(1)).first()
    if user.role == Role.OWNER.value and others is None:
        raise LastOwner("This is the only active owner: make someone else owner first", field="role")


def change_role(uow: UnitOfWork, staff_id: uuid.UUID, *, role: str) -> StaffUser:
    """Give a staff member another role; it applies from their next click."""
    if role not in {r.value for r in Role} or role == Role.INTEGRATION.value:
        raise ValidationFailed(f"Unknown staff role '{role}'", field="role")
    with uow:
        user = _user(uow, staff_id)
        if role != Role.OWNER.value:
            _check_owner_left(uow, user)
        user.role = role
        uow.commit()
        return user


def unlock_staff(uow: UnitOfWork, staff_id: uuid.UUID) -> StaffUser:
    """Lift a lock-out after too many wrong passwords."""
    with uow:
        user = _user(uow, staff_id)
        user.failed_attempts, user.locked_until = 0, None
        uow.commit()
        return user


def set_staff_active(uow: UnitOfWork, staff_id: uuid.UUID, *, active: bool) -> StaffUser:
    """Disable a login (its sessions end at once) or enable it again."""
    with uow:
        user = _user(uow, staff_id)
        if not active:
            _check_owner_left(uow, user)
            uow.session.execute(delete(StaffSession).where(StaffSession.staff_id == user.id))
        user.active = active
        uow.commit()
        return user
