"""The order a picker walks the warehouse in: pure, no I/O."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol, TypeVar

_PARTS = re.compile(r"(\d+)")


class Pickable(Protocol):
    @property
    def location_code(self) -> str: ...
    @property
    def bin(self) -> str | None: ...
    @property
    def sku(self) -> str: ...


P = TypeVar("P", bound=Pickable)


def natural_key(text: str | None) -> tuple[tuple[int, int, str], ...]:
    """A key that sorts "A-2" before "A-10": digit runs compare as numbers, the rest case-insensitively."""
    if not text:
        return ()
    key: list[tuple[int, int, str]] = []
    for i, part in enumerate(_PARTS.split(text)):
        if not part:
            continue
        # a digit run sorts before letters at the same place, as "A-2" < "A-B" in a warehouse's aisles
        key.append((0, int(part), part) if i % 2 else (1, 0, part.casefold()))
    return tuple(key)


def walk_key(entry: Pickable) -> tuple[object, ...]:
    """Location, then bin in natural order (entries without a bin last in their location), then SKU; the order
    and shipment (when the entry has them) break ties, so the same entries always print in the same order."""
    return (entry.location_code, entry.bin is None, natural_key(entry.bin), entry.bin or "",
            natural_key(entry.sku), entry.sku, str(getattr(entry, "order_number", "")),
            str(getattr(entry, "shipment_ref", "")))


def walk_order(entries: Iterable[P]) -> list[P]:
    """The entries in the order a picker walks: by location, then bin (A-2 before A-10), then SKU."""
    return sorted(entries, key=walk_key)
