"""Loading, changing and saving one aggregate from an HTTP request."""

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate
from fastapi import Request

from shared.envelope import event_id
from shared.eventstore import ServiceApplication, run_blocking
from shared.http.auth import Principal
from shared.http.idempotency import idempotency_scope
from shared.http.versions import check_if_match
from shared.publishing import PublicMapper
from shared.store_access import events_of, load_sync, save_sync

A = TypeVar("A", bound=Aggregate)


def new_id_for(request: Request, principal: Principal) -> UUID:
    """A retried create names the same new aggregate, so even a lost idempotency
    record cannot create a second one: the store refuses version 1 twice. Scoped like
    the key itself, so two people of one tenant choosing the same key do not collide."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return uuid4()
    return uuid5(NAMESPACE_URL, f"mentoring:{idempotency_scope(principal)}:{request.url.path}:{key}")


async def load(app: ServiceApplication, aggregate_id: UUID, kind: type[A], what: str) -> A:
    return await run_blocking(load_sync, app, aggregate_id, kind, what)


async def change(
    app: ServiceApplication, aggregate_id: UUID, kind: type[A], what: str,
    command: Callable[[A], Any], authorize: Callable[[A], None] | None = None,
    if_match: str | None = None, require_if_match: bool = False,
) -> A:
    """Load, authorize, check If-Match, run the command, save: one worker-thread call.

    Updates of content require If-Match; explicit actions (pause, withdraw) may send it.
    """

    def run() -> A:
        aggregate = load_sync(app, aggregate_id, kind, what)
        if authorize is not None:
            authorize(aggregate)
        if require_if_match or if_match is not None:
            check_if_match(if_match, aggregate.version)
        command(aggregate)
        save_sync(app, aggregate)
        return aggregate

    return await run_blocking(run)


def public_history(app: ServiceApplication, aggregate_id: UUID, to_public: PublicMapper) -> list[dict[str, Any]]:
    """The aggregate's public events, oldest first, as CloudEvents shaped as on Kafka.

    Each domain event is mapped with the state it produced, by the mapper the relay
    uses, so an item is exactly what the topic carried (same id, type and data); events
    the mapper keeps internal are left out, so no internal event becomes public API.
    Transport fields (sequence, correlation and trace ids) are the topic's, not here;
    `subjectversion` (an extension) is the subject's version after the event, its ETag.
    """
    history = []
    aggregate: Aggregate | None = None
    for event in events_of(app, aggregate_id):
        aggregate = event.mutate(aggregate)
        assert aggregate is not None  # the library's mutate returns the aggregate it made or changed
        public = to_public(event, aggregate)
        if public is None:
            continue
        event_type = public.contract.cloudevent_type()
        history.append({
            "specversion": "1.0",
            "id": event_id(event.originator_id, event.originator_version),
            "source": f"/mentoring/{app.service}",
            "type": event_type,
            "subject": str(event.originator_id),
            "subjectversion": event.originator_version,
            "time": event.timestamp,
            "datacontenttype": "application/json",
            "dataschema": f"https://mentoring.example/events/{event_type}.json",
            "program": str(public.program) if public.program else None,
            "relationship": str(public.relationship) if public.relationship else None,
            "data": public.contract.model_dump(mode="json"),
        })
    return history
