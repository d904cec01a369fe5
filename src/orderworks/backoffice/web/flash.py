"""Flash messages: shown once at the top of the next page. Within a request they sit on request.state; across a
redirect they ride in a short signed cookie."""

from __future__ import annotations

import json
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "ow_flash"


@dataclass(frozen=True)
class Flash:
    kind: str  # ok | error | info
    text: str


def _serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(request.app.state.settings.secret_key, "flash")


def flash(request: Request, text: str, kind: str = "ok") -> None:
    """Show `text` on the page this request renders."""
    if not hasattr(request.state, "flashes"):
        request.state.flashes = []
    request.state.flashes.append(Flash(kind, text))


def flash_after_redirect(request: Request, response: Response, text: str, kind: str = "ok") -> None:
    payload = _serializer(request).dumps([[kind, text]])
    response.set_cookie(COOKIE, payload, path="/admin", httponly=True, samesite="lax", max_age=60)


def take_flashes(request: Request, response_cookies_cleared: list[str]) -> list[Flash]:
    """This request's messages and any carried over a redirect (the cookie is then cleared)."""
    items: list[Flash] = list(getattr(request.state, "flashes", []))
    carried = request.cookies.get(COOKIE)
    if carried:
        response_cookies_cleared.append(COOKIE)
        try:
            items = [Flash(str(k), str(t)) for k, t in json.loads(json.dumps(_serializer(request).loads(carried)))
                     ] + items
        except (BadSignature, ValueError, TypeError):
            pass
    return items
