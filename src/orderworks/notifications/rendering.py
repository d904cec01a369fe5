"""Email templates: Jinja2, one plain-text and one HTML template per kind and locale.

Lookup: the store's own folder first (`ORDERWORKS_MAIL_TEMPLATES_DIR`, same layout), then ours in
notifications/templates; within each, <locale>/ then <language>/ then en/ (rules.locale_chain). The subject is the
`subject` block of the text template, so it is translated beside the body. Money and dates are formatted by babel
for the message's locale, in the store's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    select_autoescape,
)

from orderworks.core.money import format_money
from orderworks.notifications.rules import locale_chain


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@lru_cache(maxsize=8)
def _environment(own_dir: str | None) -> Environment:
    loaders: list[Any] = [FileSystemLoader(own_dir)] if own_dir else []
    loaders.append(PackageLoader("orderworks.notifications", "templates"))
    return Environment(loader=ChoiceLoader(loaders), autoescape=select_autoescape(["html"]),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def formatters(locale: str, timezone: str) -> dict[str, Any]:
    tz = ZoneInfo(timezone or "UTC")

    def _at(value: datetime | str) -> datetime:
        at = datetime.fromisoformat(value) if isinstance(value, str) else value
        return at.astimezone(tz)

    return {
        "money": lambda minor, currency: format_money(int(minor), currency, locale),
        "day": lambda value: format_date(_at(value), format="long", locale=locale),
        "moment": lambda value: format_datetime(_at(value), format="medium", locale=locale, tzinfo=tz),
    }


def render(kind: str, *, locale: str, timezone: str, context: dict[str, Any],
           own_dir: Path | None = None) -> Rendered:
    """The email `kind` in `locale` (falling back to its language, then English)."""
    env = _environment(str(own_dir) if own_dir else None)
    chain = locale_chain(locale)
    values = {**context, **formatters(locale, timezone), "locale": locale,
              # {% extends %} and {% import %} take one template, so the locale fallback is resolved here
              "layout_txt": env.select_template([f"{c}/_layout.txt" for c in chain]),
              "layout_html": env.select_template([f"{c}/_layout.html" for c in chain]),
              "macros": env.select_template([f"{c}/_macros.html" for c in chain])}
    text_template = env.select_template([f"{c}/{kind}.txt" for c in chain])
    # A kind without an HTML template of its own (the staff emails) shows its text in the HTML layout.
    html_template = env.select_template([f"{c}/{kind}.html" for c in chain] + [f"{c}/_plain.html" for c in chain])
    subject = " ".join("".join(text_template.blocks["subject"](text_template.new_context(values))).split())
    values["subject"] = subject
    text = text_template.render(values)
    return Rendered(subject=subject, text=text, html=html_template.render({**values, "text_body": text}))
