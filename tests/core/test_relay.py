"""The outbox relay delivers each event to each subscriber exactly once, retries failures with backoff, parks
them after too many, and survives a relay that dies holding a lease."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import time_machine
from sqlalchemy import select

from orderworks.core.clock import now
from orderworks.core.numbering import next_number, peek_number
from orderworks.core.outbox import OutboxEvent
from orderworks.core.relay import (
    LEASE,
    MAX_ATTEMPTS,
    Event,
    Subscriber,
    _lease_batch,
    failed_deliveries,
    relay_once,
    relay_until_idle,
    retry_delivery,
)
from orderworks.core.uow import UnitOfWork


@dataclass(frozen=True)
class ThingHappened:
    order_id: str
    n: int


def _emit(new_uow, count: int = 1) -> None:  # type: ignore[no-untyped-def]
    with new_uow() as uow:
        for n in range(count):
            uow.outbox.add(ThingHappened(order_id=f"o{n}", n=n))
        uow.commit()


def _counting(series: str) -> Subscriber:
    """A subscriber whose database effect is one number taken from `series` per delivery."""
    def handle(uow: UnitOfWork, event: Event) -> None:
        next_number(uow.session, series)
    return Subscriber(name=f"count.{series}", handle=handle)


def _count(new_uow, series: str) -> int:  # type: ignore[no-untyped-def]
    with new_uow() as uow:
        return peek_number(uow.session, series)


def _statuses(new_uow) -> list[str]:  # type: ignore[no-untyped-def]
    with new_uow() as uow:
        return list(uow.session.execute(select(OutboxEvent.status)).scalars())


def test_each_subscriber_handles_each_event_once(new_uow, factory) -> None:  # type: ignore[no-untyped-def]
    registry = {"ThingHappened": [_counting("a"), _counting("b")]}
    _emit(new_uow, 3)
    assert relay_until_idle(factory, registry) == 3
    assert (_count(new_uow, "a"), _count(new_uow, "b")) == (3, 3)
    assert _statuses(new_uow) == ["done"] * 3
    assert relay_until_idle(factory, registry) == 0
    assert _count(new_uow, "a") == 3


def test_the_subscriber_payload_is_the_event(new_uow, factory) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[str, dict]] = []  # type: ignore[type-arg]
    registry = {"ThingHappened": [Subscriber("spy", lambda uow, e: seen.append((e.type, e.payload)))]}
    _emit(new_uow)
    relay_until_idle(factory, registry)
    assert seen == [("ThingHappened", {"order_id": "o0", "n": 0})]


def test_a_failing_subscriber_is_retried_with_backoff_and_its_effects_roll_back(new_uow, factory) -> None:  # type: ignore[no-untyped-def]
    calls = {"n": 0}

    def flaky(uow: UnitOfWork, event: Event) -> None:
        calls["n"] += 1
        next_number(uow.session, "flaky")  # written, then rolled back with the failure
        if calls["n"] < 3:
            raise RuntimeError("smtp down")

    registry = {"ThingHappened": [Subscriber("flaky", flaky), _counting("steady")]}
    _emit(new_uow)
    with time_machine.travel(now(), tick=False) as clock:
        relay_until_idle(factory, registry)
        assert (calls["n"], _count(new_uow, "flaky"), _count(new_uow, "steady")) == (1, 0, 1)
        assert _statuses(new_uow) == ["pending"]
        relay_until_idle(factory, registry)
        assert calls["n"] == 1  # not due before its backoff
        clock.shift(timedelta(seconds=6))
        relay_until_idle(factory, registry)
        clock.shift(timedelta(seconds=11))
        relay_until_idle(factory, registry)
    assert (calls["n"], _count(new_uow, "flaky"), _count(new_uow, "steady")) == (3, 1, 1)
    assert _statuses(new_uow) == ["done"]


def test_a_subscriber_that_keeps_failing_is_parked_then_retried_by_staff(new_uow, factory) -> None:  # type: ignore[no-untyped-def]
    broken = {"on": True}

    def handle(uow: UnitOfWork, event: Event) -> None:
        if broken["on"]:
            raise ValueError("endpoint gone")
        next_number(uow.session, "fixed")

    registry = {"ThingHappened": [Subscriber("webhook", handle)]}
    _emit(new_uow)
    with time_machine.travel(now(), tick=False) as clock:
        for _ in range(MAX_ATTEMPTS + 2):
            relay_until_idle(factory, registry)
            clock.shift(timedelta(hours=2))
    [parked] = failed_deliveries(new_uow())
    assert (parked.subscriber, parked.attempts, parked.event_type) == ("webhook", MAX_ATTEMPTS, "ThingHappened")
    assert "endpoint gone" in parked.last_error
    assert _statuses(new_uow) == ["failed"]

    broken["on"] = False
    retry_delivery(new_uow(), parked.id)
    relay_until_idle(factory, registry)
    assert _count(new_uow, "fixed") == 1
    assert failed_deliveries(new_uow()) == []
    assert _statuses(new_uow) == ["done"]


def test_events_leased_by_a_relay_that_died_are_delivered_once_the_lease_runs_out(new_uow, factory) -> None:  # type: ignore[no-untyped-def]
    registry = {"ThingHappened": [_counting("c")]}
    _emit(new_uow, 2)
    with time_machine.travel(now(), tick=False) as clock:
        assert len(_lease_batch(factory, 100)) == 2  # ... and this relay dies here
        assert relay_once(factory, registry) == 0
        clock.shift(LEASE + timedelta(seconds=1))
        assert relay_until_idle(factory, registry) == 2
    assert _count(new_uow, "c") == 2


def test_concurrent_relays_deliver_each_event_once(new_uow, factory) -> None:  # type: ignore[no-untyped-def]
    registry = {"ThingHappened": [_counting("d")]}
    _emit(new_uow, 40)
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda _: relay_until_idle(factory, registry), range(4)))
    assert _count(new_uow, "d") == 40
    assert _statuses(new_uow) == ["done"] * 40


def test_an_event_delivered_again_after_a_crash_before_settling_runs_nothing_twice(new_uow, factory) -> None:  # type: ignore[no-untyped-def]
    registry = {"ThingHappened": [_counting("e")]}
    _emit(new_uow)
    relay_until_idle(factory, registry)
    with new_uow() as uow:  # as if the relay died after the subscriber committed, before marking the event done
        uow.session.execute(OutboxEvent.__table__.update().values(status="pending", available_at=now()))
        uow.commit()
    assert relay_until_idle(factory, registry) == 1
    assert _count(new_uow, "e") == 1
    assert _statuses(new_uow) == ["done"]


def test_a_subscriber_on_its_own_transactions_commits_itself_and_is_retried_on_failure(new_uow, factory) -> None:  # type: ignore[no-untyped-def]
    calls = {"n": 0}

    def calls_out(uow: UnitOfWork, event: Event) -> None:
        calls["n"] += 1
        with uow:  # its own transaction: committed now, before anything that could fail after it
            next_number(uow.session, "claims")
            uow.commit()
        if calls["n"] == 1:
            raise TimeoutError("gateway timed out")

    registry = {"ThingHappened": [Subscriber("gateway", calls_out, own_transactions=True)]}
    _emit(new_uow)
    with time_machine.travel(now(), tick=False) as clock:
        relay_until_idle(factory, registry)
        assert (calls["n"], _count(new_uow, "claims"), _statuses(new_uow)) == (1, 1, ["pending"])
        clock.shift(timedelta(seconds=6))
        relay_until_idle(factory, registry)
    assert (calls["n"], _count(new_uow, "claims"), _statuses(new_uow)) == (2, 2, ["done"])
    relay_until_idle(factory, registry)
    assert calls["n"] == 2


def test_a_subscriber_registered_for_every_type_hears_every_event(new_uow, factory) -> None:  # type: ignore[no-untyped-def]
    registry = {"ThingHappened": [_counting("own")], "*": [_counting("all")]}
    _emit(new_uow, 2)
    assert relay_until_idle(factory, registry) == 2
    assert (_count(new_uow, "own"), _count(new_uow, "all")) == (2, 2)
    assert _statuses(new_uow) == ["done"] * 2
