"""Everything the order page shows, read in one transaction so the panels agree: the order, its timeline and
notes, payments with their buttons, invoices; and the spots for shipments and emails sent (filled in when the
fulfilment and notifications areas land: see `later_panels`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from orderworks.backoffice.buttons import (
    OrderButtons,
    PaymentButtons,
    ShipmentButtons,
    order_buttons,
    payment_buttons,
    shipment_buttons,
)
from orderworks.core.uow import UnitOfWork
from orderworks.fulfillment.service.queries import ShipmentView, shipments_for_order
from orderworks.invoicing.models import CreditNote, Invoice
from orderworks.invoicing.service.queries import order_documents
from orderworks.notifications.queries import emails_for_order
from orderworks.orders.models import Order, OrderHistory, OrderNote
from orderworks.orders.service.queries import get_order
from orderworks.payments.models import Payment, PaymentTransaction
from orderworks.payments.rules import PaymentState, TxnStatus, derive_order_money
from orderworks.payments.service.claims import amounts_of, row_amounts
from orderworks.payments.service.queries import payments_for_order
from orderworks.storefront.models import OrderFeedback
from orderworks.storefront.queries import feedback_for


@dataclass(frozen=True)
class PaymentPanel:
    payment: Payment
    transactions: list[PaymentTransaction]
    capturable: int
    refundable: int
    buttons: PaymentButtons


@dataclass(frozen=True)
class OrderPage:
    order: Order
    history: list[OrderHistory]
    notes: list[OrderNote]
    payments: list[PaymentPanel]
    balance_due: int
    open_amount: int
    invoices: list[Invoice]
    credit_notes: list[CreditNote]
    buttons: OrderButtons
    shipments: list[Any] = field(default_factory=list)
    emails: list[Any] = field(default_factory=list)
    feedback: OrderFeedback | None = None  # the customer's rating and comment, from the order page after delivery


def load_order_page(uow: UnitOfWork, order_id: str | uuid.UUID) -> OrderPage:
    with uow:
        view = get_order(uow, order_id)
        order = view.order
        payments, balance = payments_for_order(uow, order.id)
        documents = order_documents(uow, order.id)
        shipments, emails = later_panels(uow, order.id)
        feedback = feedback_for(uow.session, order.id)
    panels = []
    for p in payments:
        amounts = amounts_of(p.transactions)
        busy = any(t.status == TxnStatus.PROCESSING for t in p.transactions)
        panels.append(PaymentPanel(p.payment, p.transactions, amounts.capturable, amounts.refundable,
                                   payment_buttons(p.payment.status, amounts, busy=busy)))
    pending = sum(p.payment.amount for p in payments if p.payment.status == PaymentState.PENDING)
    money = derive_order_money(order.total, [(PaymentState(p.payment.status), row_amounts(p.payment))
                                             for p in payments], pending=pending)
    buttons = order_buttons(order.status, order.payment_status, order.fulfillment_status,
                            open_amount=money.open_amount)
    return OrderPage(order, view.history, view.notes, panels, balance, money.open_amount, documents.invoices,
                     documents.credit_notes, buttons, shipments, emails, feedback)


def later_panels(uow: UnitOfWork, order_id: uuid.UUID) -> tuple[list[Any], list[Any]]:
    """The shipments panel (fulfillment) and the emails-sent panel (notifications)."""
    return _shipments(uow, order_id), _emails(uow, order_id)


@dataclass(frozen=True)
class ShipmentPanel:
    view: ShipmentView
    buttons: ShipmentButtons
    label_tracking: str | None  # the tracking number of a bought label: the Ship form starts from it
    label_carrier: str | None


def _shipments(uow: UnitOfWork, order_id: uuid.UUID) -> list[Any]:
    panels = []
    for view in shipments_for_order(uow, order_id):
        labelled = [p for p in view.shipment.packages if p.label_status == "purchased"]
        in_flight = any(p.label_status == "processing" for p in view.shipment.packages)
        panels.append(ShipmentPanel(
            view, shipment_buttons(view.shipment.status, has_label=bool(labelled), label_in_flight=in_flight),
            labelled[0].tracking_number if labelled else None, labelled[0].carrier if labelled else None))
    return panels


def _emails(uow: UnitOfWork, order_id: uuid.UUID) -> list[Any]:
    return list(emails_for_order(uow.session, order_id))
