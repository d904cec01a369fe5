"""Staff use cases: create an account, sign in (with lock-out), find who a session belongs to, sign out."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email
from pwdlib import PasswordHash
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from orderworks.backoffice import rules
from orderworks.backoffice.models import StaffSession, StaffUser
from orderworks.core.actor import Actor, ActorKind
from orderworks.core.clock import now
from orderworks.core.errors import AlreadyExists, DomainError, Unauthorized, ValidationFailed
from orderworks.core.permissions import Role
from orderworks.core.settings import Settings
from orderworks.core.uow import UnitOfWork

# The people roles (Role.INTEGRATION is for API keys of storefronts and marketplaces, not for a login).
STAFF_ROLES = (Role.OWNER, Role.CUSTOMER_SERVICE, Role.FULFILLMENT, Role.FINANCE)


class AccountLocked(DomainError):
    code = "account_locked"
    status = 403


@dataclass(frozen=True)
class Staff:
    """A signed-in staff member, detached from the database."""

    id: uuid.UUID
    email: str
    name: str
    role: str

    @property
    def actor(self) -> Actor:
        return Actor(ActorKind.STAFF, name=self.name, id=str(self.id), role=self.role)


@dataclass(frozen=True)
class SignedIn:
    token: str  # goes in the cookie; never stored
    staff: Staff


@lru_cache(maxsize=1)
def hasher() -> PasswordHash:
    return PasswordHash.recommended()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hasher().hash("not-a-password-anyone-has")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _staff(user: StaffUser) -> Staff:
    return Staff(user.id, user.email, user.name, user.role)


def normalize_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed(f"'{email}' is not an email address: {exc}", field="email") from exc


def create_staff(uow: UnitOfWork, *, email: str, name: str, password: str, role: str) -> Staff:
    """Give a person a back-office login with a role (owner, customer_service, fulfillment, finance)."""
    address = normalize_email(email)
    if role not in STAFF_ROLES:
        raise ValidationFailed(f"Unknown staff role '{role}'; one of {', '.join(STAFF_ROLES)}", field="role")
    staff_role = Role(role)
    problem = rules.password_problem(password)
    if problem:
        raise ValidationFailed(problem, field="password")
    with uow:
        if uow.session.execute(select(StaffUser.id).where(StaffUser.email == address)).first():
            raise AlreadyExists(f"A staff login for {address} already exists", field="email")
        user = StaffUser(email=address, name=name.strip() or address.split("@")[0], role=staff_role.value,
                         password_hash=hasher().hash(password))
        uow.session.add(user)
        uow.commit()
        return _staff(user)


def sign_in(uow: UnitOfWork, *, email: str, password: str, user_agent: str = "") -> SignedIn:
    """Check a password and open a session. Repeated wrong passwords lock the account for a while; the
    answer never says whether the email exists."""
    address = email.strip().lower()
    at = now()
    with uow:
        user = uow.session.execute(
            select(StaffUser).where(StaffUser.email == address).with_for_update()).scalar_one_or_none()
        if user is None or not user.active:
            hasher().verify(password, _dummy_hash())  # same work as a real check: no timing tell
            raise Unauthorized("Wrong email or password", field="password")
        if rules.is_locked(user.locked_until, at):
            raise AccountLocked("Too many wrong passwords: this login is locked for a few minutes", field="email")
        if not hasher().verify(password, user.password_hash):
            failure = rules.after_failure(user.failed_attempts, at)
            user.failed_attempts, user.locked_until = failure.failed_attempts, failure.locked_until
            uow.commit()  # the count must stick although the sign-in fails
            if failure.locked_until:
                raise AccountLocked("Too many wrong passwords: this login is locked for a few minutes",
                                    field="email")
            raise Unauthorized("Wrong email or password", field="password")
        user.failed_attempts, user.locked_until, user.last_login_at = 0, None, at
        token = secrets.token_urlsafe(32)
        uow.session.add(StaffSession(id=_digest(token), staff_id=user.id, created_at=at, last_seen_at=at,
                                     expires_at=at + rules.SESSION_LIFETIME, user_agent=user_agent[:300]))
        uow.commit()
        return SignedIn(token, _staff(user))


@dataclass(frozen=True)
class SessionLookup:
    staff: Staff
    needs_touch: bool  # old enough that its expiry should slide forward (see touch_session)


def staff_for_session(uow: UnitOfWork, token: str) -> SessionLookup | None:
    """Who a session cookie belongs to, or None when it is unknown, expired or its account is disabled.
    Read-only: run it in a read-only unit of work on every page."""
    if not token:
        return None
    at = now()
    with uow:
        row = uow.session.execute(
            select(StaffSession.expires_at, StaffSession.last_seen_at, StaffUser)
            .join(StaffUser, StaffUser.id == StaffSession.staff_id)
            .where(StaffSession.id == _digest(token))).first()
        if row is None:
            return None
        expires_at, last_seen_at, user = row
        if expires_at <= at or not user.active:
            return None
        return SessionLookup(_staff(user), at - last_seen_at > rules.SESSION_TOUCH_EVERY)


def touch_session(uow: UnitOfWork, token: str) -> None:
    """Slide an active session's expiry forward (a working day from its last use)."""
    at = now()
    with uow:
        uow.session.execute(update(StaffSession).where(StaffSession.id == _digest(token))
                            .values(last_seen_at=at, expires_at=at + rules.SESSION_LIFETIME))
        uow.commit()


def delete_expired_sessions(factory: sessionmaker[Session], settings: Settings, now: datetime) -> int:
    """Job: forget sessions past their expiry (they already sign nobody in). Safe to run on several workers."""
    with UnitOfWork(factory) as uow:
        done = uow.session.connection().execute(delete(StaffSession).where(StaffSession.expires_at <= now)).rowcount
        uow.commit()
    return int(done or 0)


def sign_out(uow: UnitOfWork, token: str) -> None:
    """End a session: the cookie stops working at once."""
    with uow:
        uow.session.execute(delete(StaffSession).where(StaffSession.id == _digest(token)))
        uow.commit()
