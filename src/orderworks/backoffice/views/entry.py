"""Manual order entry for phone, email and in-store orders: find or create the customer, add products by SKU or
name with live stock, pick shipping and a discount code with a live quote, place the order through the same use
case the API calls, then charge a card (the gateway) or record an offline payment (the payments use cases)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from orderworks.backoffice import entry
from orderworks.backoffice.service import Staff
from orderworks.backoffice.web.auth import ReadUowDep, UowDep, allowed, can
from orderworks.backoffice.web.flash import flash_after_redirect
from orderworks.backoffice.web.gateway import GatewayDep
from orderworks.backoffice.web.templating import render
from orderworks.core.clock import now
from orderworks.core.errors import DomainError, Forbidden, ValidationFailed
from orderworks.core.money import format_money
from orderworks.core.permissions import Permission
from orderworks.core.uow import UnitOfWork
from orderworks.orders.service.placement import place_order
from orderworks.payments.cards import CardDetails, check_card
from orderworks.payments.service.authorize import authorize_payment
from orderworks.payments.service.errors import CardDeclined
from orderworks.payments.service.offline import record_offline_payment
from orderworks.payments.service.recording import raise_if_failed

router = APIRouter()
Writer = Annotated[Staff, Depends(allowed(Permission.ORDERS_WRITE))]
OFFLINE_METHODS = {"cash": "Cash", "check": "Check", "bank_transfer": "Bank transfer", "money_order": "Money order",
                   "cod": "Cash on delivery"}


@dataclass
class EntryForm:
    values: dict[str, str]
    skus: list[str] = field(default_factory=list)
    quantities: list[str] = field(default_factory=list)


async def entry_form(request: Request) -> EntryForm:
    form = await request.form()
    values = {k: str(v)[:500] for k, v in form.items() if isinstance(v, str)}
    return EntryForm(values, [str(s)[:64] for s in form.getlist("sku")][:200],
                     [str(q)[:8] for q in form.getlist("quantity")][:200])


FormDep = Annotated[EntryForm, Depends(entry_form)]


def _read(request: Request) -> UnitOfWork:
    return UnitOfWork(request.app.state.session_factory, read_only=True)


@router.get("/orders/new")
def new_order(request: Request, staff: Writer, uow: ReadUowDep) -> Response:
    return render(request, "entry/page.html", {
        "active": "entry", "channels": entry.CHANNELS, "methods": entry.shipping_methods(uow),
        "offline_methods": OFFLINE_METHODS, "customer": None})


@router.get("/orders/new/customers")
def customers(request: Request, staff: Writer, uow: ReadUowDep,
              customer_q: Annotated[str, Query(max_length=200)] = "") -> Response:
    return render(request, "entry/_customers.html", {"found": entry.find_customers(uow, customer_q),
                                                     "q": customer_q.strip()})


@router.get("/orders/new/customer")
def customer(request: Request, staff: Writer, uow: ReadUowDep,
             email: Annotated[str, Query(max_length=320)] = "") -> Response:
    found = [c for c in entry.find_customers(uow, email) if c.email == email.strip().lower()]
    return render(request, "entry/_customer.html", {"customer": found[0] if found else None})


@router.get("/orders/new/products")
def products(request: Request, staff: Writer, uow: ReadUowDep,
             product_q: Annotated[str, Query(max_length=200)] = "") -> Response:
    return render(request, "entry/_products.html", {"hits": entry.find_products(uow, product_q),
                                                    "q": product_q.strip()})


@router.get("/orders/new/line")
def line(request: Request, staff: Writer, uow: ReadUowDep, sku: Annotated[str, Query(max_length=64)] = "") -> Response:
    # The quote beside the form listens for this event and refreshes itself.
    return render(request, "entry/_line.html", {"hit": entry.product_hit(uow, sku)},
                  headers={"HX-Trigger": "line-added"})


@router.post("/orders/new/quote")
def quote(request: Request, staff: Writer, form: FormDep) -> Response:
    """The live quote beside the form; a problem (unknown code, no stock, ...) shows in its place."""
    context: dict[str, object] = {"quote": None, "problem": None}
    try:
        lines = entry.lines_from_form(form.skus, form.quantities)
        if lines:
            currency = entry.store_currency(_read(request))
            cmd = entry.command_from_form(form.values, lines, currency=currency)
            context.update(quote=entry.quote_entry(_read(request), cmd), currency=currency)
    except DomainError as exc:
        context["problem"] = exc.message
    return render(request, "entry/_quote.html", context)


@router.post("/orders/new")
def place(request: Request, staff: Writer, uow: UowDep, gateway: GatewayDep, form: FormDep) -> Response:
    """Place the order, then take the payment chosen on the form (each its own use case and transaction)."""
    pay = form.values.get("pay", "none")
    if pay != "none" and not can(staff, Permission.PAYMENTS_WRITE):
        raise Forbidden(f"Your role ({staff.role.replace('_', ' ')}) may not take payments")
    card = check_card(_card(form.values), today=now().date()) if pay == "card" else None  # before placing
    lines = entry.lines_from_form(form.skus, form.quantities)
    cmd = entry.command_from_form(form.values, lines, currency=entry.store_currency(_read(request)))
    order = place_order(uow, cmd, actor=staff.actor)
    message, kind = f"Order #{order.number} is placed.", "ok"
    factory = request.app.state.session_factory
    try:
        if card is not None:
            outcome = raise_if_failed(authorize_payment(UnitOfWork(factory), gateway, order.id, card=card,
                                                        actor=staff.actor, capture=True))
            message += f" Charged {format_money(outcome.payment.amount, outcome.payment.currency)}."
        elif pay == "offline":
            outcome = record_offline_payment(UnitOfWork(factory), order.id,
                                             method=form.values.get("offline_method", ""), actor=staff.actor,
                                             reference=form.values.get("offline_reference", ""))
            message += f" Recorded {format_money(outcome.payment.amount, outcome.payment.currency)} received."
    except (CardDeclined, DomainError) as exc:  # the order stands; the payment panel shows what happened
        message, kind = f"Order #{order.number} is placed, but the payment did not go through: {exc.message}", \
            "error"
    target = f"{request.scope.get('root_path', '')}/orders/{order.id}"
    response = Response(status_code=204, headers={"HX-Redirect": target}) \
        if request.headers.get("hx-request") == "true" else Response(status_code=303, headers={"Location": target})
    flash_after_redirect(request, response, message, kind)
    return response


def _card(values: dict[str, str]) -> CardDetails:
    month, _, year = values.get("card_expiry", "").partition("/")
    if not (month.strip().isdigit() and year.strip().isdigit()):
        raise ValidationFailed("Give the card's expiry as MM/YY", field="card_expiry")
    return CardDetails(number=values.get("card_number", "").replace(" ", ""), exp_month=int(month),
                       exp_year=int(year), cvc=values.get("card_cvc", "").strip())
