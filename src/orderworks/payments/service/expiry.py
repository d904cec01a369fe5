"""Expiring stale card authorizations: money held on the customer's card that nobody captured within the store's
authorization_expiry_days is released (voided through the gateway, claim first, like any void)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import structlog
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from orderworks.core.actor import Actor, ActorKind
from orderworks.core.errors import DomainError
from orderworks.core.store import get_store
from orderworks.core.uow import UnitOfWork
from orderworks.payments.gateways.port import PaymentGateway
from orderworks.payments.models import Payment, PaymentTransaction
from orderworks.payments.rules import Method, PaymentState, TxnStatus
from orderworks.payments.service.capture import void_payment
from orderworks.payments.service.claims import Outcome, RequestKey

log = structlog.get_logger()

EXPIRY_RULE = Actor(ActorKind.RULE, name="authorization expiry")


def stale_authorizations(uow: UnitOfWork, *, now: datetime, limit: int = 500) -> list[uuid.UUID]:
    """Card payments still only authorized (nothing captured) and older than the store's
    authorization_expiry_days, oldest first."""
    with uow:
        cutoff = now - timedelta(days=get_store(uow.session).authorization_expiry_days)
        return list(uow.session.execute(
            select(Payment.id).where(Payment.status == PaymentState.AUTHORIZED, Payment.created_at <= cutoff,
                                     Payment.method == Method.CARD)
            .order_by(Payment.created_at, Payment.id).limit(limit)).scalars())


def expire_authorization(uow: UnitOfWork, gateway: PaymentGateway, payment_id: uuid.UUID, *,
                         now: datetime) -> Outcome | None:
    """Void one stale authorization so the customer's bank frees the held money. Keyed on the payment, so a
    second worker (or a rerun after a crash) replays the same void instead of calling the gateway again; None when
    there was nothing to do (captured or voided meanwhile, a call in progress)."""
    key = RequestKey(principal="rule", key=f"authorization-expiry:{payment_id}", fingerprint=f"void:{payment_id}")
    try:
        outcome = void_payment(uow, gateway, payment_id, actor=EXPIRY_RULE, request=key,
                               reason="authorization expired: not captured in time")
    except DomainError as exc:  # moved on meanwhile (captured, voided, a claim in flight): not ours to expire now
        log.info("authorization_not_expired", payment_id=str(payment_id), code=exc.code, message=str(exc))
        return None
    return None if outcome.replayed else outcome


def payment_in_flight(session: Session, order_id: uuid.UUID) -> bool:
    """Whether a gateway call for this order is claimed but not yet recorded (someone is paying right now)."""
    return bool(session.execute(select(exists().where(PaymentTransaction.order_id == order_id,
                                                      PaymentTransaction.status == TxnStatus.PROCESSING))).scalar())
