"""The back office: staff web pages under /admin/ (Jinja2 + htmx), with staff accounts, roles and sessions."""
