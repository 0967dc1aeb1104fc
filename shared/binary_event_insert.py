"""Every service's event recorder: the library's, with events inserted as four binary
arrays instead of one array of a composite type.

The library builds a composite value per event and psycopg dumps that array as text in
Python, escaping each event's state byte by byte; PostgreSQL then parses it back. That
was 15 % of a consumer run's time. Four parallel arrays (ids, versions, topics, states)
dumped in binary and unnested into the same columns are the same rows in the same order,
at a twelfth of the client CPU: 500 events of 700 bytes, 23 ms -> 1.9 ms
(docs/performance.md). Everything else is the library's: the table lock that keeps
insert order equal to commit order, the NOTIFY, the notification ids it returns, the
tracking record and the snapshots.
"""

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresProcessRecorder
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

TOPIC = "shared.binary_event_insert:BinaryInsertRecorder"


class BinaryInsertRecorder(PostgresProcessRecorder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.insert_columns_statement = SQL(
            "INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state) "
            "SELECT * FROM unnest(%b::uuid[], %b::int8[], %b::text[], %b::bytea[]) "
            "RETURNING notification_id"
        ).format(schema=Identifier(self.datastore.schema), table=Identifier(self.events_table_name))

    def _insert_stored_events(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent],
                              **kwargs: Any) -> None:
        # The library's order: the table lock and the NOTIFY first, then the rows, whose
        # RETURNING the library reads as the notification ids.
        self._lock_table(curs)
        self._notify_channel(curs)
        curs.execute(self.insert_columns_statement, (
            [event.originator_id for event in stored_events],
            [event.originator_version for event in stored_events],
            [event.topic for event in stored_events],
            [event.state for event in stored_events],
        ), prepare=True)
