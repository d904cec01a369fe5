"""The store's fulfilment settings: the allocation strategy and which agreed payment methods ship unpaid."""

from __future__ import annotations

from orderworks.core.errors import ValidationFailed
from orderworks.core.store import Store, get_store
from orderworks.core.uow import UnitOfWork
from orderworks.fulfillment.rules import AllocationStrategy

UNPAID_METHODS = ("cod", "net_terms", "invoice", "bank_transfer", "check")


def update_fulfillment_settings(uow: UnitOfWork, *, allocation_strategy: str | None = None,
                                ship_unpaid_methods: list[str] | None = None) -> Store:
    """Choose how orders are split across locations, and which payment terms let an order ship before it is paid."""
    if allocation_strategy is not None and allocation_strategy not in set(AllocationStrategy):
        raise ValidationFailed(f"allocation_strategy is one of {', '.join(AllocationStrategy)}",
                               field="allocation_strategy")
    if ship_unpaid_methods is not None:
        unknown = [m for m in ship_unpaid_methods if m not in UNPAID_METHODS]
        if unknown:
            raise ValidationFailed(f"Unknown unpaid terms {', '.join(unknown)} (use {', '.join(UNPAID_METHODS)})",
                                   field="ship_unpaid_methods")
    with uow:
        store = get_store(uow.session)
        if allocation_strategy is not None:
            store.allocation_strategy = allocation_strategy
        if ship_unpaid_methods is not None:
            store.ship_unpaid_methods = sorted(set(ship_unpaid_methods))
        uow.commit()
    return store
