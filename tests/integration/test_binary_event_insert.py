"""Events inserted as four binary arrays (shared/binary_event_insert.py) against real
PostgreSQL: the same rows, notification ids and conflicts as the library's composite insert."""

import os
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from shared.binary_event_insert import BinaryInsertRecorder
from shared.eventstore import run_blocking
from tests.support.servers import fresh_database
from tests.support.tally import TallyApp

pytestmark = pytest.mark.integration
LIBRARYS = {"PROCESS_RECORDER_TOPIC": "eventsourcing.postgres:PostgresProcessRecorder"}


def some_events() -> list[StoredEvent]:
    ids = [uuid4() for _ in range(7)]
    # States as a cipher leaves them: any byte, NUL, quotes and backslashes included.
    return [StoredEvent(originator_id=ids[n % 7], originator_version=n // 7 + 1,
                        topic=f"tests.support.tally:Tally.Step{n}", state=bytes([0, 92, 34, 39]) + os.urandom(n * 40))
            for n in range(60)]


def rows_of(app: TallyApp) -> list[tuple]:
    return [(n.id, n.originator_id, n.originator_version, n.topic, bytes(n.state))
            for n in app.recorder.select_notifications(start=1, limit=1000)]


async def test_binary_arrays_insert_what_the_librarys_composite_insert_does(server_settings):
    events = some_events()
    async with fresh_database(server_settings) as ours_db, fresh_database(server_settings) as theirs_db:
        ours = TallyApp(server_settings.model_copy(update={"intake_database": ours_db}))
        theirs = TallyApp(server_settings.model_copy(update={"intake_database": theirs_db}), env=LIBRARYS)
        try:
            assert isinstance(ours.recorder, BinaryInsertRecorder)
            assert not isinstance(theirs.recorder, BinaryInsertRecorder)
            returned = [await run_blocking(app.recorder.insert_events, events[:25]) for app in (ours, theirs)]
            returned += [await run_blocking(app.recorder.insert_events, events[25:]) for app in (ours, theirs)]
            ours_rows, theirs_rows = await run_blocking(rows_of, ours), await run_blocking(rows_of, theirs)
        finally:
            await run_blocking(ours.close)
            await run_blocking(theirs.close)
    assert returned[0] == returned[1] == list(range(1, 26))
    assert returned[2] == returned[3] == list(range(26, 61))
    assert ours_rows == theirs_rows
    assert [row[1:] for row in ours_rows] == [
        (e.originator_id, e.originator_version, e.topic, e.state) for e in events]


async def test_a_version_taken_twice_is_refused_and_nothing_of_its_batch_is_kept(server_settings):
    events = some_events()
    async with fresh_database(server_settings) as database:
        app = TallyApp(server_settings.model_copy(update={"intake_database": database}))
        try:
            await run_blocking(app.recorder.insert_events, events[:10])
            clash = [events[30], StoredEvent(originator_id=events[3].originator_id, originator_version=1,
                                             topic="tests.support.tally:Tally.Again", state=b"x")]
            with pytest.raises(IntegrityError):
                await run_blocking(app.recorder.insert_events, clash)
            kept = await run_blocking(rows_of, app)
        finally:
            await run_blocking(app.close)
    assert [row[1:3] for row in kept] == [(e.originator_id, e.originator_version) for e in events[:10]]
