"""Order routes: place, read, list, edit, hold, release, cancel, notes, place a draft, reorder."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from orderworks.core.actor import Actor
from orderworks.core.permissions import Permission
from orderworks.core.uow import UnitOfWork
from orderworks.core.web import ERRORS, IdempotencyKey, UowDep, UtcDatetime, idempotent, require
from orderworks.orders.models import Order
from orderworks.orders.rules.status import Channel, FulfillmentStatus, OrderStatus, PaymentStatus
from orderworks.orders.schemas import (
    CancelIn,
    HoldIn,
    NoteIn,
    OrderEditIn,
    OrderIn,
    OrderOut,
    OrderPage,
    OrderSummaryOut,
    ReleaseIn,
    VersionIn,
)
from orderworks.orders.service import editing, lifecycle, placement, queries, reordering

Reader = Annotated[Actor, Depends(require(Permission.ORDERS_READ))]
Writer = Annotated[Actor, Depends(require(Permission.ORDERS_WRITE))]
Show = Callable[[UnitOfWork, "uuid.UUID | str"], OrderOut]


@dataclass(frozen=True)
class OrderPresenter:
    """How the order routes show an order: the model the OpenAPI contract names, and the function that builds it.

    The orders area knows only its own part; the API layer passes a presenter that adds what the areas above
    orders know (payments, invoices, shipments), so every order route answers the whole order."""

    model: type[OrderOut]
    show: Show


def _orders_only(uow: UnitOfWork, order_id: uuid.UUID | str) -> OrderOut:
    view = queries.get_order(uow, order_id)
    return OrderOut.from_view(view.order, view.history, view.notes)


ORDERS_ONLY = OrderPresenter(OrderOut, _orders_only)


def _then_show(show: Show) -> Callable[[UnitOfWork, Callable[[], Order]], Callable[[], OrderOut]]:
    return lambda uow, change: lambda: show(uow, change().id)


def build_router(presenter: OrderPresenter = ORDERS_ONLY) -> APIRouter:
    """The order routes, answering orders as `presenter` shows them."""
    router = APIRouter(prefix="/api/v1/orders", tags=["orders"])
    _reading(router, presenter)
    _placing(router, presenter)
    _lifecycle(router, presenter)
    return router


def _reading(router: APIRouter, presenter: OrderPresenter) -> None:
    """List and read orders."""
    model, show = presenter.model, presenter.show

    @router.get("", responses=ERRORS())
    def list_orders(
        uow: UowDep, actor: Reader,
        status: OrderStatus | None = None, payment_status: PaymentStatus | None = None,
        fulfillment_status: FulfillmentStatus | None = None, channel: Channel | None = None,
        customer_email: Annotated[str | None, Query(max_length=320)] = None,
        created_from: UtcDatetime | None = None, created_to: UtcDatetime | None = None,
        q: Annotated[str | None, Query(max_length=200, description="Order number, email, or start of a name")] = None,
        backordered: bool | None = None,
        cursor: Annotated[str | None, Query(max_length=500)] = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> OrderPage:
        f = queries.OrderFilter(status=status, payment_status=payment_status, fulfillment_status=fulfillment_status,
                                channel=channel, customer_email=customer_email, created_from=created_from,
                                created_to=created_to, q=q, backordered=backordered)
        page = queries.list_orders(uow, f, cursor=cursor, limit=limit)
        return OrderPage(items=[OrderSummaryOut.from_model(o) for o in page.items], next_cursor=page.next_cursor)

    @router.get("/{order_id}", response_model=model, responses=ERRORS(404))
    def get_order(order_id: str, uow: UowDep, actor: Reader) -> OrderOut:
        return show(uow, order_id)


def _placing(router: APIRouter, presenter: OrderPresenter) -> None:
    """Place, edit, reorder and place drafts."""
    model, show = presenter.model, presenter.show
    then_show = _then_show(show)

    @router.post("", status_code=201, response_model=model, responses=ERRORS(404, 409))
    def place_order(body: OrderIn, request: Request, uow: UowDep, actor: Writer,
                    idempotency_key: IdempotencyKey = None) -> JSONResponse:
        """Place an order (or save a draft). Stock is reserved in the same transaction; nothing is written if any
        check fails."""
        return idempotent(request, uow, actor, idempotency_key, body, status_code=201, action=then_show(
            uow, lambda: placement.place_order(uow, body.to_command(), actor=actor)))

    @router.patch("/{order_id}", response_model=model, responses=ERRORS(404, 409))
    def edit_order(order_id: str, body: OrderEditIn, request: Request, uow: UowDep, actor: Writer,
                   idempotency_key: IdempotencyKey = None) -> JSONResponse:
        """Edit an order before payment (send only what changes): it is re-priced and its stock re-reserved in the
        same transaction, or nothing changes."""
        return idempotent(request, uow, actor, idempotency_key, body.as_sent(), action=then_show(
            uow, lambda: editing.edit_order(uow, order_id, actor=actor, changes=body.to_changes(),
                                            expected_version=body.version)))

    @router.post("/{order_id}/reorder", status_code=201, response_model=model, responses=ERRORS(404, 409))
    def reorder(order_id: str, request: Request, uow: UowDep, actor: Writer,
                idempotency_key: IdempotencyKey = None) -> JSONResponse:
        """Start a new draft from this order at today's prices (products no longer for sale are left out)."""
        return idempotent(request, uow, actor, idempotency_key, None, status_code=201, action=then_show(
            uow, lambda: reordering.reorder(uow, order_id, actor=actor)))

    @router.post("/{order_id}/place", response_model=model, responses=ERRORS(404, 409))
    def place_draft(order_id: str, request: Request, uow: UowDep, actor: Writer, body: VersionIn | None = None,
                    idempotency_key: IdempotencyKey = None) -> JSONResponse:
        """Place a draft order at today's prices, reserving its stock."""
        body = body or VersionIn()
        return idempotent(request, uow, actor, idempotency_key, body, action=then_show(
            uow, lambda: lifecycle.place_draft(uow, order_id, actor=actor, expected_version=body.version)))


def _lifecycle(router: APIRouter, presenter: OrderPresenter) -> None:
    """Cancel, hold, release, and notes."""
    model, show = presenter.model, presenter.show
    then_show = _then_show(show)

    @router.post("/{order_id}/cancel", response_model=model, responses=ERRORS(404, 409))
    def cancel_order(order_id: str, body: CancelIn, request: Request, uow: UowDep, actor: Writer,
                     idempotency_key: IdempotencyKey = None) -> JSONResponse:
        return idempotent(request, uow, actor, idempotency_key, body, action=then_show(
            uow, lambda: lifecycle.cancel_order(uow, order_id, actor=actor, reason=body.reason,
                                                expected_version=body.version)))

    @router.post("/{order_id}/hold", response_model=model, responses=ERRORS(404, 409))
    def hold_order(order_id: str, request: Request, uow: UowDep, actor: Writer, body: HoldIn | None = None,
                   idempotency_key: IdempotencyKey = None) -> JSONResponse:
        body = body or HoldIn()
        return idempotent(request, uow, actor, idempotency_key, body, action=then_show(
            uow, lambda: lifecycle.hold_order(uow, order_id, actor=actor, reason=body.reason,
                                              expected_version=body.version)))

    @router.post("/{order_id}/release", response_model=model, responses=ERRORS(404, 409))
    def release_order(order_id: str, request: Request, uow: UowDep, actor: Writer, body: ReleaseIn | None = None,
                      idempotency_key: IdempotencyKey = None) -> JSONResponse:
        body = body or ReleaseIn()
        return idempotent(request, uow, actor, idempotency_key, body, action=then_show(
            uow, lambda: lifecycle.release_order(uow, order_id, actor=actor, note=body.note,
                                                 expected_version=body.version)))

    @router.post("/{order_id}/notes", status_code=201, response_model=model, responses=ERRORS(404))
    def add_note(order_id: str, body: NoteIn, request: Request, uow: UowDep, actor: Writer,
                 idempotency_key: IdempotencyKey = None) -> JSONResponse:
        def change() -> OrderOut:
            note = lifecycle.add_note(uow, order_id, actor=actor, body=body.body,
                                      visible_to_customer=body.visible_to_customer)
            return show(uow, note.order_id)

        return idempotent(request, uow, actor, idempotency_key, body, status_code=201, action=change)
