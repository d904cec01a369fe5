"""Domain errors: each carries a stable code, an HTTP status, a message a person understands and the field at fault.

The API maps them to `{"error": {"code", "message", "field"}}` in one place (api/errors.py).
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    code: ClassVar[str] = "domain_error"
    status: ClassVar[int] = 400

    def __init__(self, message: str, *, field: str | None = None, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details or {}

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message, "field": self.field}
        if self.details:
            body["details"] = self.details
        return body


class ValidationFailed(DomainError):
    code = "validation_failed"
    status = 422


class NotFound(DomainError):
    code = "not_found"
    status = 404


class AlreadyExists(DomainError):
    code = "already_exists"
    status = 409


class Conflict(DomainError):
    code = "conflict"
    status = 409


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status = 409


class StaleVersion(DomainError):
    code = "stale_version"
    status = 409


class Unauthorized(DomainError):
    code = "unauthorized"
    status = 401


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422


class IdempotencyKeyInUse(DomainError):
    code = "idempotency_key_in_use"
    status = 409
