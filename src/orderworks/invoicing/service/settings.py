"""The store's invoicing settings: who the seller is on an invoice, numbering prefixes, invoice on capture."""

from __future__ import annotations

import re
from typing import Any

from orderworks.core.errors import ValidationFailed
from orderworks.core.store import Store, get_store
from orderworks.core.uow import UnitOfWork

INVOICE_SETTINGS = ("legal_name", "tax_id", "invoice_footer", "auto_invoice", "invoice_number_prefix",
                    "credit_note_number_prefix")
_PREFIX = re.compile(r"^[A-Za-z0-9\-/#]{0,16}$")


def update_invoice_settings(uow: UnitOfWork, changes: dict[str, Any]) -> Store:
    """Change what invoices say about the seller, how they are numbered, and whether capture invoices.

    A new prefix starts a new gapless series; numbers already issued keep theirs."""
    for name in ("invoice_number_prefix", "credit_note_number_prefix"):
        if changes.get(name) is not None and not _PREFIX.match(changes[name]):
            raise ValidationFailed("A prefix is up to 16 letters, digits, '-', '/' or '#'", field=name)
    with uow:
        store = get_store(uow.session)
        for name in INVOICE_SETTINGS:
            if changes.get(name) is not None:
                setattr(store, name, changes[name])
        if store.invoice_number_prefix == store.credit_note_number_prefix:
            raise ValidationFailed("Invoices and credit notes need different prefixes",
                                   field="credit_note_number_prefix")
        uow.commit()
    return store


def get_invoice_settings(uow: UnitOfWork) -> Store:
    with uow:
        store = get_store(uow.session)
        uow.commit()  # the first read creates the row
    return store
