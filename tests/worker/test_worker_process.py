"""`orderworks worker` processes deliver every outbox event to every subscriber exactly once, even when one is
SIGKILLed in the middle of a batch and another started after it: on a SQLite file and on PostgreSQL, with the
SqliteHuey queue and with RedisHuey."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import func, select

from orderworks.core.numbering import NumberSeries
from orderworks.core.outbox import OutboxEvent
from orderworks.core.relay import EventDelivery
from tests.worker.conftest import WorkerEnv, wait_for
from tests.worker.plugin import WorkerTestEvent

EVENTS = 120
PAUSE_AT = 40  # the event whose first delivery hangs until the worker is killed


def _emit(new_uow, start: int, count: int, *, pause_at: int | None = None) -> None:  # type: ignore[no-untyped-def]
    with new_uow() as uow:
        for n in range(start, start + count):
            uow.outbox.add(WorkerTestEvent(order_id=f"o{n}", n=n, pause=n == pause_at))
        uow.commit()


def _effects(new_uow, subscriber: str) -> dict[int, int]:  # type: ignore[no-untyped-def]
    """n -> how many times the subscriber's effect was written for event n."""
    with new_uow() as uow:
        rows = uow.session.execute(select(NumberSeries.name, NumberSeries.last_value)
                                   .where(NumberSeries.name.like(f"{subscriber}.%"))).all()
    return {int(name.split(".")[1]): value for name, value in rows}


def _pending(new_uow) -> int:  # type: ignore[no-untyped-def]
    with new_uow() as uow:
        return int(uow.session.execute(select(func.count()).select_from(OutboxEvent)
                                       .where(OutboxEvent.status != "done")).scalar_one())


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_nothing(worker_env: WorkerEnv, new_uow) -> None:  # type: ignore[no-untyped-def]
    # given a backlog, and one event whose first delivery will hang
    _emit(new_uow, 0, EVENTS, pause_at=PAUSE_AT)
    marker = Path(worker_env.env()["ORDERWORKS_TEST_MARKER"])
    first = worker_env.start(workers=2, ORDERWORKS_TEST_SUBSCRIBER_SLEEP="0.005")

    # when the worker is SIGKILLed while it holds a batch, a delivery's transaction open
    wait_for(marker.exists, seconds=60, what="the paused delivery", env=worker_env)
    worker_env.kill(first)
    paused_id = marker.read_text()
    with new_uow() as uow:
        paused = uow.session.execute(select(OutboxEvent).where(OutboxEvent.id == uuid.UUID(paused_id))).scalar_one()
        assert paused.status == "pending"  # leased by the dead worker, not delivered
    done_before = _effects(new_uow, "first")
    assert PAUSE_AT not in done_before  # its effect rolled back with the killed transaction
    assert len(done_before) < EVENTS

    # and another worker starts (the dead one's lease runs out, 3 s here)
    worker_env.start(workers=2)
    wait_for(lambda: _pending(new_uow) == 0, seconds=90, what="every event delivered", env=worker_env)

    # then each subscriber's effect exists once per event, and every delivery is recorded done
    for subscriber in ("first", "second"):
        assert _effects(new_uow, subscriber) == {n: 1 for n in range(EVENTS)}
    with new_uow() as uow:
        statuses = uow.session.execute(select(EventDelivery.status, func.count()).group_by(EventDelivery.status)).all()
    assert dict(statuses) == {"done": 2 * EVENTS}


def test_an_idle_worker_delivers_a_new_event_and_several_workers_share_the_outbox(worker_env: WorkerEnv, new_uow) -> None:  # type: ignore[no-untyped-def]
    # given two worker processes, idle
    worker_env.start(workers=1)
    worker_env.start(workers=2)
    _emit(new_uow, 0, 1)
    wait_for(lambda: _pending(new_uow) == 0, seconds=30, what="the first event", env=worker_env)

    # when events arrive while they idle
    _emit(new_uow, 1, 60)

    # then they wake and deliver each once
    wait_for(lambda: _pending(new_uow) == 0, seconds=30, what="the new events", env=worker_env)
    for subscriber in ("first", "second"):
        assert _effects(new_uow, subscriber) == {n: 1 for n in range(61)}
