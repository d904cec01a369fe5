"""The customer's order page: server-rendered HTML (Jinja2), no JavaScript, no login.

`GET /track` asks for the order number and email; `POST /track` sends the customer on to the signed link
`/track/{token}` that every email carries. The routes are not API operations: they stay out of the OpenAPI spec.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from orderworks.core.errors import NotFound, ValidationFailed
from orderworks.core.money import format_money
from orderworks.core.settings import Settings
from orderworks.core.signing import order_id_from_token, order_link_token
from orderworks.core.store import Store, get_store
from orderworks.core.uow import UnitOfWork
from orderworks.invoicing.documents import render_pdf
from orderworks.storefront import queries, rules, service
from orderworks.storefront.labels import LABELS

router = APIRouter(include_in_schema=False)

# The token is in the URL: never send it on to a carrier's tracking site, never cache or frame the page.
# (same-origin, not no-referrer: with no-referrer a browser posts our own forms with `Origin: null`.)
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
}
FormText = Annotated[str, Form()]


@lru_cache(maxsize=1)
def _templates() -> Environment:
    env = Environment(loader=PackageLoader("orderworks.storefront", "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    return env


def _formatters(store: Store, currency: str) -> dict[str, Any]:
    locale, zone = store.locale or "en_US", _zone(store.timezone)
    return {
        "money": lambda minor: format_money(int(minor), currency, locale),
        "when": lambda at: format_datetime(at.astimezone(zone), format="medium", locale=locale) if at else "",
        "day": lambda at: format_date(at.astimezone(zone).date(), format="long", locale=locale) if at else "",
    }


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def _render(template: str, store: Store, *, status_code: int = 200, currency: str | None = None,
            **context: Any) -> HTMLResponse:
    t = LABELS[rules.language(store.locale or "en_US")]
    html = _templates().get_template(template).render(
        t=t, store=store, **_formatters(store, currency or store.default_currency), **context)
    return HTMLResponse(html, status_code=status_code, headers=HEADERS)


def _uow(request: Request, *, read_only: bool = False) -> UnitOfWork:
    return UnitOfWork(request.app.state.session_factory, read_only=read_only)


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _store(request: Request) -> Store:
    uow = _uow(request, read_only=True)
    with uow:
        return get_store(uow.session)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _form(request: Request, *, message: str | None = None, status_code: int = 200) -> HTMLResponse:
    return _render("track.html", _store(request), status_code=status_code, message=message)


@router.get("/track", response_class=HTMLResponse)
def track_form(request: Request) -> HTMLResponse:
    """The look-up form: order number and email."""
    return _form(request)


@router.post("/track")
def track_lookup(request: Request, number: FormText = "", email: FormText = "") -> Response:
    """Find the order and send the customer on to its signed link. Both wrong-pair mistakes answer the same page."""
    if not number.strip() or not email.strip():
        return _form(request, message="lookup_missing", status_code=422)
    try:
        order_id = service.find_order_for_customer(_uow(request), number=number, email=email,
                                                   client=_client(request))
    except service.TooManyLookups:
        return _form(request, message="too_many", status_code=429)
    except service.OrderLookupFailed:
        return _form(request, message="lookup_failed", status_code=404)
    token = order_link_token(_settings(request).secret_key, str(order_id))
    return RedirectResponse(f"/track/{token}", status_code=303, headers=HEADERS)


def _not_found(request: Request) -> HTMLResponse:
    return _render("not_found.html", _store(request), status_code=404)


def _order_id(request: Request, token: str) -> str | None:
    return order_id_from_token(_settings(request).secret_key, token)


def _order_page(request: Request, token: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    order_id = _order_id(request, token)
    if order_id is None:
        return _not_found(request)
    try:
        view = service.customer_order(_uow(request, read_only=True), order_id)
    except NotFound:
        return _not_found(request)
    return _render("order.html", view.store, status_code=status_code, currency=view.order.currency, view=view,
                   o=view.order, token=token, steps=rules.STEPS, progress=rules.progress(view.status),
                   proof=rules.feedback_proof(_settings(request).secret_key, token),
                   payment_words=rules.payment_words, tracking_words=rules.tracking_words, brand=rules.card_brand_name,
                   address_lines=rules.address_lines, **context)


@router.get("/track/{token}", response_class=HTMLResponse)
def order_page(request: Request, token: str, feedback: str | None = None) -> HTMLResponse:
    """The order as its customer sees it, reached by the signed link; a forged or damaged link is a 404 page."""
    return _order_page(request, token, thanks=feedback == "thanks")


@router.get("/track/{token}/invoices/{invoice_id}.pdf")
def invoice_pdf(request: Request, token: str, invoice_id: str) -> Response:
    """One of this order's invoices as PDF; any other invoice id is a 404."""
    order_id = _order_id(request, token)
    if order_id is None:
        return _not_found(request)
    try:
        invoice = service.customer_invoice(_uow(request, read_only=True), order_id, invoice_id)
    except NotFound:
        return _not_found(request)
    return _pdf(invoice.snapshot, invoice.number)


@router.get("/track/{token}/credit-notes/{credit_note_id}.pdf")
def credit_note_pdf(request: Request, token: str, credit_note_id: str) -> Response:
    """One of this order's credit notes (what a refund gave back) as PDF; any other id is a 404."""
    order_id = _order_id(request, token)
    if order_id is None:
        return _not_found(request)
    try:
        note = service.customer_credit_note(_uow(request, read_only=True), order_id, credit_note_id)
    except NotFound:
        return _not_found(request)
    return _pdf(note.snapshot, note.number)


def _pdf(snapshot: dict[str, Any], number: str) -> Response:
    return Response(render_pdf(snapshot), media_type="application/pdf", headers={
        **HEADERS, "Content-Disposition": f'inline; filename="{number}.pdf"'})


def _same_origin(request: Request) -> bool:
    """A browser names the site a form was posted from; when it does, it must be ours. ("null", an origin the
    browser keeps private, proves nothing either way: the form's proof decides.)"""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return True
    return urlsplit(origin).netloc == request.headers.get("host", request.url.netloc)


@router.post("/track/{token}/feedback")
def send_feedback(request: Request, token: str, rating: FormText = "", comment: FormText = "",
                  proof: FormText = "") -> Response:
    """The customer's rating and comment on a delivered order; refused without the form's proof (cross-site)."""
    order_id = _order_id(request, token)
    if order_id is None:
        return _not_found(request)
    if not _same_origin(request) or not rules.is_feedback_proof(_settings(request).secret_key, token, proof):
        return _order_page(request, token, status_code=403, feedback_error="feedback_refused")
    try:
        service.leave_feedback(_uow(request), order_id, rating=rating, comment=comment)
    except NotFound:
        return _not_found(request)
    except service.FeedbackNotOpen:
        return _order_page(request, token, status_code=409, feedback_error="feedback_not_yet")
    except ValidationFailed as exc:
        return _order_page(request, token, status_code=422, feedback_error=exc.details.get("label", "rating_range"),
                           sent={"rating": rating, "comment": comment[:rules.COMMENT_MAX]})
    return RedirectResponse(f"/track/{token}?feedback=thanks#feedback", status_code=303, headers=HEADERS)



@router.get("/downloads/{download_token}")
def download(request: Request, download_token: str) -> Response:
    """The link a digital-goods email carries: it opens the order's page, where the licence keys are listed."""
    uow = _uow(request, read_only=True)
    with uow:
        order_id = queries.order_of_download(uow.session, download_token[:64])
    if order_id is None:
        return _not_found(request)
    token = order_link_token(_settings(request).secret_key, str(order_id))
    return RedirectResponse(f"/track/{token}#downloads", status_code=303, headers=HEADERS)


@router.get("/parcels/{tracking_number}", response_class=HTMLResponse)
def parcel_page(request: Request, tracking_number: str) -> HTMLResponse:
    """The built-in carrier's tracking page (its labels' tracking URL): the parcel's progress, nothing personal."""
    uow = _uow(request, read_only=True)
    with uow:
        found = queries.parcel(uow.session, tracking_number[:64])
        store = get_store(uow.session)
    if found is None:
        return _render("parcel.html", store, status_code=404, parcel=None, number=tracking_number[:64])
    return _render("parcel.html", store, parcel=found, number=found.tracking_number,
                   words=rules.tracking_words(found.tracking_status, found.status))
