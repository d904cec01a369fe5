"""Reading payments: one payment with its ledger, and an order's payments with the balance due."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from orderworks.core.errors import NotFound
from orderworks.core.uow import UnitOfWork
from orderworks.orders.models import Order
from orderworks.orders.service.loading import parse_order_id
from orderworks.payments.models import Payment, PaymentTransaction
from orderworks.payments.service.claims import order_money, parse_payment_id


@dataclass(frozen=True)
class PaymentView:
    payment: Payment
    transactions: list[PaymentTransaction]


def get_payment(uow: UnitOfWork, payment_id: str | uuid.UUID) -> PaymentView:
    pid = parse_payment_id(payment_id)
    with uow:
        payment = uow.session.get(Payment, pid)
        if payment is None:
            raise NotFound(f"No payment '{payment_id}'", field="payment_id")
        txns = list(uow.session.execute(select(PaymentTransaction).where(PaymentTransaction.payment_id == pid)
                                        .order_by(PaymentTransaction.created_at, PaymentTransaction.id)).scalars())
    return PaymentView(payment, txns)


def payments_for_order(uow: UnitOfWork, order_id: str | uuid.UUID) -> tuple[list[PaymentView], int]:
    """An order's payments, oldest first, each with its ledger, and the balance due (total less net captured,
    never below zero). Two queries whatever the number of payments."""
    oid = parse_order_id(order_id)
    with uow:
        order = uow.session.get(Order, oid)
        if order is None:
            raise NotFound(f"No order '{order_id}'", field="order_id")
        payments = list(uow.session.execute(select(Payment).where(Payment.order_id == oid)
                                            .order_by(Payment.created_at, Payment.id)).scalars())
        txns: dict[uuid.UUID, list[PaymentTransaction]] = defaultdict(list)
        for t in uow.session.execute(select(PaymentTransaction).where(PaymentTransaction.order_id == oid)
                                     .order_by(PaymentTransaction.created_at, PaymentTransaction.id)).scalars():
            txns[t.payment_id].append(t)
        balance = order_money(uow.session, order).balance_due
    return [PaymentView(p, txns[p.id]) for p in payments], balance


def balance_due(uow: UnitOfWork, order_id: str | uuid.UUID) -> int:
    return payments_for_order(uow, order_id)[1]


def currency_of_payment(uow: UnitOfWork, payment_id: str | uuid.UUID) -> str:
    with uow:
        currency = uow.session.execute(select(Payment.currency)
                                       .where(Payment.id == parse_payment_id(payment_id))).scalar()
    if currency is None:
        raise NotFound(f"No payment '{payment_id}'", field="payment_id")
    return str(currency)
