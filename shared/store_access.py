"""Loading and saving aggregates with the domain's errors instead of the library's."""

from typing import TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from shared.errors import ConcurrentWrite, NotFound
from shared.eventstore import ServiceApplication

A = TypeVar("A", bound=Aggregate)


def load_sync(app: ServiceApplication, aggregate_id: UUID, kind: type[A], what: str) -> A:
    try:
        aggregate = app.repository.get(aggregate_id)
    except AggregateNotFoundError:
        raise NotFound(what, aggregate_id) from None
    if not isinstance(aggregate, kind):
        raise NotFound(what, aggregate_id)
    return aggregate


def find_sync(app: ServiceApplication, aggregate_id: UUID, kind: type[A]) -> A | None:
    try:
        aggregate = app.repository.get(aggregate_id)
    except AggregateNotFoundError:
        return None
    return aggregate if isinstance(aggregate, kind) else None


def save_sync(app: ServiceApplication, *aggregates: Aggregate) -> None:
    try:
        app.save(*aggregates)
    except IntegrityError as error:
        raise ConcurrentWrite() from error
