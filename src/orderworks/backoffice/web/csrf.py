"""CSRF: starlette-csrf checks the `x-csrftoken` header on every change (htmx sends it from `hx-headers` on
<body>, which htmx 2 inherits). The token is known before the page renders (the stock middleware only makes it
while sending the response), so templates can print it; plain HTML forms carry it in a `csrf_token` field,
and their routes (listed in FORM_URLS, exempt from the header check) verify it with `check_form_token`."""

from __future__ import annotations

import re
import secrets

from fastapi import Request
from itsdangerous import BadSignature, URLSafeSerializer
from starlette.types import Message, Receive, Scope, Send
from starlette_csrf import CSRFMiddleware

from orderworks.core.errors import DomainError

COOKIE = "ow_csrf"
HEADER = "x-csrftoken"
FORM_FIELD = "csrf_token"
# Plain-form posts (no htmx, so no header): each such route calls check_form_token itself.
FORM_URLS = [re.compile(r".*/login$"), re.compile(r".*/orders/bulk/documents$")]


class CsrfRefused(DomainError):
    code = "csrf_refused"
    status = 403


class BackofficeCSRF(CSRFMiddleware):
    def __init__(self, app, secret: str, *, secure: bool = False) -> None:  # type: ignore[no-untyped-def]
        super().__init__(app, secret, cookie_name=COOKIE, header_name=HEADER, exempt_urls=FORM_URLS,
                         cookie_secure=secure, cookie_samesite="lax", cookie_path="/admin")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            cookies = {}
            for name, value in scope.get("headers", []):
                if name == b"cookie":
                    for part in value.decode("latin-1").split(";"):
                        key, _, val = part.strip().partition("=")
                        cookies[key] = val
            token = cookies.get(COOKIE)
            if not token or not self._valid(token):
                token = self._generate_csrf_token()
                scope.setdefault("state", {})["csrf_new"] = True
            scope.setdefault("state", {})["csrf_token"] = token
        await super().__call__(scope, receive, send)

    def _valid(self, token: str) -> bool:
        try:
            self.serializer.loads(token)
            return True
        except BadSignature:
            return False

    async def send(self, message: Message, send: Send, scope: Scope) -> None:
        # Set the cookie with the token the page was rendered with (not a second, different one).
        state = scope.get("state", {})
        if message["type"] == "http.response.start" and state.get("csrf_new"):
            cookie = f"{COOKIE}={state['csrf_token']}; Path=/admin; SameSite=Lax"
            if self.cookie_secure:
                cookie += "; Secure"
            message.setdefault("headers", [])
            message["headers"] = [*message["headers"], (b"set-cookie", cookie.encode("latin-1"))]
        await send(message)

def csrf_token(request: Request) -> str:
    return str(request.state.csrf_token)


def check_form_token(request: Request, submitted: str | None) -> None:
    """For plain-form routes: the form's csrf_token must match the cookie, as the header would."""
    serializer = URLSafeSerializer(request.app.state.settings.secret_key, "csrftoken")  # as the middleware's
    cookie = request.cookies.get(COOKIE)
    try:
        same = bool(cookie and submitted) and secrets.compare_digest(
            str(serializer.loads(cookie or "")), str(serializer.loads(submitted or "")))
    except BadSignature:
        same = False
    if not same:
        raise CsrfRefused("This form has expired or did not come from this site; reload the page and try again")
