"""Fulfilment refusals, each with a stable code."""

from __future__ import annotations

from orderworks.core.errors import Conflict, DomainError


class OrderMayNotShip(Conflict):
    code = "order_may_not_ship"  # unpaid (and no unpaid terms the store accepts), held, canceled


class AlreadyShipped(Conflict):
    code = "already_shipped"


class NothingToShip(Conflict):
    code = "nothing_to_ship"


class LabelFailed(DomainError):
    code = "label_failed"
    status = 409


class UnknownCarrier(DomainError):
    code = "unknown_carrier"
    status = 422
