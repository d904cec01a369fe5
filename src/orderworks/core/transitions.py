"""A small declarative state machine: a table of allowed moves, checked by named transitions."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Generic, TypeVar

from orderworks.core.errors import InvalidTransition

S = TypeVar("S", bound=StrEnum)


class Transitions(Generic[S]):
    def __init__(self, table: Mapping[S, set[S]], *, entity: str = "order"):
        self._table = {state: frozenset(targets) for state, targets in table.items()}
        self._entity = entity
        self._article = "an" if entity[:1] in "aeiou" else "a"

    def can(self, current: S, target: S) -> bool:
        return target in self._table.get(current, frozenset())

    def check(self, current: S, target: S, *, action: str) -> S:
        """Return `target` if the move is allowed; raise InvalidTransition naming the action otherwise."""
        if not self.can(current, target):
            raise InvalidTransition(
                f"Cannot {action} {self._article} {self._entity} that is {current.replace('_', ' ')}",
                field="status",
                details={"from": str(current), "to": str(target), "action": action},
            )
        return target

    def targets(self, current: S) -> frozenset[S]:
        return self._table.get(current, frozenset())
