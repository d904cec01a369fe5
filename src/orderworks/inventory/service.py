"""Inventory use cases: stock locations, receiving, adjusting and counting stock, reading levels, and checking
that the ledger still adds up to the levels."""

from __future__ import annotations

from dataclasses import dataclass

import pycountry
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orderworks.catalog.models import Variant
from orderworks.core.actor import Actor
from orderworks.core.errors import AlreadyExists, Conflict, NotFound, ValidationFailed
from orderworks.core.ids import new_id
from orderworks.core.uow import UnitOfWork
from orderworks.inventory.events import StockChanged
from orderworks.inventory.models import StockLevel, StockLocation, StockMovement
from orderworks.inventory.rules import MAX_ON_HAND, MovementKind


class InsufficientStock(Conflict):
    code = "insufficient_stock"


def _check_country(country: str) -> str:
    if pycountry.countries.get(alpha_2=country.upper()) is None:
        raise ValidationFailed(f"'{country}' is not an ISO 3166 country code", field="country")
    return country.upper()


def create_location(uow: UnitOfWork, *, code: str, name: str, country: str, kind: str = "warehouse",
                    region: str | None = None, priority: int = 100) -> StockLocation:
    """Open a warehouse or store that holds stock and ships orders."""
    if kind not in ("warehouse", "store"):
        raise ValidationFailed("kind must be 'warehouse' or 'store'", field="kind")
    country = _check_country(country)
    with uow:
        if uow.session.execute(select(StockLocation.id).where(StockLocation.code == code)).first():
            raise AlreadyExists(f"Location '{code}' already exists", field="code")
        location = StockLocation(code=code, name=name, country=country, kind=kind, region=region, priority=priority)
        uow.session.add(location)
        uow.commit()
    return location


def update_location(uow: UnitOfWork, code: str, changes: dict[str, object]) -> StockLocation:
    """Rename a location, change its shipping priority, or close it (inactive locations ship nothing)."""
    with uow:
        location = get_location_by_code(uow.session, code)
        for name in ("name", "region", "priority", "active"):
            if changes.get(name) is not None:
                setattr(location, name, changes[name])
        if changes.get("country") is not None:
            location.country = _check_country(str(changes["country"]))
        uow.commit()
    return location


def list_locations(uow: UnitOfWork) -> list[StockLocation]:
    with uow:
        return list(uow.session.execute(select(StockLocation).order_by(StockLocation.priority,
                                                                       StockLocation.code)).scalars())


def get_location_by_code(session: Session, code: str, *, field: str = "location") -> StockLocation:
    location = session.execute(select(StockLocation).where(StockLocation.code == code)).scalar_one_or_none()
    if location is None:
        raise NotFound(f"No stock location '{code}'", field=field)
    return location


def get_variant_by_sku(session: Session, sku: str, *, field: str = "sku") -> Variant:
    variant = session.execute(select(Variant).where(Variant.sku == sku)).scalar_one_or_none()
    if variant is None:
        raise NotFound(f"No product with SKU '{sku}'", field=field)
    return variant


def _level_for_update(session: Session, variant: Variant, location: StockLocation, bin: str | None) -> StockLevel:
    stmt = select(StockLevel).where(StockLevel.variant_id == variant.id,
                                    StockLevel.location_id == location.id).with_for_update()
    level = session.execute(stmt).scalar_one_or_none()
    if level is None:
        level = StockLevel(id=new_id(), variant_id=variant.id, location_id=location.id, on_hand=0, reserved=0)
        session.add(level)
        session.flush()
    if bin is not None:
        level.bin = bin
    return level


@dataclass(frozen=True)
class StockChange:
    sku: str
    location: str
    on_hand: int
    reserved: int
    available: int


def adjust_stock(uow: UnitOfWork, *, sku: str, location: str, quantity: int, reason: str, actor: Actor,
                 bin: str | None = None) -> StockChange:
    """Receive stock (positive quantity) or write it off (negative), with the reason in the ledger.

    Stock reserved for orders cannot be written off here: count the shelf instead, so the shortfall shows.
    """
    if quantity == 0:
        raise ValidationFailed("quantity must not be zero", field="quantity")
    kind = MovementKind.RECEIPT if quantity > 0 else MovementKind.ADJUSTMENT
    with uow:
        variant = get_variant_by_sku(uow.session, sku)
        loc = get_location_by_code(uow.session, location)
        level = _level_for_update(uow.session, variant, loc, bin)
        if level.on_hand + quantity < level.reserved:
            raise InsufficientStock(
                f"SKU {sku} at {location}: cannot remove {-quantity}, only {level.on_hand - level.reserved} "
                "are not reserved for orders", field="quantity")
        if level.on_hand + quantity > MAX_ON_HAND:
            raise ValidationFailed(f"SKU {sku} at {location} would hold more than {MAX_ON_HAND} units",
                                   field="quantity")
        level.on_hand += quantity
        return _record(uow, level, variant, loc, kind, quantity, reason, actor)


def count_stock(uow: UnitOfWork, *, sku: str, location: str, counted: int, reason: str, actor: Actor,
                bin: str | None = None) -> StockChange:
    """Record what a stock count found on the shelf; the ledger gets the difference."""
    if counted < 0:
        raise ValidationFailed("counted cannot be negative", field="counted")
    with uow:
        variant = get_variant_by_sku(uow.session, sku)
        loc = get_location_by_code(uow.session, location)
        level = _level_for_update(uow.session, variant, loc, bin)
        delta = counted - level.on_hand
        level.on_hand = counted
        return _record(uow, level, variant, loc, MovementKind.COUNT, delta, reason or "stock count", actor)


def _record(uow: UnitOfWork, level: StockLevel, variant: Variant, loc: StockLocation, kind: MovementKind,
            delta: int, reason: str, actor: Actor) -> StockChange:
    uow.session.add(StockMovement(id=new_id(), variant_id=variant.id, location_id=loc.id, kind=kind,
                                  on_hand_delta=delta, reserved_delta=0, reason=reason, actor=actor.name))
    available = level.on_hand - level.reserved
    uow.outbox.add(StockChanged(aggregate_id=variant.sku, sku=variant.sku, location=loc.code, kind=kind,
                                delta=delta, on_hand=level.on_hand, available=available, reason=reason))
    uow.commit()
    return StockChange(variant.sku, loc.code, level.on_hand, level.reserved, available)


@dataclass(frozen=True)
class LocationStock:
    location: str
    location_name: str
    on_hand: int
    reserved: int
    available: int
    bin: str | None


def stock_for_sku(uow: UnitOfWork, sku: str) -> list[LocationStock]:
    """On hand, reserved and available per location for one SKU."""
    with uow:
        variant = get_variant_by_sku(uow.session, sku)
        rows = uow.session.execute(
            select(StockLocation.code, StockLocation.name, StockLevel.on_hand, StockLevel.reserved, StockLevel.bin)
            .join(StockLocation, StockLocation.id == StockLevel.location_id)
            .where(StockLevel.variant_id == variant.id)
            .order_by(StockLocation.priority, StockLocation.code)
        ).all()
    return [LocationStock(r[0], r[1], r[2], r[3], r[2] - r[3], r[4]) for r in rows]


@dataclass(frozen=True)
class LedgerMismatch:
    sku: str
    location: str
    level_on_hand: int
    ledger_on_hand: int
    level_reserved: int
    ledger_reserved: int


def ledger_mismatches(uow: UnitOfWork) -> list[LedgerMismatch]:
    """Rebuild every level from the ledger and list the ones that disagree (empty when all is well)."""
    ledger = (
        select(StockMovement.variant_id, StockMovement.location_id,
               func.sum(StockMovement.on_hand_delta).label("on_hand"),
               func.sum(StockMovement.reserved_delta).label("reserved"))
        .group_by(StockMovement.variant_id, StockMovement.location_id).subquery()
    )
    stmt = (
        select(Variant.sku, StockLocation.code, StockLevel.on_hand, func.coalesce(ledger.c.on_hand, 0),
               StockLevel.reserved, func.coalesce(ledger.c.reserved, 0))
        .select_from(StockLevel)
        .join(Variant, Variant.id == StockLevel.variant_id)
        .join(StockLocation, StockLocation.id == StockLevel.location_id)
        .outerjoin(ledger, (ledger.c.variant_id == StockLevel.variant_id)
                   & (ledger.c.location_id == StockLevel.location_id))
    )
    with uow:
        rows = uow.session.execute(stmt).all()
    return [LedgerMismatch(*r) for r in rows if r[2] != r[3] or r[4] != r[5]]
