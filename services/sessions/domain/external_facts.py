"""What sessions learned about a relationship from the other services' events:
the request and the proposals before it, so the whole life can be told from here."""

from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


def external_facts_id(relationship_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"mentoring:external-facts:{relationship_id}")


class ExternalFacts(Aggregate):
    @event("ExternalFactsOpened")
    def __init__(self, id: UUID, relationship_id: UUID) -> None:
        self.relationship_id = relationship_id
        self.facts: list[dict[str, Any]] = []

    @classmethod
    def open(cls, relationship_id: UUID) -> "ExternalFacts":
        return cls(id=external_facts_id(relationship_id), relationship_id=relationship_id)

    def learn(self, source: str, fact: str, occurred_at: datetime, attributes: dict[str, Any]) -> None:
        self._learned(source=source, fact=fact, occurred_at=occurred_at, attributes=attributes)

    @event("ExternalFactLearned")
    def _learned(self, source: str, fact: str, occurred_at: datetime, attributes: dict[str, Any]) -> None:
        self.facts = [*self.facts, {"source": source, "fact": fact, "at": occurred_at, "attributes": attributes}]
