"""Sign in and sign out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from orderworks.backoffice.service import AccountLocked, sign_in, sign_out, staff_for_session
from orderworks.backoffice.web.auth import SESSION_COOKIE, UowDep, read_uow
from orderworks.backoffice.web.csrf import check_form_token
from orderworks.backoffice.web.flash import flash, flash_after_redirect
from orderworks.backoffice.web.templating import render
from orderworks.core.errors import Unauthorized, ValidationFailed

router = APIRouter()


def _safe_next(root: str, target: str | None) -> str:
    """Only a path inside the back office (no //evil.example or absolute URLs)."""
    if target and target.startswith(f"{root}/") and not target.startswith("//") and "\\" not in target:
        return target
    return f"{root}/orders"


@router.get("/")
def home(request: Request) -> Response:
    return RedirectResponse(f"{request.scope.get('root_path', '')}/orders", status_code=303)


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    if staff_for_session(read_uow(request), request.cookies.get(SESSION_COOKIE, "")):
        return RedirectResponse(_safe_next(request.scope.get("root_path", ""), next), status_code=303)
    return render(request, "login/login.html", {"next": next or "", "email": ""})


@router.post("/login")
def login(request: Request, uow: UowDep, email: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
          csrf_token: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "") -> Response:
    check_form_token(request, csrf_token)
    try:
        signed = sign_in(uow, email=email, password=password, user_agent=request.headers.get("user-agent", ""))
    except (Unauthorized, AccountLocked, ValidationFailed) as exc:
        flash(request, exc.message, "error")
        status = 403 if isinstance(exc, AccountLocked) else 401
        return render(request, "login/login.html", {"next": next, "email": email}, status_code=status)
    response = RedirectResponse(_safe_next(request.scope.get("root_path", ""), next), status_code=303)
    # A browser-session cookie: the server decides when the session ends (its expiry slides with use).
    response.set_cookie(SESSION_COOKIE, signed.token, path="/admin", httponly=True, samesite="lax",
                        secure=request.app.state.cookie_secure)
    return response


@router.post("/logout")
def logout(request: Request, uow: UowDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        sign_out(uow, token)
    login_url = f"{request.scope.get('root_path', '')}/login"
    response: Response = Response(status_code=204, headers={"HX-Redirect": login_url}) \
        if request.headers.get("hx-request") == "true" else RedirectResponse(login_url, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/admin")
    flash_after_redirect(request, response, "You are signed out.", "info")
    return response
