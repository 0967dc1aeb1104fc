"""Many aggregates loaded in two statements instead of two per aggregate.

A consumer's run applies up to a few hundred messages in one transaction, and each
handler loads the aggregates its message names: one by one that is a snapshot SELECT
and an events SELECT each, two thirds of a run's time (docs/performance.md). Here the
newest snapshot of every id comes in one statement and the events after it in another;
what comes back is what `repository.get` would have built, and ids with no events are
reported as absent so that a handler's "not found" needs no statement either.
"""

from collections.abc import Collection, Iterable
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

from shared.eventstore import ServiceApplication

NEWEST_SNAPSHOTS = (
    "SELECT DISTINCT ON (originator_id) originator_id, originator_version, topic, state "
    "FROM {schema}.{table} WHERE originator_id = ANY(%s) ORDER BY originator_id, originator_version DESC"
)
EVENTS_AFTER = (
    "SELECT e.originator_id, e.originator_version, e.topic, e.state "
    "FROM unnest(%s::uuid[], %s::int[]) AS wanted(id, after) "
    "JOIN {schema}.{table} e ON e.originator_id = wanted.id AND e.originator_version > wanted.after "
    "ORDER BY e.originator_id, e.originator_version"
)


def load_many(app: ServiceApplication, ids: Collection[UUID]) -> tuple[dict[UUID, Aggregate], set[UUID]]:
    """(the aggregates found, by id; the ids that have no events)."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}, set()
    datastore = app.recorder.datastore
    snapshots = _snapshots(app, wanted)
    # Rows as tuples: the library's dict rows were 5 % of a consumer run.
    with datastore.get_connection() as connection, connection.cursor(row_factory=tuple_row) as cursor:
        cursor.execute(_statement(EVENTS_AFTER, datastore.schema, app.recorder.events_table_name),
                       [wanted, [snapshots[i].originator_version if i in snapshots else 0 for i in wanted]])
        rows = cursor.fetchall()
    events: dict[UUID, list[Any]] = {}
    for row in rows:
        events.setdefault(row[0], []).append(app.mapper.to_domain_event(_stored(row)))
    found: dict[UUID, Aggregate] = {}
    for aggregate_id in wanted:
        aggregate = _projected(snapshots.get(aggregate_id), events.get(aggregate_id, []))
        if aggregate is not None:
            found[aggregate_id] = aggregate
    return found, set(wanted) - set(found)


def _snapshots(app: ServiceApplication, wanted: list[UUID]) -> dict[UUID, Any]:
    if app.snapshots is None:
        return {}
    recorder: Any = app.snapshots.recorder
    datastore = recorder.datastore
    with datastore.get_connection() as connection, connection.cursor(row_factory=tuple_row) as cursor:
        cursor.execute(_statement(NEWEST_SNAPSHOTS, datastore.schema, recorder.events_table_name), [wanted])
        rows = cursor.fetchall()
    return {row[0]: app.snapshots.mapper.to_domain_event(_stored(row)) for row in rows}


def _projected(snapshot: Any, events: Iterable[Any]) -> Aggregate | None:
    # The library's project_aggregate, without its per-event typing.Protocol isinstance.
    aggregate = snapshot.mutate(None) if snapshot is not None else None
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


def _statement(template: str, schema: str, table: str) -> Any:
    return SQL(template).format(schema=Identifier(schema), table=Identifier(table))


def _stored(row: tuple[Any, ...]) -> StoredEvent:
    # The statements' columns: originator_id, originator_version, topic, state.
    return StoredEvent(originator_id=row[0], originator_version=row[1], topic=row[2], state=bytes(row[3]))
