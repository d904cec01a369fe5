"""Notification use cases for staff: the store's notification settings."""

from __future__ import annotations

from typing import Any

from orderworks.core.errors import ValidationFailed
from orderworks.core.store import Store, get_store
from orderworks.core.uow import UnitOfWork

FIELDS = ("feedback_request_days", "staff_notifications")


def update_notification_settings(uow: UnitOfWork, changes: dict[str, Any]) -> Store:
    """Set how many days after delivery the feedback request goes out (0: never) and whether staff get emails."""
    days = changes.get("feedback_request_days")
    if days is not None and (not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 365):
        raise ValidationFailed("feedback_request_days is a whole number of days from 0 to 365",
                               field="feedback_request_days")
    with uow:
        store = get_store(uow.session)
        for name in FIELDS:
            if changes.get(name) is not None:
                setattr(store, name, changes[name])
        uow.commit()
    return store
