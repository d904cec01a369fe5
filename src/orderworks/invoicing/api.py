"""Invoice and credit note routes: issue, list, fetch, download as PDF, void, credit; invoicing settings."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from orderworks.core.actor import Actor
from orderworks.core.money import parse_amount
from orderworks.core.permissions import Permission
from orderworks.core.uow import UnitOfWork
from orderworks.core.web import ERRORS, IdempotencyKey, UowDep, UtcDatetime, idempotent, require
from orderworks.invoicing.documents import render_pdf
from orderworks.invoicing.rules import InvoiceStatus
from orderworks.invoicing.schemas import (
    CreditNoteIn,
    CreditNoteOut,
    InvoiceOut,
    InvoicePage,
    InvoiceSettingsIn,
    InvoiceSettingsOut,
    InvoiceSummaryOut,
    IssueInvoiceIn,
    OrderDocumentsOut,
    VoidIn,
)
from orderworks.invoicing.service import (
    issue_credit_note,
    issue_invoice,
    queries,
    resend_invoice,
    void_invoice,
)
from orderworks.invoicing.service.settings import update_invoice_settings
from orderworks.orders.pricing_setup import get_store_settings
from orderworks.orders.service.queries import order_currency

router = APIRouter(tags=["invoicing"])
Reader = Annotated[Actor, Depends(require(Permission.ORDERS_READ))]
Writer = Annotated[Actor, Depends(require(Permission.INVOICES_WRITE))]
Sender = Annotated[Actor, Depends(require(Permission.ORDERS_WRITE))]  # customer service resends invoices too
Admin = Annotated[Actor, Depends(require(Permission.SETTINGS_WRITE))]
PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}, "description": "The PDF"}}


def _invoice_out(uow: UnitOfWork, invoice_id: Any) -> InvoiceOut:
    return InvoiceOut.from_view(queries.get_invoice(uow, invoice_id))


def _pdf(snapshot: dict[str, Any]) -> Response:
    return Response(render_pdf(snapshot), media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{snapshot["number"]}.pdf"'})


@router.post("/api/v1/orders/{order_id}/invoices", status_code=201, response_model=InvoiceOut,
             responses=ERRORS(400, 404, 409))
def issue(order_id: str, request: Request, uow: UowDep, actor: Writer, body: IssueInvoiceIn | None = None,
          idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Issue the order's invoice (or get the one it already has: one live invoice per order)."""
    body = body or IssueInvoiceIn()

    def change() -> InvoiceOut:
        currency = order_currency(uow, order_id)
        payments = [p.to_line(currency, f"payments[{i}]") for i, p in enumerate(body.payments)]
        return _invoice_out(uow, issue_invoice(uow, order_id, actor=actor, payments=payments).id)

    return idempotent(request, uow, actor, idempotency_key, body, status_code=201, action=change)


@router.get("/api/v1/orders/{order_id}/invoices", responses=ERRORS(404))
def order_documents(order_id: str, uow: UowDep, actor: Reader) -> OrderDocumentsOut:
    """The order's invoices (void ones too) and credit notes, oldest first."""
    return OrderDocumentsOut.from_documents(queries.order_documents(uow, order_id))


@router.post("/api/v1/orders/{order_id}/credit-notes", status_code=201, response_model=CreditNoteOut,
             responses=ERRORS(400, 404, 409))
def credit(order_id: str, body: CreditNoteIn, request: Request, uow: UowDep, actor: Writer,
           idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Credit an amount (tax included), optionally per line, against the order's invoice."""
    def change() -> CreditNoteOut:
        currency = order_currency(uow, order_id)
        lines = [x.to_line(currency, f"lines[{i}]") for i, x in enumerate(body.lines)] if body.lines else None
        note = issue_credit_note(uow, order_id, amount=parse_amount(body.amount, currency), reason=body.reason,
                                 actor=actor, lines=lines, refund_reference=body.refund_reference)
        return CreditNoteOut.from_model(note)

    return idempotent(request, uow, actor, idempotency_key, body, status_code=201, action=change)


@router.get("/api/v1/invoices", responses=ERRORS())
def list_invoices(
    uow: UowDep, actor: Reader,
    order_id: uuid.UUID | None = None,
    number: Annotated[str | None, Query(max_length=40)] = None,
    status: InvoiceStatus | None = None,
    issued_from: UtcDatetime | None = None, issued_to: UtcDatetime | None = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> InvoicePage:
    """Invoices newest first; filter by order, number, status and issue date (from inclusive, to exclusive)."""
    f = queries.InvoiceFilter(order_id=str(order_id) if order_id else None, number=number, status=status, issued_from=issued_from,
                              issued_to=issued_to)
    page = queries.list_invoices(uow, f, cursor=cursor, limit=limit)
    return InvoicePage(items=[InvoiceSummaryOut.from_model(i) for i in page.items], next_cursor=page.next_cursor)


@router.get("/api/v1/invoices/{invoice_id}.pdf", response_class=Response, responses={**PDF, **ERRORS(404)})
def invoice_pdf(invoice_id: str, uow: UowDep, actor: Reader) -> Response:
    return _pdf(queries.get_invoice(uow, invoice_id).invoice.snapshot)


@router.get("/api/v1/invoices/{invoice_id}", responses=ERRORS(404))
def get_invoice(invoice_id: str, uow: UowDep, actor: Reader) -> InvoiceOut:
    return _invoice_out(uow, invoice_id)


@router.post("/api/v1/invoices/{invoice_id}/void", response_model=InvoiceOut, responses=ERRORS(400, 404, 409))
def void(invoice_id: str, body: VoidIn, request: Request, uow: UowDep, actor: Writer,
         idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Void an unpaid invoice issued by mistake (a paid or credited one: issue a credit note instead)."""
    return idempotent(request, uow, actor, idempotency_key, body, action=lambda: _invoice_out(
        uow, void_invoice(uow, invoice_id, actor=actor, reason=body.reason).id))


@router.post("/api/v1/invoices/{invoice_id}/resend", response_model=InvoiceOut, responses=ERRORS(400, 404, 409))
def resend(invoice_id: str, request: Request, uow: UowDep, actor: Sender,
           idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Email the invoice (PDF attached) to the customer again; a void invoice is refused (409 invoice_void)."""
    return idempotent(request, uow, actor, idempotency_key, None, action=lambda: _invoice_out(
        uow, resend_invoice(uow, invoice_id, actor=actor).id))


@router.get("/api/v1/credit-notes/{credit_note_id}.pdf", response_class=Response,
            responses={**PDF, **ERRORS(404)})
def credit_note_pdf(credit_note_id: str, uow: UowDep, actor: Reader) -> Response:
    return _pdf(queries.get_credit_note(uow, credit_note_id).snapshot)


@router.get("/api/v1/credit-notes/{credit_note_id}", responses=ERRORS(404))
def get_credit_note(credit_note_id: str, uow: UowDep, actor: Reader) -> CreditNoteOut:
    return CreditNoteOut.from_model(queries.get_credit_note(uow, credit_note_id))


@router.get("/api/v1/store/invoicing", responses=ERRORS())
def invoice_settings(uow: UowDep, actor: Reader) -> InvoiceSettingsOut:
    return InvoiceSettingsOut.from_model(get_store_settings(uow))


@router.patch("/api/v1/store/invoicing", response_model=InvoiceSettingsOut, responses=ERRORS(400))
def change_invoice_settings(body: InvoiceSettingsIn, request: Request, uow: UowDep, actor: Admin,
                            idempotency_key: IdempotencyKey = None) -> JSONResponse:
    return idempotent(request, uow, actor, idempotency_key, body, action=lambda: InvoiceSettingsOut.from_model(
        update_invoice_settings(uow, body.model_dump(exclude_unset=True))))
