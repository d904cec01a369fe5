"""The notifications' answers to events: one relay subscriber per email (registered in orderworks/subscribers.py).

Each email subscriber runs `own_transactions` (its SMTP send must not sit inside the relay's transaction): it
claims the email row keyed on the event id and the kind, sends, and marks it sent (notifications/sending.py), so
a re-delivered event sends nothing twice and a failed send is retried by the relay's backoff."""

from __future__ import annotations

from collections.abc import Callable

from orderworks.core.relay import Event, Subscriber
from orderworks.core.settings import get_settings
from orderworks.core.uow import UnitOfWork
from orderworks.notifications import messages as m
from orderworks.notifications.feedback import schedule_feedback_request
from orderworks.notifications.sending import send_once


def email_key(event_id: object, kind: str) -> str:
    return f"{event_id}:{kind}"


def _emailer(composer: m.Composer) -> Callable[[UnitOfWork, Event], None]:
    def handle(uow: UnitOfWork, event: Event) -> None:
        settings = get_settings()
        send_once(uow, settings, key=email_key(event.id, composer.kind), event_id=event.id,
                  compose=lambda session: m.compose(session, settings, composer, event.payload))

    handle.__name__ = f"send_{composer.kind}"
    handle.__doc__ = f"Send the '{composer.kind}' email for this event, once."
    return handle


def email(composer: m.Composer) -> Subscriber:
    """The subscriber that sends `composer`'s email. Its name is permanent (the relay deduplicates on it)."""
    return Subscriber(f"notifications.email.{composer.kind}", _emailer(composer), own_transactions=True)


def record_delivery_for_feedback(uow: UnitOfWork, event: Event) -> None:
    """ShipmentDelivered: the feedback request falls due the store's number of days after the delivery."""
    schedule_feedback_request(uow, event.payload["order_id"], delivered_at=event.payload.get("delivered_at"),
                              at=event.created_at)
