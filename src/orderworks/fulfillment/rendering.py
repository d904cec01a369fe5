"""What every fulfilment PDF shares: Jinja2 templates rendered by WeasyPrint, Code128 barcodes as inline SVG, babel
formatting for the document's locale, and the paper size a printer in that country holds.

Templates fetch nothing over the network: the fetcher allows `data:` URLs only (barcodes are inlined), and the
fonts are the system's (fonts-dejavu-core), as for invoices.
"""

from __future__ import annotations

import base64
from datetime import datetime
from functools import lru_cache
from io import BytesIO
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from jinja2 import Environment, PackageLoader, select_autoescape

# Territories that print on US Letter; the rest of the world uses A4.
LETTER_TERRITORIES = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "CR", "GT", "PR", "DO", "SV", "PA", "NI"})


@lru_cache(maxsize=1)
def _templates() -> Environment:
    return Environment(loader=PackageLoader("orderworks.fulfillment", "templates"),
                       autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


def _locale(locale: str) -> Locale:
    try:
        return Locale.parse(locale or "en_US")
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en_US")


def paper_for(locale: str) -> str:
    """ "Letter" for en_US, es_MX, fr_CA ...; "A4" elsewhere (and for a locale without a territory)."""
    return "Letter" if _locale(locale).territory in LETTER_TERRITORIES else "A4"


@lru_cache(maxsize=512)
def code128_svg(value: str, *, module_mm: float = 0.33, height_mm: float = 15.0) -> str:
    """A Code128 barcode of `value` as a `data:` URI of an SVG (no human-readable text: templates print it)."""
    import barcode
    from barcode.writer import SVGWriter

    out = BytesIO()
    barcode.Code128(value, writer=SVGWriter()).write(out, options={
        "write_text": False, "module_width": module_mm, "module_height": height_mm, "quiet_zone": 10 * module_mm})
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def formatters(locale: str) -> dict[str, Any]:
    loc = _locale(locale)
    return {
        "day": lambda when: format_date(when, format="long", locale=loc),
        "moment": lambda when: format_datetime(when, format="medium", tzinfo=when.tzinfo, locale=loc)
        if isinstance(when, datetime) else "",
        "number": lambda n: format_decimal(n, locale=loc),
        "kilograms": lambda grams: format_decimal(round(grams / 1000, 2), format="#,##0.00", locale=loc) + " kg",
        "barcode": code128_svg,
        "lang": loc.language,
        "paper": paper_for(locale),
    }


def render_html(template: str, *, locale: str, **context: Any) -> str:
    return _templates().get_template(template).render(**formatters(locale), **context)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    return bytes(HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf())


def render_pdf(template: str, *, locale: str, **context: Any) -> bytes:
    return html_to_pdf(render_html(template, locale=locale, **context))
