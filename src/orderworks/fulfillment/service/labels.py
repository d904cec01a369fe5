"""Shipping labels through the Carrier port, claimed first (DESIGN rule 4): a package's label is claimed with an
idempotency key in one transaction, bought from the carrier, and recorded in another. A crash between leaves a
`processing` claim whose retry sends the same key, so the carrier returns the same label: never two labels."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from orderworks.core.actor import Actor
from orderworks.core.errors import NotFound
from orderworks.core.ids import new_id
from orderworks.core.store import get_store
from orderworks.core.uow import UnitOfWork
from orderworks.fulfillment.carriers import Carrier, CarrierError, LabelAddress, LabelRequest, Parcel
from orderworks.fulfillment.models import Package, Shipment
from orderworks.fulfillment.rules import SHIPPABLE_STATUSES
from orderworks.fulfillment.service.errors import LabelFailed, OrderMayNotShip
from orderworks.fulfillment.service.readiness import order_may_ship
from orderworks.fulfillment.service.shipping import _locked
from orderworks.fulfillment.service.timeline import record
from orderworks.orders.models import Order

DEFAULT_BOX_MM = (300, 200, 150)
MIN_WEIGHT_GRAMS = 100


def label_address(data: dict[str, Any] | None, *, fallback_name: str = "") -> LabelAddress:
    d = data or {}
    return LabelAddress(name=d.get("name") or fallback_name, company=d.get("company") or None,
                        line1=d.get("line1") or "", line2=d.get("line2") or None, city=d.get("city") or "",
                        region=d.get("region") or None, postal_code=d.get("postal_code") or None,
                        country=d.get("country") or "US", phone=d.get("phone") or None)


def _claim(uow: UnitOfWork, shipment_id: str | uuid.UUID) -> tuple[uuid.UUID, LabelRequest | None]:
    """Step 1: the package (the first without a label) claimed with its key; no request when it has a label."""
    with uow:
        order, shipment = _locked(uow, shipment_id)
        store = get_store(uow.session)
        if shipment.status not in SHIPPABLE_STATUSES or not order_may_ship(uow.session, order, store):
            raise OrderMayNotShip(f"Shipment {shipment.ref} is {shipment.status}: no label until it may ship",
                                  field="shipment_id")
        package = next((p for p in shipment.packages if p.label_status != "purchased"), None)
        if package is None and shipment.packages:
            return shipment.packages[0].id, None
        if package is None:
            package = Package(id=new_id(), shipment_id=shipment.id, position=0, label_status="none")
            shipment.packages.append(package)
        if package.label_status != "processing":
            package.label_status, package.label_key = "processing", f"label-{package.id}"
        request = LabelRequest(
            idempotency_key=package.label_key or f"label-{package.id}",
            ship_from=label_address(store.address, fallback_name=store.name),
            ship_to=label_address(order.shipping_address, fallback_name=order.customer_name),
            parcel=_parcel(order, shipment, package), service=shipment.service, reference=shipment.ref)
        uow.commit()
    return package.id, request


def _parcel(order: Order, shipment: Shipment, package: Package) -> Parcel:
    weights = {line.id: line.unit_weight_grams for line in order.lines}
    weight = package.weight_grams or sum(weights.get(sl.order_line_id, 0) * sl.quantity for sl in shipment.lines)
    length, width, height = DEFAULT_BOX_MM
    return Parcel(weight_grams=max(weight, MIN_WEIGHT_GRAMS), length_mm=package.length_mm or length,
                  width_mm=package.width_mm or width, height_mm=package.height_mm or height)


def buy_label(new_uow: Any, shipment_id: str | uuid.UUID, *, carrier: Carrier, actor: Actor) -> Package:
    """Buy the shipment's next label from a carrier (claim, call, record); a package already labelled is
    returned as it is."""
    package_id, request = _claim(new_uow(), shipment_id)
    if request is not None:
        try:
            label = carrier.buy_label(request)
        except CarrierError as exc:
            _record_failure(new_uow(), package_id, exc, actor=actor)
            raise LabelFailed(f"{carrier.name} refused the label: {exc.message}", field="carrier",
                              details={"carrier_code": exc.code, "retryable": exc.retryable}) from exc
        _record_label(new_uow(), package_id, label, carrier_code=carrier.code, actor=actor)
    return package_of(new_uow(), package_id)


def _record_label(uow: UnitOfWork, package_id: uuid.UUID, label: Any, *, carrier_code: str, actor: Actor) -> None:
    with uow:
        package = uow.session.get(Package, package_id)
        assert package is not None
        order, shipment = _locked(uow, package.shipment_id)
        package = next(p for p in shipment.packages if p.id == package_id)
        if package.label_status == "purchased":
            return
        package.label_status, package.label_error = "purchased", None
        package.tracking_number, package.carrier, package.service = label.tracking_number, label.carrier, label.service
        package.label_pdf, package.label_cost, package.label_currency = label.label_pdf, label.cost, label.currency
        shipment.carrier = shipment.carrier or label.carrier
        shipment.service = shipment.service or label.service
        record(uow.session, order, shipment, actor=actor, action="label_purchased", before=shipment.status,
               data={"carrier": label.carrier, "via": carrier_code, "tracking_number": label.tracking_number,
                     "cost": label.cost, "currency": label.currency})
        uow.commit()


def _record_failure(uow: UnitOfWork, package_id: uuid.UUID, exc: CarrierError, *, actor: Actor) -> None:
    with uow:
        package = uow.session.get(Package, package_id, with_for_update=True)
        if package is not None and package.label_status == "processing":
            # A retryable failure keeps the claim (and its key): the retry may find the label was made after all.
            package.label_status = "processing" if exc.retryable else "failed"
            package.label_error = f"{exc.code}: {exc.message}"[:500]
        uow.commit()


def package_of(uow: UnitOfWork, package_id: uuid.UUID) -> Package:
    with uow:
        package = uow.session.get(Package, package_id)
        if package is None:
            raise NotFound(f"No package '{package_id}'", field="package_id")
        return package


def label_pdf(uow: UnitOfWork, shipment_id: uuid.UUID) -> tuple[str, bytes]:
    """The shipment's label PDF (its first labelled package's) and the file name."""
    with uow:
        row = uow.session.execute(
            select(Shipment.ref, Package.label_pdf).join(Package, Package.shipment_id == Shipment.id)
            .where(Shipment.id == shipment_id, Package.label_status == "purchased")
            .order_by(Package.position).limit(1)).first()
    if row is None or row[1] is None:
        raise NotFound("The shipment has no label yet: buy one first (POST .../label)", field="shipment_id")
    return f"label-{row[0]}.pdf", bytes(row[1])
