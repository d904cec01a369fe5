"""Events the orders area emits (written to the outbox in the transaction of the change)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OrderPlaced:
    order_id: str
    number: str
    channel: str
    currency: str
    total: int
    customer_email: str
    backordered: bool


@dataclass(frozen=True)
class OrderDraftCreated:
    order_id: str
    number: str
    source_order_id: str | None = None


@dataclass(frozen=True)
class OrderCanceled:
    order_id: str
    number: str
    reason: str
    released_units: int
    reason_code: str = ""  # "" staff or customer asked; "unpaid": the store's unpaid-order timeout canceled it


@dataclass(frozen=True)
class OrderHeld:
    order_id: str
    number: str
    reason: str


@dataclass(frozen=True)
class OrderReleased:
    order_id: str
    number: str


@dataclass(frozen=True)
class OrderUpdated:
    order_id: str
    number: str
    changes: list[str] = field(default_factory=list)
    total: int = 0


@dataclass(frozen=True)
class OrderNoteAdded:
    order_id: str
    number: str
    note_id: str
    visible_to_customer: bool
