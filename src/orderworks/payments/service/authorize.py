"""Charging a card for an order: authorize only, or authorize and capture ("Charge"); a retry after a decline is
simply another payment on the same order (so is split tender)."""

from __future__ import annotations

import uuid
from typing import Any

from orderworks.core.actor import Actor
from orderworks.core.clock import now
from orderworks.core.errors import ValidationFailed
from orderworks.core.store import get_store
from orderworks.core.uow import UnitOfWork
from orderworks.orders.models import Order
from orderworks.orders.service.loading import order_for_update
from orderworks.payments.cards import CardDetails, check_card
from orderworks.payments.gateways.port import CardRejected, CardToken, GatewayTimeout, PaymentGateway
from orderworks.payments.models import Payment
from orderworks.payments.rules import Kind, Method, PaymentMode, PaymentState
from orderworks.payments.service.claims import (
    Claimed,
    Outcome,
    RequestKey,
    check_payable,
    claimed,
    new_claim,
    order_money,
    replay_of,
)
from orderworks.payments.service.errors import AmountTooLarge, GatewayTimedOut, NothingDue
from orderworks.payments.service.recording import call_and_record, replayed


def authorize_payment(uow: UnitOfWork, gateway: PaymentGateway, order_id: str | uuid.UUID, *, card: CardDetails,
                      actor: Actor, amount: int | None = None, capture: bool | None = None,
                      request: RequestKey | None = None) -> Outcome:
    """Charge the customer's card for an order (the balance due unless an amount is given).

    `capture` True takes the money now, False only holds it; unset, the store's payment_mode decides. A decline
    is recorded (payment failed, order payment_status failed, reason in the history, PaymentFailed event) and
    raised as CardDeclined (402); the order keeps its stock for the store's declined_stock_hold_minutes.
    """
    card = check_card(card, today=now().date())
    with uow:
        earlier = replay_of(uow.session, request)
        if earlier is not None:
            return replayed(uow.session, earlier)
    try:
        token = gateway.tokenize(card)  # moves no money: no claim needed
    except CardRejected as exc:
        raise ValidationFailed(exc.message, field="card.number") from exc
    except GatewayTimeout as exc:
        raise GatewayTimedOut(f"The payment gateway cannot be reached ({exc}); nothing was charged. "
                              "Try again in a moment", field="card") from exc
    claim = _claim(uow, gateway, order_id, token, actor=actor, amount=amount, capture=capture, request=request)
    if isinstance(claim, Outcome):
        return claim
    return call_and_record(uow, claim, lambda: gateway.authorize(
        token=token.token, amount=claim.amount, currency=claim.currency, capture=claim.with_capture,
        idempotency_key=claim.idempotency_key), actor=actor)


def _claim(uow: UnitOfWork, gateway: PaymentGateway, order_id: str | uuid.UUID, token: CardToken, *, actor: Actor,
           amount: int | None, capture: bool | None, request: RequestKey | None) -> Claimed | Outcome:
    with uow:
        opened = open_payment(uow, order_id, amount=amount, request=request, method=Method.CARD,
                              gateway=gateway.name, card_token=token.token, card_brand=token.brand,
                              card_last4=token.last4, card_exp_month=token.exp_month, card_exp_year=token.exp_year)
        if isinstance(opened, Outcome):
            return opened
        _, payment = opened
        if capture is None:
            capture = get_store(uow.session).payment_mode == PaymentMode.AUTHORIZE_AND_CAPTURE
        txn = new_claim(uow.session, payment, kind=Kind.AUTHORIZE, amount=payment.amount, actor=actor,
                        request=request, with_capture=capture)
        uow.commit()
    return claimed(txn, payment)


def open_payment(uow: UnitOfWork, order_id: str | uuid.UUID, *, amount: int | None, request: RequestKey | None,
                 **columns: Any) -> tuple[Order, Payment] | Outcome:
    """Inside a use case's transaction: lock the order, replay an earlier request with this key if there is
    one, decide the amount, and add a pending payment for it."""
    order = order_for_update(uow.session, order_id)
    earlier = replay_of(uow.session, request)
    if earlier is not None:
        return replayed(uow.session, earlier)
    payment = Payment(order_id=order.id, status=PaymentState.PENDING, currency=order.currency,
                      amount=amount_to_take(uow, order, amount), created_at=now(), **columns)
    uow.session.add(payment)
    uow.session.flush()
    return order, payment


def amount_to_take(uow: UnitOfWork, order: Order, amount: int | None) -> int:
    """What a new payment takes: the amount asked for, at most what is still open (the balance due less open
    authorizations); the whole open amount when none is asked for."""
    check_payable(order)
    money = order_money(uow.session, order)
    if money.open_amount <= 0:
        raise NothingDue(f"Order {order.number} has nothing left to pay", field="amount",
                         details={"balance_due": money.balance_due})
    if amount is None:
        return money.open_amount
    if amount <= 0:
        raise ValidationFailed("The amount must be more than zero", field="amount")
    if amount > money.open_amount:
        raise AmountTooLarge(f"Only {money.open_amount} (minor units) is left to pay on order {order.number}",
                             field="amount", details={"open_amount": money.open_amount})
    return amount
