"""Taking held money ("Capture", in full or in part, several times where the gateway allows) and releasing it
("Void")."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from orderworks.core.actor import Actor
from orderworks.core.errors import ValidationFailed
from orderworks.core.uow import UnitOfWork
from orderworks.orders.models import Order
from orderworks.payments.gateways.port import PaymentGateway
from orderworks.payments.models import Payment
from orderworks.payments.rules import PAYMENT_TRANSITIONS, Kind, PaymentAmounts, PaymentState, capture_target
from orderworks.payments.service.claims import (
    Claimed,
    Outcome,
    RequestKey,
    amounts_of,
    check_idle,
    claimed,
    ledger,
    lock_payment,
    new_claim,
    replay_of,
)
from orderworks.payments.service.errors import AmountTooLarge
from orderworks.payments.service.recording import call_and_record, replayed


@dataclass(frozen=True)
class Plan:
    """What a claim on an existing payment will ask the gateway for, once the rules allowed it."""

    amount: int
    final: bool = False
    data: dict[str, Any] = field(default_factory=dict)


Planner = Callable[[Order, Payment, PaymentAmounts], Plan]


def claim_on_payment(uow: UnitOfWork, payment_id: str | uuid.UUID, *, kind: Kind, actor: Actor,
                     request: RequestKey | None, plan: Planner) -> Claimed | Outcome:
    """Step 1 for a call on an existing payment: lock, replay or refuse, check the plan, write the claim."""
    with uow:
        order, payment = lock_payment(uow.session, payment_id)
        earlier = replay_of(uow.session, request)
        if earlier is not None:
            return replayed(uow.session, earlier)
        transactions = ledger(uow.session, payment.id)
        check_idle(transactions)
        chosen = plan(order, payment, amounts_of(transactions))
        txn = new_claim(uow.session, payment, kind=kind, amount=chosen.amount, actor=actor, request=request,
                        final=chosen.final, data=chosen.data)
        uow.commit()
    return claimed(txn, payment)


def capture_payment(uow: UnitOfWork, gateway: PaymentGateway, payment_id: str | uuid.UUID, *, actor: Actor,
                    amount: int | None = None, request: RequestKey | None = None) -> Outcome:
    """Take the money held by an authorization: all that is left of it, or `amount`. With a gateway that allows
    only one capture (Stripe), a partial capture releases the rest."""

    def plan(order: Order, payment: Payment, a: PaymentAmounts) -> Plan:
        take = a.capturable if amount is None else amount
        final = not gateway.multiple_captures
        PAYMENT_TRANSITIONS.check(PaymentState(payment.status), capture_target(a, take, final=final),
                                  action="capture")
        if take <= 0:
            raise ValidationFailed("The amount to capture must be more than zero", field="amount")
        if take > a.capturable:
            raise AmountTooLarge(f"Only {a.capturable} (minor units) of this authorization can be captured",
                                 field="amount", details={"capturable": a.capturable})
        return Plan(take, final=final)

    claim = claim_on_payment(uow, payment_id, kind=Kind.CAPTURE, actor=actor, request=request, plan=plan)
    if isinstance(claim, Outcome):
        return claim
    return call_and_record(uow, claim, lambda: gateway.capture(
        reference=claim.reference or "", amount=claim.amount, idempotency_key=claim.idempotency_key), actor=actor)


def void_payment(uow: UnitOfWork, gateway: PaymentGateway, payment_id: str | uuid.UUID, *, actor: Actor,
                 reason: str = "", request: RequestKey | None = None) -> Outcome:
    """Release an authorization nothing was captured from: the customer's bank frees the held money."""

    def plan(order: Order, payment: Payment, a: PaymentAmounts) -> Plan:
        PAYMENT_TRANSITIONS.check(PaymentState(payment.status), PaymentState.VOIDED, action="void")
        return Plan(a.authorized, data={"reason": reason})

    claim = claim_on_payment(uow, payment_id, kind=Kind.VOID, actor=actor, request=request, plan=plan)
    if isinstance(claim, Outcome):
        return claim
    return call_and_record(uow, claim, lambda: gateway.void(
        reference=claim.reference or "", idempotency_key=claim.idempotency_key), actor=actor)
