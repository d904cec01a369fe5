"""Events the storefront emits (written to the outbox in the transaction of the change)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FeedbackReceived:
    """The customer rated a delivered order (again, when `updated`)."""

    order_id: str
    number: str
    rating: int
    comment: str = ""
    updated: bool = False
