"""Storefront use cases: find an order by number and email (with a per-client attempt limit), read everything the
customer page shows in one transaction, hand out an invoice of that order only, and take the customer's feedback."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from orderworks.core.actor import Actor, ActorKind
from orderworks.core.clock import now
from orderworks.core.errors import DomainError, NotFound, ValidationFailed
from orderworks.core.ids import new_id, parse_id
from orderworks.core.store import Store, get_store
from orderworks.core.uow import UnitOfWork
from orderworks.invoicing.models import CreditNote, Invoice
from orderworks.orders import history
from orderworks.orders.models import Order, OrderNote
from orderworks.orders.service.loading import order_for_update, parse_order_id
from orderworks.payments.models import Payment
from orderworks.payments.service.claims import order_money
from orderworks.storefront import rules
from orderworks.storefront.events import FeedbackReceived
from orderworks.storefront.models import LookupFailure, OrderFeedback
from orderworks.storefront.queries import (
    DownloadInfo,
    ShipmentInfo,
    downloads_for_order,
    feedback_for,
    shipments_for_order,
)


class OrderLookupFailed(DomainError):
    """The same answer for an unknown number and for a known number with another email: no enumeration."""

    code = "order_lookup_failed"
    status = 404


class TooManyLookups(DomainError):
    code = "too_many_attempts"
    status = 429


class FeedbackNotOpen(DomainError):
    code = "feedback_not_open"
    status = 409


@dataclass(frozen=True)
class LookupLimit:
    allowed: int = rules.LOOKUP_FAILURES_ALLOWED
    window: timedelta = timedelta(minutes=rules.LOOKUP_WINDOW_MINUTES)


def find_order_for_customer(uow: UnitOfWork, *, number: str, email: str, client: str,
                            limit: LookupLimit = LookupLimit()) -> uuid.UUID:
    """The order a customer asks for by its number and their email (case-insensitive). A wrong pair is counted
    against the client; after `limit.allowed` wrong pairs in `limit.window` every look-up is refused for a while."""
    number = number.strip().lstrip("#").strip()
    email = email.strip().lower()
    client = client[:64]
    at = now()
    since = at - limit.window
    with uow:
        failures = uow.session.execute(select(func.count()).select_from(LookupFailure).where(
            LookupFailure.client == client, LookupFailure.attempted_at >= since)).scalar_one()
        if failures >= limit.allowed:
            raise TooManyLookups("Too many attempts; wait a few minutes and try again")
        order = None
        if _plausible(number) and _plausible(email):
            order = uow.session.execute(select(Order.id, Order.customer_email, Order.status)
                                        .where(Order.number == number)).first()
        if order is not None and order.status != "draft" and order.customer_email.strip().lower() == email:
            return uuid.UUID(str(order.id))
        uow.session.execute(delete(LookupFailure).where(LookupFailure.client == client,
                                                        LookupFailure.attempted_at < since))
        uow.session.add(LookupFailure(id=new_id(), client=client, attempted_at=at))
        uow.commit()
    raise OrderLookupFailed("No order matches this order number and email address")


def _plausible(text: str) -> bool:
    """Worth a query: not empty, not absurdly long, no NUL (PostgreSQL refuses it in text)."""
    return 0 < len(text) <= 320 and "\x00" not in text


@dataclass(frozen=True)
class CustomerOrder:
    """Everything the customer page shows, read in one transaction so the parts agree."""

    order: Order
    store: Store
    payments: list[Payment]
    balance_due: int
    invoices: list[Invoice]
    credit_notes: list[CreditNote]
    notes: list[OrderNote]  # only those staff marked for the customer
    shipments: list[ShipmentInfo]
    downloads: list[DownloadInfo]
    feedback: OrderFeedback | None

    @property
    def status(self) -> rules.CustomerStatus:
        o = self.order
        return rules.derive_customer_status(o.status, o.payment_status, o.fulfillment_status)

    @property
    def can_leave_feedback(self) -> bool:
        return rules.can_leave_feedback(self.order.fulfillment_status)


def customer_order(uow: UnitOfWork, order_id: uuid.UUID | str) -> CustomerOrder:
    """The order as its customer sees it: lines, totals, payments, invoices, shipments and their feedback."""
    oid = parse_order_id(order_id)
    with uow:
        order = uow.session.execute(select(Order).where(Order.id == oid)
                                    .options(selectinload(Order.lines))).scalar_one_or_none()
        if order is None or order.status == "draft":
            raise NotFound("No such order", field="token")
        payments = list(uow.session.execute(select(Payment).where(Payment.order_id == oid)
                                            .order_by(Payment.created_at, Payment.id)).scalars())
        invoices = list(uow.session.execute(select(Invoice).where(Invoice.order_id == oid, Invoice.status != "void")
                                            .order_by(Invoice.issued_at, Invoice.id)).scalars())
        credit_notes = list(uow.session.execute(select(CreditNote).where(CreditNote.order_id == oid)
                                                .order_by(CreditNote.issued_at, CreditNote.id)).scalars())
        notes = list(uow.session.execute(select(OrderNote).where(OrderNote.order_id == oid,
                                                                 OrderNote.visible_to_customer.is_(True))
                                         .order_by(OrderNote.created_at)).scalars())
        return CustomerOrder(order=order, store=get_store(uow.session), payments=payments,
                             balance_due=order_money(uow.session, order).balance_due, invoices=invoices,
                             credit_notes=credit_notes, notes=notes,
                             shipments=shipments_for_order(uow.session, oid),
                             downloads=downloads_for_order(uow.session, oid), feedback=feedback_for(uow.session, oid))


def customer_invoice(uow: UnitOfWork, order_id: uuid.UUID | str, invoice_id: str) -> Invoice:
    """One of the order's own invoices (never another order's, never a void one): NotFound otherwise."""
    oid, iid = parse_order_id(order_id), _document_id(invoice_id)
    with uow:
        invoice = uow.session.execute(select(Invoice).where(Invoice.id == iid, Invoice.order_id == oid,
                                                            Invoice.status != "void")).scalar_one_or_none()
    if invoice is None:
        raise NotFound("No such invoice", field="invoice_id")
    return invoice


def customer_credit_note(uow: UnitOfWork, order_id: uuid.UUID | str, credit_note_id: str) -> CreditNote:
    """One of the order's own credit notes (a refund's paper): NotFound for any other."""
    oid, cid = parse_order_id(order_id), _document_id(credit_note_id)
    with uow:
        note = uow.session.execute(select(CreditNote).where(CreditNote.id == cid, CreditNote.order_id == oid)
                                   ).scalar_one_or_none()
    if note is None:
        raise NotFound("No such credit note", field="credit_note_id")
    return note


def _document_id(text: str) -> uuid.UUID:
    return parse_id(text, what="document", field="document_id")


def check_feedback(rating: str | None, comment: str | None) -> tuple[int, str]:
    """The rating and comment as the form sent them, checked: ValidationFailed names the field (and its label)."""
    problem = rules.rating_problem(rating)
    if problem:
        raise ValidationFailed("The rating must be a whole number from 1 to 5", field="rating",
                               details={"label": problem})
    text = (comment or "").replace("\x00", "").strip()
    if len(text) > rules.COMMENT_MAX:
        raise ValidationFailed(f"The comment is too long (at most {rules.COMMENT_MAX} characters)", field="comment",
                               details={"label": "comment_too_long"})
    return int(str(rating).strip()), text


def leave_feedback(uow: UnitOfWork, order_id: uuid.UUID | str, *, rating: str | None,
                   comment: str | None) -> OrderFeedback:
    """The customer rates a delivered order (1-5, with an optional comment). Sent again, it replaces the earlier
    answer. Staff see it on the order; the order's history and a FeedbackReceived event record it."""
    stars, text = check_feedback(rating, comment)
    with uow:
        order = order_for_update(uow.session, order_id)
        if not rules.can_leave_feedback(order.fulfillment_status):
            raise FeedbackNotOpen(f"Order {order.number} has not been delivered yet; feedback opens on delivery",
                                  field="order_id")
        feedback = feedback_for(uow.session, order.id)
        updated = feedback is not None
        at = now()
        if feedback is None:
            feedback = OrderFeedback(id=new_id(), order_id=order.id, rating=stars, comment=text, times_sent=1,
                                     created_at=at, updated_at=at)
            uow.session.add(feedback)
        else:
            feedback.rating, feedback.comment, feedback.updated_at = stars, text, at
            feedback.times_sent += 1
        customer = Actor(ActorKind.CUSTOMER, name=order.customer_name or order.customer_email)
        history.record(uow.session, order, actor=customer, action="feedback_updated" if updated else "feedback_received",
                       note=text, data={"rating": stars})
        uow.outbox.add(FeedbackReceived(order_id=str(order.id), number=order.number, rating=stars, comment=text,
                                        updated=updated))
        uow.commit()
    return feedback


def order_feedback(uow: UnitOfWork, order_id: uuid.UUID | str) -> tuple[Order, OrderFeedback | None]:
    """An order's feedback for staff (None when the customer has not rated it)."""
    oid = parse_order_id(order_id)
    with uow:
        order = uow.session.get(Order, oid)
        if order is None:
            raise NotFound(f"No order '{order_id}'", field="order_id")
        return order, feedback_for(uow.session, oid)

