"""Shipping many orders at once: a selection of orders, or a CSV of order number, carrier and tracking number.
Each order (each CSV row) is its own transaction and gets its own result; running the same file again changes
nothing (a row whose tracking number the order already carries is reported `unchanged`)."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from orderworks.core.actor import Actor
from orderworks.core.clock import now
from orderworks.core.errors import DomainError, ValidationFailed
from orderworks.core.ids import new_id
from orderworks.core.store import get_store
from orderworks.core.uow import UnitOfWork
from orderworks.fulfillment.models import Package
from orderworks.fulfillment.rules import SHIPPABLE_STATUSES, ShipmentStatus
from orderworks.fulfillment.service.errors import NothingToShip, OrderMayNotShip
from orderworks.fulfillment.service.loading import shipments_of
from orderworks.fulfillment.service.readiness import order_may_ship
from orderworks.fulfillment.service.shipping import check_tracking, order_by_number, ship_locked
from orderworks.fulfillment.service.timeline import record
from orderworks.orders.service.loading import order_for_update

CSV_COLUMNS = ("order_number", "carrier", "tracking_number")
MAX_ROWS = 10_000


@dataclass
class ShipResult:
    row: int  # 1-based data row (0 for a selection)
    order_number: str
    status: str  # shipped, tracking_added, unchanged, error
    shipment_ids: list[str] = field(default_factory=list)
    error: dict[str, Any] | None = None


def ship_order(uow: UnitOfWork, order_id: str | uuid.UUID, *, carrier: str, tracking_numbers: list[str],
               actor: Actor) -> ShipResult:
    """Ship every ready shipment of an order with one carrier and tracking numbers (one transaction)."""
    carrier, numbers = check_tracking(carrier, tracking_numbers)
    with uow:
        order = order_for_update(uow.session, order_id)
        shipments = shipments_of(uow.session, order.id, lock=True)
        shipped = [s for s in shipments if s.status in (ShipmentStatus.SHIPPED, ShipmentStatus.DELIVERED)]
        known = {n for s in shipped for n in (s.tracking_numbers or [])}
        may = order_may_ship(uow.session, order, get_store(uow.session))
        ready = [s for s in shipments if s.status in SHIPPABLE_STATUSES
                 or (may and s.status == ShipmentStatus.PENDING)]
        if numbers and set(numbers) <= known:
            return ShipResult(0, order.number, "unchanged", [str(s.id) for s in shipped])
        if not ready:
            if any(s.status == ShipmentStatus.PENDING for s in shipments) or not may:
                raise OrderMayNotShip(f"Order {order.number} may not ship yet ({order.status}, "
                                      f"{order.payment_status})", field="order_number")
            if shipped and numbers:  # another package of what already left: its tracking number is added
                last = shipped[-1]
                last.tracking_numbers = [*(last.tracking_numbers or []), *[n for n in numbers if n not in known]]
                for n in numbers:
                    if n not in known:
                        last.packages.append(Package(id=new_id(), shipment_id=last.id, position=len(last.packages),
                                                     tracking_number=n, carrier=carrier, label_status="none",
                                                     shipped_at=now()))
                record(uow.session, order, last, actor=actor, action="tracking_added", before=last.status,
                       data={"tracking_numbers": numbers})
                uow.commit()
                return ShipResult(0, order.number, "tracking_added", [str(last.id)])
            raise NothingToShip(f"Order {order.number} has nothing left to ship", field="order_number")
        for shipment in ready:
            ship_locked(uow, order, shipment, carrier=carrier, numbers=numbers, service=None, actor=actor)
        uow.commit()
    return ShipResult(0, order.number, "shipped", [str(s.id) for s in ready])


def ship_orders(new_uow: Callable[[], UnitOfWork], order_ids: list[str], *, carrier: str, actor: Actor,
                tracking_numbers: dict[str, list[str]] | None = None) -> list[ShipResult]:
    """Ship a selection of orders, each in its own transaction (a refusal leaves the others shipped)."""
    results = []
    for order_id in order_ids:
        numbers = (tracking_numbers or {}).get(order_id, [])
        try:
            results.append(ship_order(new_uow(), order_id, carrier=carrier, tracking_numbers=numbers, actor=actor))
        except DomainError as exc:
            results.append(ShipResult(0, str(order_id), "error", error=exc.as_dict()))
    return results


def read_csv(data: bytes) -> list[dict[str, str]]:
    """The rows of a shipping CSV (header: order_number, carrier, tracking_number); refused whole if unreadable."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed("The CSV is not UTF-8 text", field="file") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise ValidationFailed(f"The CSV needs the columns {', '.join(CSV_COLUMNS)} (missing {', '.join(missing)})",
                               field="file")
    rows = []
    try:
        for raw in reader:
            rows.append({(k or "").strip().lower(): (v or "").strip() if isinstance(v, str) else ""
                         for k, v in raw.items()})
            if len(rows) > MAX_ROWS:
                raise ValidationFailed(f"Up to {MAX_ROWS} rows per file", field="file")
    except csv.Error as exc:
        raise ValidationFailed(f"The CSV cannot be read: {exc}", field="file") from exc
    return rows


def ship_csv_rows(new_uow: Callable[[], UnitOfWork], rows: list[dict[str, str]], *,
                  actor: Actor) -> Iterator[ShipResult]:
    """Ship each row in its own transaction, yielding its result as it goes (for a progress bar)."""
    for index, row in enumerate(rows, start=1):
        number = row.get("order_number", "")
        try:
            if not number:
                raise ValidationFailed("The row has no order number", field="order_number")
            uow = new_uow()
            with uow:
                order_id = order_by_number(uow, number)
            result = ship_order(new_uow(), order_id, carrier=row.get("carrier", ""),
                                tracking_numbers=[row["tracking_number"]] if row.get("tracking_number") else [],
                                actor=actor)
            result.row = index
            yield result
        except DomainError as exc:
            yield ShipResult(index, number, "error", error=exc.as_dict())


def ship_csv(new_uow: Callable[[], UnitOfWork], data: bytes, *, actor: Actor) -> list[ShipResult]:
    return list(ship_csv_rows(new_uow, read_csv(data), actor=actor))
