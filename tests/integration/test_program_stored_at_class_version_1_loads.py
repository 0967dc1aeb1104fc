"""Intake's store holding a program as class version 1 wrote it (encrypted and compressed
like every stored event) loads it in the version 2 shape, from its events and from its
snapshot, on the library's in-memory persistence and on PostgreSQL alike; what is saved
after that is version 2 and loads again."""

import json
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from services.intake.application import IntakeApplication
from services.intake.domain.program import Program
from tests.support.servers import create_database_sync, drop_database_sync

pytestmark = pytest.mark.integration
RECORDED = json.loads(
    (
        Path(__file__).parents[1] / "unit/intake/program_history_recorded_at_class_version_1.json"
    ).read_text()
)
PROGRAM_ID = UUID(RECORDED["snapshot"]["originator_id"])


@pytest.fixture(params=["in-memory", "postgresql"])
def store(request, server_settings) -> Iterator[IntakeApplication]:
    if request.param == "in-memory":
        app = IntakeApplication(server_settings, env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
        yield app
        app.close()
        return
    database = f"upcast_{uuid4().hex[:10]}"
    create_database_sync(server_settings, database)
    app = IntakeApplication(server_settings.model_copy(update={"intake_database": database}))
    try:
        yield app
    finally:
        app.close()
        drop_database_sync(server_settings, database)


def as_the_previous_release_stored(app: IntakeApplication, recorded: dict) -> StoredEvent:
    """The recorded JSON, compressed then encrypted, as the store's mapper does."""
    state = app.mapper.cipher.encrypt(app.mapper.compressor.compress(recorded["state"].encode()))
    return StoredEvent(
        originator_id=UUID(recorded["originator_id"]),
        originator_version=recorded["originator_version"],
        topic=recorded["topic"],
        state=state,
    )


def test_the_version_1_events_load_as_version_2(store):
    store.recorder.insert_events(
        [as_the_previous_release_stored(store, e) for e in RECORDED["events"]]
    )
    program = store.repository.get(PROGRAM_ID)
    assert (program.status, program.version, program.status_changed_by) == ("paused", 4, None)


def test_the_version_1_snapshot_loads_as_version_2_with_the_events_after_it(store):
    # Only the snapshot and the event after it: nothing else could give the state before version 4.
    store.snapshots.recorder.insert_events(
        [as_the_previous_release_stored(store, RECORDED["snapshot"])]
    )
    store.recorder.insert_events([as_the_previous_release_stored(store, RECORDED["events"][3])])
    program = store.repository.get(PROGRAM_ID)
    assert (program.status, program.version, program.status_changed_by) == ("paused", 4, None)
    assert program.settings["name"] == "Leaders 2026"


def test_what_is_saved_after_loading_is_version_2_and_loads_again(store):
    store.recorder.insert_events(
        [as_the_previous_release_stored(store, e) for e in RECORDED["events"]]
    )
    store.snapshots.recorder.insert_events(
        [as_the_previous_release_stored(store, RECORDED["snapshot"])]
    )
    program: Program = store.repository.get(PROGRAM_ID)
    program.reopen(by="operator-7")
    store.save(program)
    store.take_snapshot(PROGRAM_ID)
    [latest] = store.snapshots.get(PROGRAM_ID, desc=True, limit=1)
    assert latest.state["class_version"] == 2
    again = store.repository.get(PROGRAM_ID)
    assert (again.status, again.version, again.status_changed_by) == ("open", 5, "operator-7")
