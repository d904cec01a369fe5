"""How emails go out: the .eml fallback without SMTP, a refused send retried by the relay until it succeeds, a
claim left by a crash resent under the same Message-ID, and German for a German store."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import time_machine
from babel.dates import format_date
from sqlalchemy import select, update

from orderworks.core.clock import now
from orderworks.core.relay import EventDelivery
from orderworks.core.uow import UnitOfWork
from orderworks.notifications.models import EmailMessage
from orderworks.notifications.queries import EmailFilter, emails_for_order, eml_bytes, list_emails
from orderworks.notifications.rules import CLAIM_STALE_AFTER
from orderworks.orders import pricing_setup as setup
from orderworks.orders.service.placement import place_order
from tests.builders import STAFF, order_cmd
from tests.notifications.conftest import body, relay


def test_without_smtp_each_message_is_an_eml_file_listed_with_its_order(shop, eml_settings, new_uow,
                                                                        factory) -> None:  # type: ignore[no-untyped-def]
    first = place_order(new_uow(), order_cmd(), actor=STAFF)
    second = place_order(new_uow(), order_cmd(email="bob@example.com"), actor=STAFF)
    relay(factory)

    files = sorted((Path(eml_settings.var_dir) / "mail").glob("*.eml"))
    assert len(files) == 2
    page = list_emails(new_uow(), EmailFilter(kind="order_confirmation"), limit=1)
    assert len(page.items) == 1 and page.next_cursor
    rest = list_emails(new_uow(), EmailFilter(kind="order_confirmation"), cursor=page.next_cursor, limit=1)
    listed = page.items + rest.items
    assert {row.to for row in listed} == {"ada@example.com", "bob@example.com"} and rest.next_cursor is None
    with new_uow() as uow:
        [row] = emails_for_order(uow.session, first.id)
    assert row.status == "sent" and row.file_path and Path(row.file_path) in files
    message = message_from_bytes(eml_bytes(row) or b"", policy=policy.default)
    assert message["Subject"] == f"Order {first.number} confirmed" and message["To"] == "ada@example.com"
    assert message["Message-ID"] == row.message_id
    assert second.number in {str(message_from_bytes(f.read_bytes(), policy=policy.default)["Subject"]).split()[1]
                             for f in files}


def test_a_refused_send_is_retried_by_the_relay_and_then_succeeds(shop, inbox, new_uow,
                                                                  factory) -> None:  # type: ignore[no-untyped-def]
    inbox.refuse = 2
    with time_machine.travel(now(), tick=True) as clock:
        order = place_order(new_uow(), order_cmd(), actor=STAFF)
        relay(factory)
        assert inbox.messages == [] and _email(new_uow).status == "failed"
        clock.shift(timedelta(seconds=6))  # the relay's first backoff is 5 s
        relay(factory)
        assert inbox.messages == [] and inbox.refused == 2
        clock.shift(timedelta(seconds=11))
        relay(factory)
    assert inbox.subjects() == [f"Order {order.number} confirmed"]
    row = _email(new_uow)
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, "")
    with new_uow() as uow:
        delivery = uow.session.execute(select(EventDelivery).where(
            EventDelivery.subscriber == "notifications.email.order_confirmation")).scalar_one()
    assert (delivery.status, delivery.attempts) == ("done", 3)


def test_a_claim_left_by_a_crash_is_resent_once_stale_under_the_same_message_id(shop, inbox, new_uow,
                                                                              factory) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(now(), tick=True) as clock:
        place_order(new_uow(), order_cmd(), actor=STAFF)
        relay(factory)
        [first] = inbox.messages
        # As if the worker died after the SMTP send and before recording it: the claim says `sending`, the
        # relay's delivery is not done.
        with new_uow() as uow:
            uow.session.execute(update(EmailMessage).values(status="sending", claimed_at=now()))
            uow.session.execute(update(EventDelivery).values(status="retrying", next_attempt_at=now()))
            from orderworks.core.outbox import OutboxEvent

            uow.session.execute(update(OutboxEvent).values(status="pending", available_at=now()))
            uow.commit()
        relay(factory)  # a fresh claim: it may still be talking to SMTP, so nothing is sent
        assert len(inbox.messages) == 1 and _email(new_uow).status == "sending"
        clock.shift(CLAIM_STALE_AFTER + timedelta(seconds=60))
        relay(factory)
    assert len(inbox.messages) == 2
    assert inbox.messages[1]["Message-ID"] == first["Message-ID"]  # the reader's client shows one message
    assert _email(new_uow).status == "sent"


def test_a_german_store_writes_german_with_german_money_and_dates(shop, inbox, new_uow,
                                                                  factory) -> None:  # type: ignore[no-untyped-def]
    setup.update_store(new_uow(), {"locale": "de_DE", "timezone": "Europe/Berlin",
                                   "address": {"line1": "Hauptstraße 1", "city": "Berlin", "postal_code": "10115",
                                               "country": "DE"}})
    order = place_order(new_uow(), order_cmd(("RED-CHAIR", 2)), actor=STAFF)
    relay(factory)
    [message] = inbox.messages
    assert message["Subject"] == f"Bestellung {order.number} bestätigt"
    text, html = body(message), body(message, "html")
    assert "Hallo Ada Lovelace," in text and "vielen Dank für Ihre Bestellung" in text
    assert "110,47\xa0$" in text and format_date(order.placed_at, "long", locale="de_DE") in text and "Gesamt" in html  # babel: German number format
    assert "Vereinigte Staaten" in text  # the customer's country, named in German
    assert "10115 BERLIN" in text or "10115 Berlin" in text  # the store's address in the footer
    assert _email(new_uow).locale == "de_DE"


def _email(new_uow) -> EmailMessage:  # type: ignore[no-untyped-def]
    with new_uow() as uow:
        return uow.session.execute(select(EmailMessage)).scalar_one()


UnitOfWork  # noqa: B018 - imported for the type of new_uow's result
