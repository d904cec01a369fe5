"""Invoice and credit note PDFs: Jinja2 HTML rendered by WeasyPrint, from the document's snapshot only.

Amounts, rates and dates are formatted by babel for the locale captured at issue. Templates fetch nothing over
the network: the fetcher allows `data:` URLs only, and the fonts are the system's (fonts-dejavu-core).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel.dates import format_date
from babel.numbers import format_percent
from jinja2 import Environment, PackageLoader, select_autoescape

from orderworks.core.money import format_money
from orderworks.orders.rules.pricing import PPM


@lru_cache(maxsize=1)
def _templates() -> Environment:
    return Environment(loader=PackageLoader("orderworks.invoicing", "templates"),
                       autoescape=select_autoescape(["html"]))


def _formatters(snapshot: dict[str, Any]) -> dict[str, Any]:
    currency, locale = snapshot["currency"], snapshot["locale"]
    return {
        "money": lambda minor: format_money(int(minor), currency, locale),
        "rate": lambda ppm: format_percent(Decimal(int(ppm)) / PPM, locale=locale, decimal_quantization=False),
        "day": lambda iso: format_date(date.fromisoformat(iso[:10]), format="long", locale=locale),
    }


def render_html(snapshot: dict[str, Any]) -> str:
    """The document as HTML (the PDF's source; also what a browser preview shows)."""
    template = _templates().get_template(f"{snapshot['kind']}.html")
    return template.render(doc=snapshot, **_formatters(snapshot))


def render_pdf(snapshot: dict[str, Any]) -> bytes:
    """An invoice or credit note snapshot as PDF bytes."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = HTML(string=render_html(snapshot), url_fetcher=URLFetcher(allowed_protocols={"data"}))
    return bytes(html.write_pdf())
