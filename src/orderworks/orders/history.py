"""Writing the order's timeline: one row per transition or change, with the actor."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from orderworks.core.actor import Actor
from orderworks.core.clock import now
from orderworks.core.ids import new_id
from orderworks.orders.models import Order, OrderHistory


def record(session: Session, order: Order, *, actor: Actor, action: str, from_status: str | None = None,
           to_status: str | None = None, note: str = "", data: dict[str, Any] | None = None) -> OrderHistory:
    entry = OrderHistory(id=new_id(), order_id=order.id, created_at=now(), actor_kind=str(actor.kind),
                         actor_id=actor.id, actor_name=actor.name, action=action, from_status=from_status,
                         to_status=to_status, note=note, data=data or {})
    session.add(entry)
    return entry
