"""Resolving claims left `processing` (a crash or a timeout between the gateway call and our commit), and giving
back the stock of orders whose payment was declined long enough ago."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from orderworks.core.actor import Actor
from orderworks.core.store import get_store
from orderworks.core.uow import UnitOfWork
from orderworks.inventory import reservations
from orderworks.inventory.models import Reservation
from orderworks.orders import history
from orderworks.orders.models import Order
from orderworks.orders.rules.status import OrderStatus, PaymentStatus
from orderworks.orders.service.loading import order_for_update
from orderworks.payments.events import DeclinedOrderStockReleased
from orderworks.payments.gateways.port import GatewayResult, GatewayTimeout, PaymentGateway
from orderworks.payments.models import Payment, PaymentTransaction
from orderworks.payments.rules import OFFLINE, Kind, TxnStatus
from orderworks.payments.service.recording import actor_of, record_result

NOT_RECEIVED = GatewayResult(False, decline_code="not_received",
                             message="The gateway never received this request; nothing was charged.")
INTERRUPTED = GatewayResult(False, decline_code="interrupted",
                            message="Interrupted before it was recorded; record it again.")


@dataclass
class ReconcileReport:
    finished: list[str] = field(default_factory=list)  # transaction ids completed as succeeded
    failed: list[str] = field(default_factory=list)
    still_unknown: list[str] = field(default_factory=list)  # the gateway did not answer again


def reconcile_payments(uow: UnitOfWork, gateway: PaymentGateway, *, now: datetime,
                       grace: timedelta = timedelta(minutes=5), reference: str | None = None) -> ReconcileReport:
    """Ask the gateway what became of every claim still `processing` after the grace period (or, for a webhook,
    of the claims on the payment with this gateway `reference`), and record it once: a call the gateway made is
    finished (the capture counted once), a call it never received is marked failed."""
    stmt = (select(PaymentTransaction.id, PaymentTransaction.kind, PaymentTransaction.idempotency_key,
                   Payment.gateway_reference, Payment.gateway)
            .join(Payment, Payment.id == PaymentTransaction.payment_id)
            .where(PaymentTransaction.status == TxnStatus.PROCESSING,
                   Payment.gateway.in_([gateway.name, OFFLINE]))
            .order_by(PaymentTransaction.created_at))
    stmt = stmt.where(Payment.gateway_reference == reference) if reference else stmt.where(
        PaymentTransaction.created_at < now - grace)
    with uow:
        stale = uow.session.execute(stmt).all()
    report = ReconcileReport()
    for txn_id, kind, key, ref, gateway_name in stale:
        try:
            result = INTERRUPTED if gateway_name == OFFLINE else (
                gateway.lookup(kind=kind, idempotency_key=key, reference=ref) or NOT_RECEIVED)
        except GatewayTimeout:
            report.still_unknown.append(str(txn_id))
            continue
        outcome = record_result(uow, txn_id, result, actor=_claimant(uow, txn_id))
        ok = outcome.transaction.status == TxnStatus.SUCCEEDED
        (report.finished if ok else report.failed).append(str(txn_id))
    return report


def _claimant(uow: UnitOfWork, txn_id: uuid.UUID) -> Actor:
    with uow:
        txn = uow.session.execute(select(PaymentTransaction).where(PaymentTransaction.id == txn_id)).scalar_one()
        return actor_of(txn)


def release_stock_of_declined_orders(uow: UnitOfWork, now: datetime, *,
                                     actor: Actor | None = None) -> list[str]:
    """Put back on sale the stock of open orders whose payment was declined more than the store's
    declined_stock_hold_minutes ago and never paid since. Returns the order numbers released."""
    actor = actor or Actor.system("declined-payment stock release")
    with uow:
        cutoff = now - timedelta(minutes=get_store(uow.session).declined_stock_hold_minutes)
        declined_at = (select(PaymentTransaction.order_id, func.max(PaymentTransaction.completed_at).label("at"))
                       .where(PaymentTransaction.kind == Kind.AUTHORIZE, PaymentTransaction.status == TxnStatus.FAILED)
                       .group_by(PaymentTransaction.order_id).subquery())
        order_ids = list(uow.session.execute(
            select(Order.id).join(declined_at, declined_at.c.order_id == Order.id)
            .where(Order.payment_status == PaymentStatus.FAILED, declined_at.c.at < cutoff,
                   Order.status.in_([OrderStatus.PENDING, OrderStatus.ON_HOLD]),
                   Order.id.in_(select(Reservation.order_id)))
            .order_by(Order.id)).scalars())
        released = []
        for order_id in order_ids:  # in id order: the same lock order as every other use case
            order = order_for_update(uow.session, order_id)
            units = reservations.release(uow.session, order_id=order.id, actor=actor.name,
                                         reason=f"payment of order {order.number} declined")
            if units == 0:  # another worker released it while this one waited for the lock: nothing to tell
                continue
            history.record(uow.session, order, actor=actor, action="stock_released", note="payment declined",
                           data={"released_units": units})
            uow.outbox.add(DeclinedOrderStockReleased(order_id=str(order.id), number=order.number,
                                                      released_units=units))
            released.append(order.number)
        uow.commit()
    return released
