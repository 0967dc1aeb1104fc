"""Loading and saving aggregates with the domain's errors instead of the library's."""

from collections.abc import Iterator
from typing import TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, AggregateEvent
from eventsourcing.persistence import IntegrityError

from shared.errors import ConcurrentWrite, NotFound
from shared.eventstore import ServiceApplication

A = TypeVar("A", bound=Aggregate)


def load_sync(app: ServiceApplication, aggregate_id: UUID, kind: type[A], what: str) -> A:
    try:
        aggregate: Aggregate = app.repository.get(aggregate_id)
    except AggregateNotFoundError:
        raise NotFound(what, aggregate_id) from None
    if not isinstance(aggregate, kind):
        raise NotFound(what, aggregate_id)
    return aggregate


def events_of(app: ServiceApplication, aggregate_id: UUID) -> Iterator[AggregateEvent]:
    """An aggregate's stored events in order, as the aggregate events they are (the
    store promises only what every domain event has: no timestamp, no mutate)."""
    for event in app.events.get(aggregate_id):
        assert isinstance(event, AggregateEvent)  # every aggregate here records its own kind
        yield event


def find_sync(app: ServiceApplication, aggregate_id: UUID, kind: type[A]) -> A | None:
    try:
        aggregate: Aggregate = app.repository.get(aggregate_id)
    except AggregateNotFoundError:
        return None
    return aggregate if isinstance(aggregate, kind) else None


class LoadedOnce:
    """The aggregates one command reads, each fetched from the store once: a request
    names its mentee, program and other people, whose checks (at the boundary) and rules
    (in the use case) read the same aggregates; a named person's program is usually the
    request's own. One command's, never shared: its aggregates are the ones it saves."""

    def __init__(self, app: ServiceApplication) -> None:
        self.app = app
        self._found: dict[UUID, Aggregate] = {}

    def get(self, aggregate_id: UUID, kind: type[A], what: str) -> A:
        if aggregate_id not in self._found:
            self._found[aggregate_id] = load_sync(self.app, aggregate_id, kind, what)
        found = self._found[aggregate_id]
        if not isinstance(found, kind):
            raise NotFound(what, aggregate_id)
        return found


def save_sync(app: ServiceApplication, *aggregates: Aggregate) -> None:
    try:
        app.save(*aggregates)
    except IntegrityError as error:
        raise ConcurrentWrite() from error
