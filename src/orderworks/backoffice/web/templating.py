"""Jinja2 templates with what every page needs: the staff member, CSRF token, flash messages, nav, role checks,
and filters for money, times and statuses."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from orderworks.backoffice import labels
from orderworks.backoffice.web.csrf import FORM_FIELD, HEADER, csrf_token
from orderworks.backoffice.web.flash import COOKIE as FLASH_COOKIE
from orderworks.backoffice.web.flash import take_flashes
from orderworks.backoffice.web.nav import NAV
from orderworks.core.money import format_money
from orderworks.core.permissions import Permission, role_allows

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))


def _money(minor: int | None, currency: str) -> str:
    return "" if minor is None else format_money(minor, currency)


def _when(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "" if value is None else value.strftime(fmt)


env = templates.env
env.filters.update(money=_money, when=_when, payment_label=labels.payment_label, status_label=labels.status_label,
                   fulfillment_label=labels.fulfillment_label, channel_label=labels.channel_label,
                   tone=labels.tone, history_label=labels.history_label)
env.globals.update(CSRF_HEADER=HEADER, CSRF_FIELD=FORM_FIELD, Permission=Permission)


def render(request: Request, template: str, context: dict[str, Any] | None = None, *, status_code: int = 200,
           headers: dict[str, str] | None = None) -> HTMLResponse:
    """A page (or an htmx fragment) with the shared context."""
    staff = getattr(request.state, "staff", None)

    def can(permission: Permission | str) -> bool:
        return staff is not None and role_allows(staff.role, Permission(permission))

    cleared: list[str] = []
    ctx: dict[str, Any] = {
        "request": request, "staff": staff, "csrf_token": csrf_token(request), "can": can,
        "flashes": take_flashes(request, cleared), "nav": [s for s in NAV if s.permission is None or can(s.permission)],
        "is_htmx": request.headers.get("hx-request") == "true", "root": request.scope.get("root_path", ""),
    }
    ctx.update(context or {})
    response = templates.TemplateResponse(request, template, ctx, status_code=status_code, headers=headers)
    if FLASH_COOKIE in cleared:
        response.delete_cookie(FLASH_COOKIE, path="/admin")
    return response
