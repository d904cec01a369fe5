"""docs/webhooks.md is the generated one, and every documented example has exactly the fields its event has."""

from __future__ import annotations

import dataclasses
import importlib
from pathlib import Path

import pytest

from orderworks.notifications.webhooks.docs import render
from orderworks.notifications.webhooks.event_types import BY_CLASS, EVENT_TYPES, INTERNAL_KEYS, event_data

DOCS = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"
EVENT_MODULES = ["orderworks.orders.events", "orderworks.payments.events", "orderworks.invoicing.events",
                 "orderworks.inventory.events", "orderworks.catalog.events", "orderworks.fulfillment.events",
                 "orderworks.storefront.events"]


def _event_classes() -> dict[str, type]:
    classes: dict[str, type] = {}
    for name in EVENT_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue  # fulfilment events land with their own branch; their examples follow contracts.md
        classes.update({n: c for n, c in vars(module).items() if dataclasses.is_dataclass(c)})
    return classes


CLASSES = _event_classes()


def test_the_docs_are_generated_from_the_table() -> None:
    assert DOCS.read_text() == render(), "run: python -m orderworks.notifications.webhooks.docs > docs/webhooks.md"


@pytest.mark.parametrize("event_type", [t for t in EVENT_TYPES if t.event_class in CLASSES], ids=lambda t: t.name)
def test_each_example_has_the_fields_of_its_event(event_type) -> None:  # type: ignore[no-untyped-def]
    fields = {f.name for f in dataclasses.fields(CLASSES[event_type.event_class])} - INTERNAL_KEYS
    assert set(event_type.example) == {event_type.rename.get(f, f) for f in fields}


def test_names_are_dotted_lower_case_and_unique() -> None:
    names = [t.name for t in EVENT_TYPES]
    assert len(names) == len(set(names)) and all(n == n.lower() and "." in n for n in names)
    assert len(BY_CLASS) == len([t for t in EVENT_TYPES if t.event_class])


def test_data_drops_internal_keys_and_renames() -> None:
    data = event_data(BY_CLASS["ProductCreated"], {"aggregate_id": "p1", "sku": "S", "name": "N",
                                                  "aggregate_type": "product"})
    assert data == {"product_id": "p1", "sku": "S", "name": "N"}
