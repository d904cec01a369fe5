"""Pure fulfilment rules: the shipment status table and its named transitions, carrier tracking statuses, whether an
order may ship, and the allocation of order lines to stock locations. No I/O."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations
from typing import Protocol

from orderworks.core.transitions import Transitions


class ShipmentStatus(StrEnum):
    PENDING = "pending"  # allocated, waiting until the order may ship (payment, hold)
    READY = "ready"  # may be picked and shipped
    PICKED = "picked"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELED = "canceled"


class TrackingStatus(StrEnum):
    PRE_TRANSIT = "pre_transit"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    EXCEPTION = "exception"
    RETURNED_TO_SENDER = "returned_to_sender"


class AllocationStrategy(StrEnum):
    FEWEST_SHIPMENTS = "fewest_shipments"  # fewest shipments, then location priority, then nearest
    PRIORITY = "priority"  # location priority, then nearest
    NEAREST = "nearest"  # nearest to the shipping country, then priority


S = ShipmentStatus
SHIPMENT_TRANSITIONS = Transitions({
    S.PENDING: {S.READY, S.CANCELED},
    S.READY: {S.PENDING, S.PICKED, S.PACKED, S.SHIPPED, S.CANCELED},
    S.PICKED: {S.PENDING, S.PACKED, S.SHIPPED, S.CANCELED},
    S.PACKED: {S.PENDING, S.SHIPPED, S.CANCELED},
    S.SHIPPED: {S.DELIVERED},
    S.DELIVERED: set(),
    S.CANCELED: set(),
}, entity="shipment")

OPEN_STATUSES = frozenset({S.PENDING, S.READY, S.PICKED, S.PACKED})  # not shipped, not canceled
SHIPPABLE_STATUSES = frozenset({S.READY, S.PICKED, S.PACKED})
SHIPPED_STATUSES = frozenset({S.SHIPPED, S.DELIVERED})


class HasStatus(Protocol):
    status: str


def _move(shipment: HasStatus, target: ShipmentStatus, action: str) -> None:
    shipment.status = SHIPMENT_TRANSITIONS.check(S(shipment.status), target, action=action)


def make_ready(shipment: HasStatus) -> None:
    _move(shipment, S.READY, "make ready")


def put_back(shipment: HasStatus) -> None:
    """Back to pending: the order was put on hold before the shipment left."""
    _move(shipment, S.PENDING, "put back")


def pick(shipment: HasStatus) -> None:
    _move(shipment, S.PICKED, "pick")


def pack(shipment: HasStatus) -> None:
    _move(shipment, S.PACKED, "pack")


def ship(shipment: HasStatus) -> None:
    _move(shipment, S.SHIPPED, "ship")


def deliver(shipment: HasStatus) -> None:
    _move(shipment, S.DELIVERED, "deliver")


def cancel(shipment: HasStatus) -> None:
    _move(shipment, S.CANCELED, "cancel")


PAID = "paid"
HOLDING_ORDER_STATUSES = frozenset({"draft", "on_hold", "canceled", "closed"})


def may_ship(*, order_status: str, payment_status: str, total: int, unpaid_terms: str | None,
             ship_unpaid_methods: Iterable[str]) -> bool:
    """An order ships when it is paid, costs nothing, or was agreed to be paid later by a method the store ships
    unpaid (cash on delivery, net terms); never while held, canceled or a draft."""
    if order_status in HOLDING_ORDER_STATUSES:
        return False
    if payment_status == PAID or total == 0:
        return True
    return unpaid_terms is not None and unpaid_terms in set(ship_unpaid_methods)


def tracking_moves_shipment(status: str) -> bool:
    return status == TrackingStatus.DELIVERED


# ---- allocation ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineNeed:
    line_key: object
    variant_key: object
    quantity: int


@dataclass(frozen=True)
class LocationStock:
    location_key: object
    variant_key: object
    available: int  # what this order may take here (free stock plus what it already holds here)
    priority: int
    code: str
    country: str


@dataclass(frozen=True)
class Assignment:
    line_key: object
    location_key: object
    quantity: int


@dataclass(frozen=True)
class AllocationPlan:
    assignments: list[Assignment]
    backordered: dict[object, int]  # line key -> units no location can fill now

    def locations(self) -> list[object]:
        seen: dict[object, None] = {}
        for a in self.assignments:
            seen.setdefault(a.location_key, None)
        return list(seen)


MAX_EXACT_LOCATIONS = 8  # above this many locations, fewest-shipments search is greedy


def rank_locations(stock: Sequence[LocationStock], *, strategy: str, ship_country: str | None) -> list[object]:
    """Locations in the order the strategy prefers them (ties by code, so plans are deterministic)."""
    places: dict[object, LocationStock] = {}
    for s in stock:
        places.setdefault(s.location_key, s)

    def distance(s: LocationStock) -> int:
        return 0 if ship_country and s.country == ship_country else 1

    if strategy == AllocationStrategy.NEAREST:
        key = lambda s: (distance(s), s.priority, s.code)  # noqa: E731
    else:
        key = lambda s: (s.priority, distance(s), s.code)  # noqa: E731
    return [s.location_key for s in sorted(places.values(), key=key)]


def plan_allocation(needs: Sequence[LineNeed], stock: Sequence[LocationStock], *, strategy: str = "fewest_shipments",
                    ship_country: str | None = None) -> AllocationPlan:
    """Split each line's quantity across locations; what no location holds is backordered.

    fewest_shipments picks the smallest set of locations that fills the most units (ranked by priority, then
    nearness); the other strategies fill from locations in their rank order. Lines of one variant share its stock.
    """
    ranked = rank_locations(stock, strategy=strategy, ship_country=ship_country)
    free = {(s.location_key, s.variant_key): max(s.available, 0) for s in stock}
    if strategy == AllocationStrategy.FEWEST_SHIPMENTS and ranked:
        ranked = _fewest_first(needs, free, ranked)
    assignments: list[Assignment] = []
    backordered: dict[object, int] = {}
    for need in needs:
        wanted = need.quantity
        for location in ranked:
            if wanted <= 0:
                break
            take = min(wanted, free.get((location, need.variant_key), 0))
            if take > 0:
                assignments.append(Assignment(need.line_key, location, take))
                free[(location, need.variant_key)] -= take
                wanted -= take
        if wanted > 0:
            backordered[need.line_key] = wanted
    return AllocationPlan(assignments, backordered)


def _filled(needs: Sequence[LineNeed], free: dict[tuple[object, object], int], locations: Sequence[object]) -> int:
    per_variant: dict[object, int] = {}
    for need in needs:
        per_variant[need.variant_key] = per_variant.get(need.variant_key, 0) + need.quantity
    return sum(min(q, sum(free.get((loc, v), 0) for loc in locations)) for v, q in per_variant.items())


def _fewest_first(needs: Sequence[LineNeed], free: dict[tuple[object, object], int],
                  ranked: list[object]) -> list[object]:
    """The ranked locations with the smallest set that fills the most units moved to the front."""
    best = _filled(needs, free, ranked)
    if len(ranked) <= MAX_EXACT_LOCATIONS:
        for size in range(1, len(ranked) + 1):
            for chosen in combinations(ranked, size):  # combinations keep rank order: the first hit is preferred
                if _filled(needs, free, chosen) == best:
                    return list(chosen) + [loc for loc in ranked if loc not in chosen]
        return ranked
    chosen_list: list[object] = []
    while _filled(needs, free, chosen_list) < best:
        gain = max((loc for loc in ranked if loc not in chosen_list),
                   key=lambda loc: _filled(needs, free, [*chosen_list, loc]))
        chosen_list.append(gain)
    return chosen_list + [loc for loc in ranked if loc not in chosen_list]


# ---- quantities ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineProgress:
    sku: str
    name: str
    ordered: int
    shipped: int  # in shipments shipped or delivered (digital: delivered by download)


def remaining_lines(progress: Iterable[LineProgress]) -> list[dict[str, object]]:
    """What is ordered but not yet shipped: the 'ships later' list a shipping email shows."""
    return [{"sku": p.sku, "name": p.name, "quantity": p.ordered - p.shipped}
            for p in progress if p.ordered > p.shipped]


def is_complete(*, fulfillment_status: str, payment_status: str) -> bool:
    return fulfillment_status in ("fulfilled", "delivered") and payment_status == PAID
