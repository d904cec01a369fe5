"""Pure allocation of requested quantities to stock locations."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MAX_ON_HAND = 2**31 - 1  # stock levels are INTEGER columns (32-bit on PostgreSQL)


class MovementKind(StrEnum):
    RECEIPT = "receipt"
    ADJUSTMENT = "adjustment"
    COUNT = "count"
    RESERVATION = "reservation"
    RELEASE = "release"
    SHIPMENT = "shipment"


@dataclass(frozen=True)
class Availability:
    level_key: object  # opaque to the rules: whatever identifies the level
    variant_key: object
    priority: tuple[int, str]  # (location priority, location code): lower first
    available: int
    location_key: object = None


@dataclass(frozen=True)
class Take:
    request_index: int
    level_key: object
    quantity: int


def allocate(requests: list[tuple[object, int]], levels: list[Availability]) -> tuple[list[Take], list[int]]:
    """Fill each (variant, quantity) request from levels in priority order, splitting across locations.

    Returns what to take from which level, and the shortfall per request (0 when filled). Requests for the
    same variant share its availability, first come first served, so two lines never count the same unit.
    """
    remaining = {lv.level_key: max(lv.available, 0) for lv in levels}
    by_variant: dict[object, list[Availability]] = {}
    for lv in sorted(levels, key=lambda lv: lv.priority):
        by_variant.setdefault(lv.variant_key, []).append(lv)
    takes: list[Take] = []
    shortfalls: list[int] = []
    for index, (variant_key, quantity) in enumerate(requests):
        wanted = quantity
        for lv in by_variant.get(variant_key, []):
            if wanted == 0:
                break
            take = min(wanted, remaining[lv.level_key])
            if take > 0:
                takes.append(Take(index, lv.level_key, take))
                remaining[lv.level_key] -= take
                wanted -= take
        shortfalls.append(wanted)
    return takes, shortfalls
