"""The whole order as the API answers it: the orders area's part, plus what the areas above orders know about it
(its payments and balance due, its invoices and credit notes). Read in one transaction, so the parts agree."""

from __future__ import annotations

import uuid

from orderworks.core.money import to_decimal_string
from orderworks.core.uow import UnitOfWork
from orderworks.fulfillment.schemas import ShipmentOut
from orderworks.fulfillment.service.queries import shipments_for_order
from orderworks.invoicing.schemas import CreditNoteSummaryOut, InvoiceSummaryOut
from orderworks.invoicing.service.queries import order_documents
from orderworks.orders.api import OrderPresenter
from orderworks.orders.schemas import OrderOut
from orderworks.orders.service.queries import get_order
from orderworks.payments.schemas import PaymentOut
from orderworks.payments.service.queries import payments_for_order


class OrderDetailOut(OrderOut):
    balance_due: str
    payments: list[PaymentOut]
    invoices: list[InvoiceSummaryOut]
    credit_notes: list[CreditNoteSummaryOut]
    shipments: list[ShipmentOut]


def show_order(uow: UnitOfWork, order_id: uuid.UUID | str) -> OrderDetailOut:
    with uow:
        view = get_order(uow, order_id)
        payments, balance = payments_for_order(uow, view.order.id)
        documents = order_documents(uow, view.order.id)
        shipments = shipments_for_order(uow, view.order.id)
    base = OrderOut.from_view(view.order, view.history, view.notes)
    return OrderDetailOut(
        **dict(base), balance_due=to_decimal_string(balance, view.order.currency),
        payments=[PaymentOut.from_view(p) for p in payments],
        invoices=[InvoiceSummaryOut.from_model(i) for i in documents.invoices],
        credit_notes=[CreditNoteSummaryOut.from_model(c) for c in documents.credit_notes],
        shipments=[ShipmentOut.from_view(s) for s in shipments])


WHOLE_ORDER = OrderPresenter(OrderDetailOut, show_order)
