"""Who did something: a staff member, an API key, a store rule, the customer, or the system itself."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ActorKind(StrEnum):
    STAFF = "staff"
    API_KEY = "api_key"
    RULE = "rule"
    CUSTOMER = "customer"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Actor:
    kind: ActorKind
    name: str
    id: str | None = None
    role: str | None = None

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(ActorKind.SYSTEM, name)

    def as_dict(self) -> dict[str, str | None]:
        return {"kind": str(self.kind), "id": self.id, "name": self.name}
