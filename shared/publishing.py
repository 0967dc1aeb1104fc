"""The seam between a service's domain events and its public topic.

Each service provides `to_public(domain_event, aggregate_after) -> PublicEvent | None`:
None keeps an event private (internal bookkeeping, confidential content).
"""

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.domain import Aggregate, DomainEvent

from shared.contracts.base import EventContract


@dataclass(frozen=True)
class PublicEvent:
    contract: EventContract
    # All events of one relationship (or one participant) share a key, so they
    # land in one partition and keep their order.
    key: UUID
    tenant: str
    program: UUID | None = None
    relationship: UUID | None = None


PublicMapper = Callable[[DomainEvent, Aggregate], PublicEvent | None]
