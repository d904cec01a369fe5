"""Gapless document numbers: INV-2026-000001, CN-2026-000001, one series per kind, prefix and year.

The number is taken by `core.numbering.next_number` (a conditional UPDATE ... RETURNING) inside the transaction
that writes the document, so the series row stays locked until commit: concurrent issuers queue on it, and a
rolled-back issue gives its number back. Callers take it last, to hold that lock for as short a time as possible.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from orderworks.core.numbering import next_number
from orderworks.core.store import Store
from orderworks.invoicing.rules import format_number, series_name


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


def store_zone(store: Store) -> ZoneInfo:
    try:
        return ZoneInfo(store.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def take_number(session: Session, store: Store, kind: DocumentKind, *, at: datetime) -> str:
    """The next number of the series for `kind` in the year of `at` (the store's calendar, not UTC's)."""
    prefix = store.invoice_number_prefix if kind == DocumentKind.INVOICE else store.credit_note_number_prefix
    year = at.astimezone(store_zone(store)).year
    return format_number(prefix, year, next_number(session, series_name(kind, prefix, year)))
