"""Payment tables: one row per payment (a card authorization or an offline receipt), and the ledger under it.

The ledger (`payment_transactions`) has a row for every gateway call and every offline receipt. A row is written
`processing` and committed BEFORE the gateway is called (the claim, DESIGN rule 4), then completed with the result.
A payment's amounts and status are derived from its succeeded rows; the columns on `payments` are that derivation,
rewritten in the transaction that completes a row.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from orderworks.core.clock import now
from orderworks.core.db import Base
from orderworks.core.ids import new_id


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_status_created", "status", "created_at"),)  # the expiry job's scan

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"), index=True)
    method: Mapped[str] = mapped_column(String(16))  # card, check, money_order, cash, bank_transfer, cod
    gateway: Mapped[str] = mapped_column(String(16))  # test, stripe, or offline
    status: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[int]  # asked for (authorized once the gateway approved)
    captured: Mapped[int] = mapped_column(default=0)
    refunded: Mapped[int] = mapped_column(default=0)
    gateway_reference: Mapped[str | None] = mapped_column(String(100), index=True)
    # No card number, ever (DESIGN rule 9): the gateway's token, brand, last four, expiry.
    card_token: Mapped[str | None] = mapped_column(String(100))
    card_brand: Mapped[str | None] = mapped_column(String(20))
    card_last4: Mapped[str | None] = mapped_column(String(4))
    card_exp_month: Mapped[int | None] = mapped_column()
    card_exp_year: Mapped[int | None] = mapped_column()
    reference: Mapped[str | None] = mapped_column(String(200))  # check number, transfer reference, ...
    avs_result: Mapped[str | None] = mapped_column(String(8))
    cvv_result: Mapped[str | None] = mapped_column(String(8))
    decline_code: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)


class PaymentTransaction(Base):
    """One gateway call or offline receipt. `idempotency_key` is what the gateway is given: the same key never
    makes a second charge. `request_principal` + `request_key` are the API client's Idempotency-Key."""

    __tablename__ = "payment_transactions"
    __table_args__ = (
        UniqueConstraint("request_principal", "request_key", name="uq_payment_transactions_request"),
        Index("ix_payment_transactions_payment_created", "payment_id", "created_at"),
        Index("ix_payment_transactions_status_created", "status", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    payment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payments.id"))
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # authorize, capture, void, refund, offline
    status: Mapped[str] = mapped_column(String(16))  # processing, succeeded, failed
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    with_capture: Mapped[bool] = mapped_column(default=False)
    final: Mapped[bool] = mapped_column(default=False)
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    request_principal: Mapped[str | None] = mapped_column(String(64))
    request_key: Mapped[str | None] = mapped_column(String(255))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    gateway_reference: Mapped[str | None] = mapped_column(String(100))
    avs_result: Mapped[str | None] = mapped_column(String(8))
    cvv_result: Mapped[str | None] = mapped_column(String(8))
    decline_code: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str | None] = mapped_column(String(500))
    actor: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # who asked, for the history
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # refund lines and reason, void reason
    created_at: Mapped[datetime] = mapped_column(default=now)
    completed_at: Mapped[datetime | None] = mapped_column()
