"""A program stored at class version 1, before status changes recorded who made them,
still loads: its ProgramStatusChanged events and its snapshot are upcast to version 2.

The fixture was recorded through the library's mapper by the code as it was at version 1
(no cipher or compressor, so it reads as JSON); tests/integration/
test_program_stored_at_class_version_1_loads.py writes it into the real stores.
"""

import json
from pathlib import Path
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent

from services.intake.domain.program import Program

RECORDED = json.loads(
    (Path(__file__).parent / "program_history_recorded_at_class_version_1.json").read_text()
)
MAPPER = Application(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}).mapper


def decoded(stored: dict):
    return MAPPER.to_domain_event(
        StoredEvent(
            originator_id=UUID(stored["originator_id"]),
            originator_version=stored["originator_version"],
            topic=stored["topic"],
            state=stored["state"].encode(),
        )
    )


def test_the_fixture_is_in_the_version_1_shape():
    states = [json.loads(stored["state"]) for stored in [*RECORDED["events"], RECORDED["snapshot"]]]
    assert not any("class_version" in state or "by" in state for state in states)
    assert "status_changed_by" not in states[-1]["state"]


def test_version_1_status_events_are_upcast_to_changed_by_nobody_known():
    changes = [decoded(stored) for stored in RECORDED["events"][1:]]
    assert [(type(change).__name__, change.status, change.by) for change in changes] == [
        ("ProgramStatusChanged", "paused", None),
        ("ProgramStatusChanged", "open", None),
        ("ProgramStatusChanged", "paused", None),
    ]


def test_a_version_1_history_replays_to_the_version_2_shape():
    program = None
    for stored in RECORDED["events"]:
        program = decoded(stored).mutate(program)
    assert isinstance(program, Program)
    assert (program.status, program.version, program.status_changed_by) == ("paused", 4, None)


def test_a_version_1_snapshot_is_upcast_and_the_events_after_it_apply():
    program = decoded(RECORDED["snapshot"]).mutate(None)
    assert (program.status, program.version, program.status_changed_by) == ("open", 3, None)
    program = decoded(RECORDED["events"][3]).mutate(program)
    assert (program.status, program.version, program.status_changed_by) == ("paused", 4, None)
    program.reopen(by="operator-7")
    assert program.status_changed_by == "operator-7"


def test_what_is_stored_today_carries_version_2_and_who_changed_the_status():
    program = decoded(RECORDED["snapshot"]).mutate(None)
    program.pause(by="operator-7")
    [change] = program.collect_events()
    stored = json.loads(MAPPER.to_stored_event(change).state)
    assert (stored["class_version"], stored["by"]) == (2, "operator-7")
    assert (
        decoded(
            {
                "originator_id": str(program.id),
                "originator_version": program.version,
                "topic": MAPPER.to_stored_event(change).topic,
                "state": MAPPER.to_stored_event(change).state.decode(),
            }
        ).by
        == "operator-7"
    )
