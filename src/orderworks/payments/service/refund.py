"""Giving money back: in full, in part, or for some order lines (their amounts from the order lines).
A card refund goes through the gateway (claimed first); an offline payment's refund is recorded as handed back."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderworks.core.actor import Actor
from orderworks.core.errors import ValidationFailed
from orderworks.core.uow import UnitOfWork
from orderworks.orders.models import Order
from orderworks.payments.gateways.port import GatewayResult, PaymentGateway
from orderworks.payments.models import Payment, PaymentTransaction
from orderworks.payments.rules import (
    OFFLINE,
    PAYMENT_TRANSITIONS,
    Kind,
    PaymentAmounts,
    PaymentState,
    TxnStatus,
    line_refund_amount,
    refund_target,
)
from orderworks.payments.service.capture import Plan, claim_on_payment
from orderworks.payments.service.claims import Outcome, RequestKey
from orderworks.payments.service.errors import RefundExceedsCaptured
from orderworks.payments.service.recording import call_and_record, record_result


@dataclass(frozen=True)
class RefundLine:
    line_id: str
    quantity: int


def refund_payment(uow: UnitOfWork, gateway: PaymentGateway, payment_id: str | uuid.UUID, *, actor: Actor,
                   reason: str, amount: int | None = None, lines: Sequence[RefundLine] = (),
                   request: RequestKey | None = None) -> Outcome:
    """Refund captured money: `amount`, or the amounts of the `lines` refunded (a share of each line's total,
    discount and tax included), or everything still refundable. Never more than was captured."""
    if not reason.strip():
        raise ValidationFailed("Say why the money is refunded", field="reason")

    def plan(order: Order, payment: Payment, a: PaymentAmounts) -> Plan:
        refunded_lines = _line_amounts(uow.session, order, lines)
        take = sum(x["amount"] for x in refunded_lines) if lines else (a.refundable if amount is None else amount)
        PAYMENT_TRANSITIONS.check(PaymentState(payment.status), refund_target(a, take), action="refund")
        if take <= 0:
            raise ValidationFailed("The amount to refund must be more than zero", field="amount")
        if take > a.refundable:
            raise RefundExceedsCaptured(
                f"Only {a.refundable} (minor units) of this payment can be refunded (captured less refunded)",
                field="lines" if lines else "amount", details={"refundable": a.refundable, "asked": take})
        return Plan(take, data={"reason": reason.strip(), "lines": refunded_lines})

    claim = claim_on_payment(uow, payment_id, kind=Kind.REFUND, actor=actor, request=request, plan=plan)
    if isinstance(claim, Outcome):
        return claim
    if claim.gateway == OFFLINE:  # the money was handed back by hand: nothing to call
        return record_result(uow, claim.transaction_id, GatewayResult(True, amount=claim.amount,
                                                                      message="Refunded by hand"), actor=actor)
    return call_and_record(uow, claim, lambda: gateway.refund(
        reference=claim.reference or "", amount=claim.amount, idempotency_key=claim.idempotency_key), actor=actor)


def _line_amounts(session: Session, order: Order, lines: Sequence[RefundLine]) -> list[dict[str, Any]]:
    if not lines:
        return []
    by_id = {str(line.id): line for line in order.lines}
    already = _refunded_quantities(session, order)
    chosen: list[dict[str, Any]] = []
    for i, asked in enumerate(lines):
        line = by_id.get(asked.line_id)
        if line is None:
            raise ValidationFailed(f"Order {order.number} has no line '{asked.line_id}'", field=f"lines[{i}].line_id")
        left = line.quantity - already[asked.line_id]
        if not 0 < asked.quantity <= left:
            raise RefundExceedsCaptured(f"{line.sku}: {left} of {line.quantity} can still be refunded",
                                        field=f"lines[{i}].quantity", details={"refundable_quantity": left})
        chosen.append({"line_id": asked.line_id, "sku": line.sku, "quantity": asked.quantity,
                       "amount": line_refund_amount(line.total, line.quantity, asked.quantity,
                                                     already=already[asked.line_id])})
    return chosen


def _refunded_quantities(session: Session, order: Order) -> dict[str, int]:
    """Units of each line refunded (or being refunded) on any payment of the order."""
    rows = session.execute(select(PaymentTransaction.data).where(
        PaymentTransaction.order_id == order.id, PaymentTransaction.kind == Kind.REFUND,
        PaymentTransaction.status != TxnStatus.FAILED)).scalars()
    totals: dict[str, int] = defaultdict(int)
    for data in rows:
        for line in (data or {}).get("lines", []):
            totals[line["line_id"]] += int(line["quantity"])
    return totals
