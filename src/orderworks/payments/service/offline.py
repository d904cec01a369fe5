"""Recording money the seller received outside any gateway: a check, a money order, cash, a bank transfer, cash on
delivery. One transaction: there is no remote call to claim."""

from __future__ import annotations

import uuid

from orderworks.core.actor import Actor
from orderworks.core.clock import now
from orderworks.core.errors import ValidationFailed
from orderworks.core.uow import UnitOfWork
from orderworks.orders.service.loading import order_for_update
from orderworks.payments.models import Payment
from orderworks.payments.rules import OFFLINE, OFFLINE_METHODS, Kind, Method, PaymentState, TxnStatus
from orderworks.payments.service.authorize import amount_to_take
from orderworks.payments.service.claims import Outcome, RequestKey, new_claim, replay_of
from orderworks.payments.service.recording import apply_transaction, replayed

NEEDS_REFERENCE = frozenset({Method.CHECK, Method.MONEY_ORDER, Method.BANK_TRANSFER})


def record_offline_payment(uow: UnitOfWork, order_id: str | uuid.UUID, *, method: str, actor: Actor,
                           amount: int | None = None, reference: str = "",
                           request: RequestKey | None = None) -> Outcome:
    """Mark money as received for an order (the balance due unless an amount is given), with the check number
    or transfer reference; it counts as captured at once."""
    if method not in OFFLINE_METHODS:
        raise ValidationFailed(f"'{method}' is not an offline method ({', '.join(sorted(OFFLINE_METHODS))})",
                               field="method")
    if method in NEEDS_REFERENCE and not reference.strip():
        raise ValidationFailed(f"A {method.replace('_', ' ')} needs its reference (number)", field="reference")
    with uow:
        order = order_for_update(uow.session, order_id)
        earlier = replay_of(uow.session, request)
        if earlier is not None:
            return replayed(uow.session, earlier)
        take = amount_to_take(uow, order, amount)
        payment = Payment(order_id=order.id, method=method, gateway=OFFLINE, status=PaymentState.PENDING,
                          currency=order.currency, amount=take, reference=reference.strip() or None,
                          created_at=now())
        uow.session.add(payment)
        uow.session.flush()
        txn = new_claim(uow.session, payment, kind=Kind.OFFLINE, amount=take, actor=actor, request=request,
                        status=TxnStatus.SUCCEEDED, data={"reference": payment.reference})
        uow.session.flush()
        apply_transaction(uow, order, payment, txn, actor=actor)
        uow.commit()
    return Outcome(payment, txn)
