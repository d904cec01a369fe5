"""The order page's shipments: Ship (carrier and tracking number), buy a label from the built-in carrier, Mark
delivered; the packing slip, label and pick list PDFs. Each change is one fulfilment use case."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from orderworks.backoffice.service import Staff
from orderworks.backoffice.views.order import done
from orderworks.backoffice.web.auth import ReadUowDep, UowDep, allowed
from orderworks.core.errors import ValidationFailed
from orderworks.core.permissions import Permission
from orderworks.core.uow import UnitOfWork
from orderworks.fulfillment.carriers import CarrierError, get_carrier
from orderworks.fulfillment.service.labels import buy_label, label_pdf
from orderworks.fulfillment.service.shipping import deliver_shipment, ship_shipment
from orderworks.fulfillment.service.warehouse import packing_slip_pdf, pick_list_pdf

router = APIRouter()
Reader = Annotated[Staff, Depends(allowed(Permission.ORDERS_READ))]
Shipper = Annotated[Staff, Depends(allowed(Permission.FULFILLMENT_WRITE))]
LABEL_CARRIER = "builtin"  # labels bought from the back office; EasyPost when configured is a later choice


def pdf(name: str, body: bytes) -> Response:
    return Response(body, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


@router.post("/orders/{order_id}/shipments/{shipment_id}/ship")
def ship(order_id: uuid.UUID, shipment_id: uuid.UUID, request: Request, staff: Shipper, uow: UowDep,
         carrier: Annotated[str, Form(max_length=32)] = "",
         tracking_number: Annotated[str, Form(max_length=500)] = "") -> Response:
    numbers = [n.strip() for n in tracking_number.replace(",", " ").split() if n.strip()]
    shipment = ship_shipment(uow, shipment_id, carrier=carrier, tracking_numbers=numbers, actor=staff.actor)
    return done(request, order_id, f"Shipment {shipment.ref} shipped with {shipment.carrier}"
                                   + (f" ({', '.join(shipment.tracking_numbers)})." if shipment.tracking_numbers else "."))


@router.post("/orders/{order_id}/shipments/{shipment_id}/deliver")
def deliver(order_id: uuid.UUID, shipment_id: uuid.UUID, request: Request, staff: Shipper, uow: UowDep) -> Response:
    shipment = deliver_shipment(uow, shipment_id, actor=staff.actor)
    return done(request, order_id, f"Shipment {shipment.ref} is delivered.")


@router.post("/orders/{order_id}/shipments/{shipment_id}/label")
def label(order_id: uuid.UUID, shipment_id: uuid.UUID, request: Request, staff: Shipper) -> Response:
    factory = request.app.state.session_factory
    try:
        carrier = get_carrier(LABEL_CARRIER, request.app.state.settings)
    except CarrierError as exc:
        raise ValidationFailed(exc.message, field="carrier") from exc
    package = buy_label(lambda: UnitOfWork(factory), shipment_id, carrier=carrier, actor=staff.actor)
    return done(request, order_id, f"Label bought from {carrier.name}: tracking number {package.tracking_number}.")


@router.get("/shipments/{shipment_id}/packing-slip.pdf")
def packing_slip(shipment_id: uuid.UUID, staff: Reader, uow: ReadUowDep) -> Response:
    return pdf(*packing_slip_pdf(uow, shipment_id))


@router.get("/shipments/{shipment_id}/label.pdf")
def label_document(shipment_id: uuid.UUID, staff: Reader, uow: ReadUowDep) -> Response:
    return pdf(*label_pdf(uow, shipment_id))


@router.get("/pick-lists/{pick_list_id}.pdf")
def pick_list(pick_list_id: uuid.UUID, staff: Reader, uow: ReadUowDep) -> Response:
    return pdf(*pick_list_pdf(uow, pick_list_id))
