"""Which subscriber hears which event: the one table the outbox relay reads (core/relay.py).

Each subscriber is idempotent through the relay (deduplicated on event id + subscriber name), so a name here is
permanent: renaming one would deliver past events to it again.
"""

from __future__ import annotations

from orderworks.core.relay import Registry, Subscriber

SUBSCRIBERS: Registry = {}


def subscribers_for(event_type: str) -> tuple[Subscriber, ...]:
    return tuple(SUBSCRIBERS.get(event_type, ()))
