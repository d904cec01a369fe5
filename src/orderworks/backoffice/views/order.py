"""The order page and its actions: hold, release, cancel, notes, reorder, place a draft; payments (capture, void,
refund, record offline, charge a card); invoice download. Each action calls one use case and answers the page
body again (htmx swaps #order) with a message; a refusal shows in the flash area."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import unquote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from orderworks.backoffice.order_page import load_order_page
from orderworks.backoffice.service import Staff
from orderworks.backoffice.web.auth import ReadUowDep, UowDep, allowed
from orderworks.backoffice.web.flash import flash
from orderworks.backoffice.web.gateway import GatewayDep
from orderworks.backoffice.web.templating import render
from orderworks.core.errors import ValidationFailed
from orderworks.core.money import format_money, parse_amount
from orderworks.core.permissions import Permission
from orderworks.core.uow import UnitOfWork
from orderworks.invoicing.documents import render_pdf
from orderworks.invoicing.service import resend_invoice
from orderworks.invoicing.service.queries import get_invoice
from orderworks.orders.service.lifecycle import add_note, cancel_order, hold_order, place_draft, release_order
from orderworks.orders.service.queries import order_currency
from orderworks.orders.service.reordering import reorder
from orderworks.payments.cards import CardDetails
from orderworks.payments.service.authorize import authorize_payment
from orderworks.payments.service.capture import capture_payment, void_payment
from orderworks.payments.service.errors import CardDeclined
from orderworks.payments.service.offline import record_offline_payment
from orderworks.payments.service.queries import currency_of_payment
from orderworks.payments.service.recording import raise_if_failed
from orderworks.payments.service.refund import refund_payment

router = APIRouter()
Reader = Annotated[Staff, Depends(allowed(Permission.ORDERS_READ))]
Writer = Annotated[Staff, Depends(allowed(Permission.ORDERS_WRITE))]
Payer = Annotated[Staff, Depends(allowed(Permission.PAYMENTS_WRITE))]
Refunder = Annotated[Staff, Depends(allowed(Permission.REFUNDS_WRITE))]


def _page(request: Request, uow: UnitOfWork, order_id: str | uuid.UUID, *, fragment: bool) -> Response:
    page = load_order_page(uow, order_id)
    return render(request, "order/_body.html" if fragment else "order/page.html", {"active": "orders", "p": page})


def done(request: Request, order_id: str | uuid.UUID, message: str) -> Response:
    """After an action: the page body again, fresh, with `message` (htmx swaps #order)."""
    flash(request, message)
    return _page(request, UnitOfWork(request.app.state.session_factory, read_only=True), order_id, fragment=True)


def _amount(text: str, currency: str) -> int | None:
    return parse_amount(text.strip(), currency) if text.strip() else None


def _reason(request: Request, given: str) -> str:
    """A reason from the form, or what the person typed into htmx's prompt (sent as the HX-Prompt header)."""
    return (given or unquote(request.headers.get("hx-prompt", "")))[:500]


@router.get("/orders/{order_id}")
def order_page(order_id: uuid.UUID, request: Request, staff: Reader, uow: ReadUowDep) -> Response:
    return _page(request, uow, order_id, fragment=False)


@router.post("/orders/{order_id}/invoices/{invoice_id}/resend")
def resend(order_id: uuid.UUID, invoice_id: uuid.UUID, request: Request, staff: Writer, uow: UowDep) -> Response:
    invoice = resend_invoice(uow, invoice_id, actor=staff.actor)
    return done(request, order_id, f"Invoice {invoice.number} will be emailed to the customer again.")


@router.post("/orders/{order_id}/hold")
def hold(order_id: uuid.UUID, request: Request, staff: Writer, uow: UowDep,
         reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    order = hold_order(uow, order_id, actor=staff.actor, reason=_reason(request, reason))
    return done(request, order_id, f"Order #{order.number} is on hold.")


@router.post("/orders/{order_id}/release")
def release(order_id: uuid.UUID, request: Request, staff: Writer, uow: UowDep) -> Response:
    order = release_order(uow, order_id, actor=staff.actor)
    return done(request, order_id, f"Order #{order.number} is released.")


@router.post("/orders/{order_id}/cancel")
def cancel(order_id: uuid.UUID, request: Request, staff: Writer, uow: UowDep,
           reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    order = cancel_order(uow, order_id, actor=staff.actor, reason=_reason(request, reason))
    return done(request, order_id, f"Order #{order.number} is canceled; its stock is back on sale.")


@router.post("/orders/{order_id}/notes")
def note(order_id: uuid.UUID, request: Request, staff: Writer, uow: UowDep,
         body: Annotated[str, Form(max_length=5000)] = "", visible_to_customer: Annotated[bool, Form()] = False
         ) -> Response:
    add_note(uow, order_id, actor=staff.actor, body=body, visible_to_customer=visible_to_customer)
    return done(request, order_id, "Note added.")


@router.post("/orders/{order_id}/reorder")
def reorder_order(order_id: uuid.UUID, request: Request, staff: Writer, uow: UowDep) -> Response:
    draft = reorder(uow, order_id, actor=staff.actor)
    target = f"{request.scope.get('root_path', '')}/orders/{draft.id}"
    return Response(status_code=204, headers={"HX-Location": target})


@router.post("/orders/{order_id}/place")
def place(order_id: uuid.UUID, request: Request, staff: Writer, uow: UowDep) -> Response:
    order = place_draft(uow, order_id, actor=staff.actor)
    return done(request, order_id, f"Order #{order.number} is placed at today's prices.")


@router.post("/orders/{order_id}/payments/{payment_id}/capture")
def capture(order_id: uuid.UUID, payment_id: uuid.UUID, request: Request, staff: Payer, uow: UowDep,
            gateway: GatewayDep, amount: Annotated[str, Form(max_length=32)] = "") -> Response:
    taken = _amount(amount, currency_of_payment(uow, payment_id))
    outcome = raise_if_failed(capture_payment(uow, gateway, payment_id, actor=staff.actor, amount=taken))
    return done(request, order_id, f"Captured {format_money(outcome.transaction.amount, outcome.payment.currency)}.")


@router.post("/orders/{order_id}/payments/{payment_id}/void")
def void(order_id: uuid.UUID, payment_id: uuid.UUID, request: Request, staff: Payer, uow: UowDep,
         gateway: GatewayDep, reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    raise_if_failed(void_payment(uow, gateway, payment_id, actor=staff.actor, reason=reason))
    return done(request, order_id, "The authorization is voided: the customer's bank releases the money.")


@router.post("/orders/{order_id}/payments/{payment_id}/refund")
def refund(order_id: uuid.UUID, payment_id: uuid.UUID, request: Request, staff: Refunder, uow: UowDep,
           gateway: GatewayDep, reason: Annotated[str, Form(max_length=500)] = "",
           amount: Annotated[str, Form(max_length=32)] = "") -> Response:
    given = _amount(amount, currency_of_payment(uow, payment_id))
    outcome = raise_if_failed(refund_payment(uow, gateway, payment_id, actor=staff.actor, reason=reason,
                                             amount=given))
    return done(request, order_id, f"Refunded {format_money(outcome.transaction.amount, outcome.payment.currency)}.")


@router.post("/orders/{order_id}/payments/offline")
def offline(order_id: uuid.UUID, request: Request, staff: Payer, uow: UowDep,
            method: Annotated[str, Form(max_length=32)] = "", amount: Annotated[str, Form(max_length=32)] = "",
            reference: Annotated[str, Form(max_length=200)] = "") -> Response:
    given = _amount(amount, order_currency(uow, order_id))
    outcome = record_offline_payment(uow, order_id, method=method, actor=staff.actor, amount=given,
                                     reference=reference)
    return done(request, order_id,
                 f"Recorded {format_money(outcome.payment.amount, outcome.payment.currency)} received by "
                 f"{method.replace('_', ' ')}.")


@router.post("/orders/{order_id}/payments/card")
def charge(order_id: uuid.UUID, request: Request, staff: Payer, uow: UowDep, gateway: GatewayDep,
           number: Annotated[str, Form(max_length=40)] = "", expiry: Annotated[str, Form(max_length=7)] = "",
           cvc: Annotated[str, Form(max_length=4)] = "", amount: Annotated[str, Form(max_length=32)] = "",
           capture_now: Annotated[bool, Form()] = False) -> Response:
    month, _, year = expiry.partition("/")
    if not (month.strip().isdigit() and year.strip().isdigit()):
        raise ValidationFailed("Give the expiry as MM/YY", field="expiry")
    card = CardDetails(number=number, exp_month=int(month), exp_year=int(year), cvc=cvc.strip())
    given = _amount(amount, order_currency(uow, order_id))
    try:
        outcome = raise_if_failed(authorize_payment(uow, gateway, order_id, card=card, actor=staff.actor,
                                                    amount=given, capture=True if capture_now else None))
    except CardDeclined as exc:  # recorded as a failed payment: show it on the page with the reason
        flash(request, exc.message, "error")
        return _page(request, UnitOfWork(request.app.state.session_factory, read_only=True), order_id,
                     fragment=True)
    verb = "Charged" if outcome.payment.captured else "Authorized"
    return done(request, order_id, f"{verb} {format_money(outcome.payment.amount, outcome.payment.currency)} on "
                                    f"{(outcome.payment.card_brand or 'card').title()} •••• {outcome.payment.card_last4}.")


@router.get("/invoices/{invoice_id}.pdf")
def invoice_pdf(invoice_id: uuid.UUID, staff: Reader, uow: ReadUowDep) -> Response:
    invoice = get_invoice(uow, invoice_id).invoice
    return Response(render_pdf(invoice.snapshot), media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{invoice.number}.pdf"'})
