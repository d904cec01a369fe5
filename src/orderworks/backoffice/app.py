"""The back office as an ASGI sub-application mounted at /admin by api/app.py: its own CSRF middleware, static
files, error pages; the screens' routers from views/. Not in the public OpenAPI document."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException

from orderworks.backoffice.views import ROUTERS
from orderworks.backoffice.web.auth import NotSignedIn
from orderworks.backoffice.web.csrf import BackofficeCSRF
from orderworks.backoffice.web.flash import flash
from orderworks.backoffice.web.templating import render
from orderworks.core.errors import DomainError
from orderworks.core.settings import Settings

STATIC = Path(__file__).resolve().parent / "static"


def create_backoffice(settings: Settings, session_factory: sessionmaker[Session], *, parent: FastAPI) -> FastAPI:
    app = FastAPI(title="orderworks back office", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.session_factory = session_factory
    app.state.parent = parent  # shares the API's payment gateway (and anything else set on it)
    secure = settings.public_base_url.startswith("https://")
    app.state.cookie_secure = secure
    app.add_middleware(BackofficeCSRF, secret=settings.secret_key, secure=secure)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    _install_error_pages(app)
    return app


def _install_error_pages(app: FastAPI) -> None:
    def problem(request: Request, status: int, message: str) -> Response:
        if request.headers.get("hx-request") == "true":
            # An htmx action: show the message in the flash area, keep the page as it is.
            flash(request, message, "error")
            return render(request, "partials/flashes.html", status_code=status,
                          headers={"HX-Retarget": "#flashes", "HX-Reswap": "innerHTML"})
        return render(request, "error.html", {"status": status, "message": message}, status_code=status)

    @app.exception_handler(NotSignedIn)
    def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        login = f"{request.scope.get('root_path', '')}/login"
        if request.headers.get("hx-request") == "true":
            return Response(status_code=401, headers={"HX-Redirect": login})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{login}?next={target}" if request.method == "GET" else login, status_code=303)

    @app.exception_handler(DomainError)
    def domain_error(request: Request, exc: DomainError) -> Response:
        return problem(request, exc.status, exc.message)

    @app.exception_handler(StaleDataError)
    def stale(request: Request, exc: StaleDataError) -> Response:
        return problem(request, 409, "The order changed meanwhile; reload the page and try again")

    @app.exception_handler(HTTPException)
    def http_error(request: Request, exc: HTTPException) -> Response:
        return problem(request, exc.status_code, str(exc.detail))
