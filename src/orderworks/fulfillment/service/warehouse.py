"""Warehouse paperwork: pick lists (one order or a batch, grouped by location and bin for a walk), packing slips
(what is in this package and what follows) and dispatch manifests (a carrier's pickup, per location)."""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from orderworks.core.actor import Actor
from orderworks.core.clock import now
from orderworks.core.errors import NotFound, ValidationFailed
from orderworks.core.ids import parse_id
from orderworks.core.numbering import next_number
from orderworks.core.store import get_store
from orderworks.core.uow import UnitOfWork
from orderworks.fulfillment import documents as docs
from orderworks.fulfillment.carriers import CARRIERS
from orderworks.fulfillment.models import Manifest, Package, PickList, Shipment
from orderworks.fulfillment.rules import SHIPPABLE_STATUSES, SHIPPED_STATUSES
from orderworks.fulfillment.service.errors import NothingToShip
from orderworks.fulfillment.service.labels import label_address
from orderworks.fulfillment.service.loading import parse_shipment_id
from orderworks.fulfillment.service.progress import shipped_by_line
from orderworks.inventory.models import StockLevel, StockLocation
from orderworks.inventory.service import get_location_by_code
from orderworks.orders.models import Order


def create_pick_list(uow: UnitOfWork, *, actor: Actor, shipment_ids: list[str] | None = None,
                     order_ids: list[str] | None = None, location: str | None = None) -> tuple[PickList, list[uuid.UUID]]:
    """A pick list for the chosen shipments (or orders, or every ready shipment of a location) that may ship."""
    with uow:
        stmt = select(Shipment).where(Shipment.status.in_(list(SHIPPABLE_STATUSES)))
        if shipment_ids:
            stmt = stmt.where(Shipment.id.in_([parse_shipment_id(s) for s in shipment_ids]))
        if order_ids:
            stmt = stmt.where(Shipment.order_id.in_([parse_id(o, what="order", field="order_ids") for o in order_ids]))
        if location:
            stmt = stmt.where(Shipment.location_id == get_location_by_code(uow.session, location).id)
        if not (shipment_ids or order_ids or location):
            raise ValidationFailed("Choose shipments, orders or a location", field="shipment_ids")
        chosen = list(uow.session.execute(stmt.order_by(Shipment.created_at, Shipment.id).limit(500)
                                          .with_for_update()).scalars())
        if not chosen:
            raise NothingToShip("None of these shipments is ready to pick", field="shipment_ids")
        pick_list = PickList(ref=f"PL-{next_number(uow.session, 'pick_list', start=1):05d}", created_at=now(),
                             created_by=actor.name)
        uow.session.add(pick_list)
        uow.session.flush()
        for shipment in chosen:
            shipment.pick_list_id = pick_list.id
        ids = [s.id for s in chosen]
        uow.commit()
    return pick_list, ids


def pick_list_pdf(uow: UnitOfWork, pick_list_id: str | uuid.UUID) -> tuple[str, bytes]:
    with uow:
        pick_list = uow.session.get(PickList, parse_id(pick_list_id, what="pick list", field="pick_list_id"))
        if pick_list is None:
            raise NotFound(f"No pick list '{pick_list_id}'", field="pick_list_id")
        shipments = list(uow.session.execute(select(Shipment).where(Shipment.pick_list_id == pick_list.id)
                                             .options(selectinload(Shipment.lines))).scalars())
        locations = {loc.id: loc for loc in uow.session.execute(select(StockLocation).where(
            StockLocation.id.in_({s.location_id for s in shipments}))).scalars()}
        numbers = {o: n for o, n in uow.session.execute(select(Order.id, Order.number).where(
            Order.id.in_({s.order_id for s in shipments})))}
        bins = {(v, loc): b for v, loc, b in uow.session.execute(select(
            StockLevel.variant_id, StockLevel.location_id, StockLevel.bin).where(
            StockLevel.variant_id.in_({line.variant_id for s in shipments for line in s.lines})))}
        locale = get_store(uow.session).locale
        entries = [docs.PickListEntry(location_code=locations[s.location_id].code,
                                      location_name=locations[s.location_id].name,
                                      bin=bins.get((line.variant_id, s.location_id)), sku=line.sku, name=line.name,
                                      quantity=line.quantity, order_number=numbers.get(s.order_id, ""),
                                      shipment_ref=s.ref)
                   for s in shipments for line in s.lines]
        doc = docs.PickList(ref=pick_list.ref, created_at=pick_list.created_at, entries=entries, locale=locale)
    return f"{pick_list.ref}.pdf", docs.render_pick_list(doc)


def packing_slip_pdf(uow: UnitOfWork, shipment_id: str | uuid.UUID) -> tuple[str, bytes]:
    """The slip in the box: every line of the order, what is in this package, what shipped before, what follows."""
    with uow:
        shipment = uow.session.execute(select(Shipment).where(Shipment.id == parse_shipment_id(shipment_id))
                                       .options(selectinload(Shipment.lines))).scalar_one_or_none()
        if shipment is None:
            raise NotFound(f"No shipment '{shipment_id}'", field="shipment_id")
        order = uow.session.execute(select(Order).where(Order.id == shipment.order_id)
                                    .options(selectinload(Order.lines))).scalar_one()
        shipped, _ = shipped_by_line(uow.session, order.id)
        here: dict[uuid.UUID, int] = defaultdict(int)
        for item in shipment.lines:
            here[item.order_line_id] += item.quantity
        this_shipped = shipment.status in SHIPPED_STATUSES
        lines = []
        for line in order.lines:
            if not line.shippable:
                continue
            earlier = shipped.get(line.id, 0) - (here[line.id] if this_shipped else 0)
            lines.append(docs.PackingSlipLine(sku=line.sku, name=line.name, ordered=line.quantity,
                                              in_this_package=here[line.id], shipped_earlier=max(earlier, 0),
                                              to_follow=max(line.quantity - here[line.id] - max(earlier, 0), 0)))
        store = get_store(uow.session)
        slip = docs.PackingSlip(
            store_name=store.name, store_address=label_address(store.address, fallback_name=store.name)
            if store.address else None, order_number=order.number, order_date=order.placed_at or order.created_at,
            shipment_ref=shipment.ref, ship_to=label_address(order.shipping_address, fallback_name=order.customer_name),
            lines=lines, locale=store.locale, note=order.notes or None)
    return f"packing-slip-{shipment.ref}.pdf", docs.render_packing_slip(slip)


def close_manifest(uow: UnitOfWork, *, carrier: str, location: str, actor: Actor) -> Manifest:
    """End of day: every shipped package of a carrier at a location not yet on a manifest goes on a new one."""
    carrier = carrier.strip().lower()
    with uow:
        loc = get_location_by_code(uow.session, location)
        packages = list(uow.session.execute(
            select(Package).join(Shipment, Shipment.id == Package.shipment_id)
            .where(Shipment.location_id == loc.id, Shipment.status.in_(list(SHIPPED_STATUSES)),
                   Package.carrier == carrier, Package.manifest_id.is_(None))
            .order_by(Package.shipped_at, Package.id).with_for_update(of=Package)).scalars())
        if not packages:
            raise NothingToShip(f"No shipped {carrier} packages at {location} wait for a manifest", field="carrier")
        manifest = Manifest(number=f"MF-{next_number(uow.session, 'manifest', start=1):05d}", carrier=carrier,
                            location_id=loc.id, closed_at=now(), package_count=len(packages), created_by=actor.name)
        uow.session.add(manifest)
        uow.session.flush()
        for package in packages:
            package.manifest_id = manifest.id
        uow.commit()
    return manifest


def manifest_packages(uow: UnitOfWork, manifest_id: uuid.UUID) -> list[tuple[Package, str, str]]:
    """(package, order number, shipment ref) of a manifest, in the order they were shipped."""
    return [(p, n, r) for p, n, r in uow.session.execute(
        select(Package, Order.number, Shipment.ref).join(Shipment, Shipment.id == Package.shipment_id)
        .join(Order, Order.id == Shipment.order_id).where(Package.manifest_id == manifest_id)
        .order_by(Package.shipped_at, Package.id))]


def get_manifest(uow: UnitOfWork, manifest_id: str | uuid.UUID) -> tuple[Manifest, str, list[tuple[Package, str, str]]]:
    with uow:
        manifest = uow.session.get(Manifest, parse_id(manifest_id, what="manifest", field="manifest_id"))
        if manifest is None:
            raise NotFound(f"No manifest '{manifest_id}'", field="manifest_id")
        location = uow.session.get(StockLocation, manifest.location_id)
        return manifest, location.code if location else "", manifest_packages(uow, manifest.id)


def manifest_pdf(uow: UnitOfWork, manifest_id: str | uuid.UUID) -> tuple[str, bytes]:
    with uow:
        manifest, code, packages = get_manifest(uow, manifest_id)
        location = uow.session.get(StockLocation, manifest.location_id)
        doc = docs.ManifestDoc(
            number=manifest.number, carrier=manifest.carrier,
            carrier_name=CARRIERS.get(manifest.carrier, manifest.carrier.upper()), location_code=code,
            location_name=location.name if location else code, closed_at=manifest.closed_at,
            packages=[docs.ManifestPackage(tracking_number=p.tracking_number or "", order_number=n, shipment_ref=r,
                                           weight_grams=p.weight_grams) for p, n, r in packages],
            locale=get_store(uow.session).locale)
    return f"{manifest.number}.pdf", docs.render_manifest(doc)
