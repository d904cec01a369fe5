"""The back office: the staff web UI served under /admin/ (Jinja2 + htmx 2, server-side sessions, CSRF).

Layout: `app.py` builds the sub-application api/app.py mounts; `models.py`, `rules.py`, `service.py` hold staff
accounts and sessions; `web/` the helpers every screen shares (auth.py: `StaffDep`, `allowed(Permission.X)`,
`UowDep`/`ReadUowDep`; csrf.py; flash.py; pagination.py: `keyset`, `url_with`; templating.py: `render`;
nav.py: the nav's screens); `views/` one module per screen, each with a `router` listed in views/__init__.py and
its templates in `templates/<screen>/` extending `base.html`.

Adding a screen: a module in views/ with `router = APIRouter()`, routes that take `Depends(allowed(...))`, call
one service function per change and `render(request, "<screen>/page.html", {...,"active": "<screen>"})`; an
entry in web/nav.py; the router in views/__init__.py. Changes go through htmx (`hx-post`: the CSRF header is
inherited from <body>); a plain <form method=post> prints `csrf_token` and its route calls `check_form_token`
(and is listed in csrf.FORM_URLS). Tests: tests/backoffice/conftest.py (`staff_client("finance")`)."""
