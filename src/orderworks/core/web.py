"""FastAPI dependencies shared by every area's router: the unit of work, the authenticated actor, permissions,
idempotent execution, and the documented error responses. Kept in core so area routers import down only."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator

from orderworks.core.actor import Actor
from orderworks.core.apikeys import authenticate_api_key
from orderworks.core.errors import Forbidden, Unauthorized, ValidationFailed
from orderworks.core.idempotency import (
    IdempotentResult,
    check_key,
    request_fingerprint,
    run_idempotent,
    run_idempotent_in_steps,
)
from orderworks.core.permissions import Permission, role_allows
from orderworks.core.uow import UnitOfWork


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None
    details: dict[str, Any] | None = None


class ErrorOut(BaseModel):
    error: ErrorDetail


_DESCRIPTIONS = {
    400: "Bad request", 401: "Missing or unknown API key", 402: "Payment declined", 403: "The key's role may not do this",
    404: "Not found", 409: "Conflicts with the current state", 422: "Invalid input",
}


def ERRORS(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The error responses a route documents (401 and 422 always: every route is authenticated and validated)."""
    return {code: {"model": ErrorOut, "description": _DESCRIPTIONS.get(code, "Error")}
            for code in sorted({401, 403, 422, *codes})}


_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _iso_text(value: Any) -> Any:
    """What the spec says (an RFC 3339 date-time), not pydantic's lax reading of 0 or "0" as a Unix time."""
    if isinstance(value, datetime) or (isinstance(value, str) and _ISO_DATETIME.match(value)):
        return value
    raise ValueError("expected a date and time with its offset, like 2030-06-01T09:00:00Z")


def _as_utc(value: datetime) -> datetime:
    """In UTC; a time with no UTC equivalent (year 9999 at -14:00) is refused, not a crash."""
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("the time is out of range once converted to UTC") from exc


# Every time an API client sends: with its offset (a naive time is ambiguous), stored and compared in UTC.
UtcDatetime = Annotated[AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_as_utc)]


def _nul_at(value: Any, path: str) -> str | None:
    """The field path (as the error body spells it) of the first string or key holding a NUL character."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(key, str) and "\x00" in key:
            return path or "body"
        where = _nul_at(item, f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else key))
        if where is not None:
            return where
    return None


async def refuse_nul_characters(request: Request) -> None:
    """PostgreSQL cannot store a NUL (0x00) in text and SQLite can: refuse it everywhere, on both, as a 422
    naming the field, rather than a 500 on one database only."""
    for name, value in [*request.path_params.items(), *request.query_params.multi_items()]:
        if "\x00" in name or "\x00" in str(value):
            raise ValidationFailed(f"{name} may not contain a NUL character", field=name)
    if request.headers.get("content-type", "").startswith(("multipart/", "application/x-www-form-urlencoded")):
        return  # forms and uploads are parsed, and checked, by their route: their stream is already read
    body = await request.body()
    if b"\\u0000" not in body:  # a raw NUL is not valid JSON; only the escape reaches a string
        return
    try:
        data = json.loads(body)
    except ValueError:
        return  # the route's own body parsing reports it
    where = _nul_at(data, "")
    if where is not None:
        raise ValidationFailed(f"{where} may not contain a NUL character", field=where)


def get_uow(request: Request) -> UnitOfWork:
    return UnitOfWork(request.app.state.session_factory)


UowDep = Annotated[UnitOfWork, Depends(get_uow)]


def get_actor(request: Request, authorization: Annotated[str | None, Header()] = None) -> Actor:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthorized("Send your API key as 'Authorization: Bearer ow_...'", field="Authorization")
    # Read-only: on SQLite a plain BEGIN, so checking a key never waits for (or holds) the write lock.
    return authenticate_api_key(UnitOfWork(request.app.state.session_factory, read_only=True),
                                authorization[7:].strip())


ActorDep = Annotated[Actor, Depends(get_actor)]


def require(permission: Permission) -> Callable[[Actor], Actor]:
    def check(actor: ActorDep) -> Actor:
        if not actor.role or not role_allows(actor.role, permission):
            raise Forbidden(f"The role '{actor.role}' may not do this ({permission})")
        return actor

    return check


IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description="A unique string per intended change; retries reuse it"),
]


def idempotent(
    request: Request, uow: UnitOfWork, actor: Actor, key: str | None, body: BaseModel | None,
    action: Callable[[], BaseModel], *, status_code: int = 200,
) -> JSONResponse:
    """Run a mutating use case once per Idempotency-Key; a retry gets the first response back."""
    fingerprint = request_fingerprint(request.method, request.url.path,
                                      body.model_dump(mode="json") if body is not None else None)
    result = run_idempotent(
        uow, principal=actor.id or actor.name, key=check_key(key), fingerprint=fingerprint,
        status_code=status_code, action=lambda: action().model_dump(mode="json"),
    )
    return _respond(result)


def idempotent_in_steps(
    request: Request, uow: UnitOfWork, actor: Actor, key: str | None, body: dict[str, Any],
    action: Callable[[], BaseModel],
) -> JSONResponse:
    """`idempotent` for a use case that commits in steps of its own (an import, a row per transaction); `body`
    stands for the request in the fingerprint (an upload's digest)."""
    result = run_idempotent_in_steps(
        uow, principal=actor.id or actor.name, key=check_key(key),
        fingerprint=request_fingerprint(request.method, request.url.path, body),
        status_code=200, action=lambda: action().model_dump(mode="json"),
    )
    return _respond(result)


def _respond(result: IdempotentResult) -> JSONResponse:
    headers = {"Idempotent-Replayed": "true"} if result.replayed else {}
    return JSONResponse(result.body, status_code=result.status_code, headers=headers)
