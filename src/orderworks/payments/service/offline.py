"""Recording money the seller received outside any gateway: a check, a money order, cash, a bank transfer, cash on
delivery. One transaction: there is no remote call to claim."""

from __future__ import annotations

import uuid

from orderworks.core.actor import Actor
from orderworks.core.errors import ValidationFailed
from orderworks.core.uow import UnitOfWork
from orderworks.payments.rules import OFFLINE, OFFLINE_METHODS, Kind, Method, TxnStatus
from orderworks.payments.service.authorize import open_payment
from orderworks.payments.service.claims import Outcome, RequestKey, new_claim
from orderworks.payments.service.recording import apply_transaction

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
        opened = open_payment(uow, order_id, amount=amount, request=request, method=method, gateway=OFFLINE,
                              reference=reference.strip() or None)
        if isinstance(opened, Outcome):
            return opened
        order, payment = opened
        txn = new_claim(uow.session, payment, kind=Kind.OFFLINE, amount=payment.amount, actor=actor,
                        request=request, status=TxnStatus.SUCCEEDED, data={"reference": payment.reference})
        apply_transaction(uow, order, payment, txn, actor=actor)
        uow.commit()
    return Outcome(payment, txn)
