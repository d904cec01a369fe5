"""One place maps every failure to `{"error": {"code", "message", "field"}}` with its status. Never a bare 500
for bad input: validation errors name the field; database conflicts become 409s."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException

from orderworks.core.errors import DomainError

log = structlog.get_logger()


def _body(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message, "field": field}
    error.update(extra)
    return {"error": error}


def _field_path(loc: tuple[Any, ...]) -> str | None:
    parts = [p for p in loc if p not in ("body", "query", "path", "header")]
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or None


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    def domain_error(_: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse({"error": exc.as_dict()}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "Invalid request"}
        field = _field_path(tuple(first.get("loc", ())))
        message = f"{field}: {first.get('msg')}" if field else str(first.get("msg"))
        problems = [{"field": _field_path(tuple(e.get("loc", ()))), "message": e.get("msg")} for e in exc.errors()]
        return JSONResponse(_body("validation_failed", message, field, problems=problems[:20]), status_code=422)

    @app.exception_handler(HTTPException)
    def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # FastAPI's answer to a body it cannot decode (not UTF-8, not JSON): invalid input like any other, so
            # the documented 422 with the field at fault rather than a status no route declares.
            return JSONResponse(_body("validation_failed", "The request body is not valid JSON", "body"),
                                status_code=422)
        code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized"}.get(exc.status_code, "http_error")
        return JSONResponse(_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(StaleDataError)
    def stale(_: Request, exc: StaleDataError) -> JSONResponse:
        return JSONResponse(_body("stale_version", "The record changed meanwhile; reload it and try again"),
                            status_code=409)

    @app.exception_handler(IntegrityError)
    def integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        log.warning("integrity_error", error=str(exc.orig))
        return JSONResponse(_body("conflict", "The change conflicts with existing data; reload and try again"),
                            status_code=409)

    @app.exception_handler(OperationalError)
    def busy(_: Request, exc: OperationalError) -> JSONResponse:
        # Serialization failures, deadlocks and lock timeouts: the client may simply retry with the same key.
        log.warning("database_busy", error=str(exc.orig))
        return JSONResponse(_body("busy", "The database is busy; retry with the same Idempotency-Key"),
                            status_code=503, headers={"Retry-After": "1"})
