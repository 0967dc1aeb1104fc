"""Sealed text is declared on sessions' events (`Annotated[..., Private(owner=...)]`,
shared/privacy.py), and what must keep it in reads that declaration: whatever a
declared-private field holds is on no public fact (so never on Kafka) and in no
timeline entry but its owner's, in lists of no relationship."""

from typing import Any

import pytest

from shared.privacy import private_fields
from services.sessions.documents import relationship_view
from services.sessions.domain.moved_topics import recorded_event_names, recording_class
from services.sessions.domain.relationship import Relationship
from services.sessions.publishing import to_public
from services.sessions.timeline import own_entry
from tests.unit.sessions.sessions_domain_kit import MENTEE, MENTOR, STRANGER
from tests.unit.sessions.test_sessions_publishing_and_timeline_entries import every_event

EVENT_CLASSES = {name: recording_class(Relationship, name) for name in recorded_event_names(Relationship)}


def declared_values(event: Any) -> list[tuple[str, Any]]:
    """Each private value the event holds, with whose it is."""
    return [(getattr(event, field), getattr(event, private.owner))
            for field, private in private_fields(type(event)).items() if getattr(event, field)]


@pytest.mark.parametrize("name", sorted(EVENT_CLASSES))
def test_each_sealed_field_is_declared_private_with_an_owner_the_event_names(name):
    fields = EVENT_CLASSES[name].__annotations__
    declared = private_fields(EVENT_CLASSES[name])
    assert {field for field in fields if field.endswith("ciphertext")} == set(declared)
    assert all(private.owner in fields for private in declared.values())


def test_the_events_declaring_private_text_are_the_note_the_check_in_and_the_reflection():
    assert {name for name, cls in EVENT_CLASSES.items() if private_fields(cls)} == \
        {"PrivateNoteAdded", "CheckInRecorded", "ReflectionRecorded"}


def test_no_public_fact_carries_a_value_declared_private():
    checked = 0
    for event, state in every_event():
        public = to_public(event, state)
        published = public.contract.model_dump_json() if public else ""
        for value, _owner in declared_values(event):
            assert value not in published
            checked += 1
    assert checked >= 3, "the lives hold a note, a comment and reflections"


def test_a_timeline_entry_hands_a_declared_private_value_to_its_owner_only():
    for event, state in every_event():
        for value, owner in declared_values(event):
            assert own_entry(event, state, reader=owner)["sealed_for_reader"] == value
            for reader in {MENTEE, MENTOR, STRANGER, None} - {owner}:
                assert value not in str(own_entry(event, state, reader=reader))


def test_the_lists_show_no_value_declared_private():
    values = [value for event, _ in every_event() for value, _owner in declared_values(event)]
    views = " ".join(str(relationship_view(state)) for _, state in every_event())
    assert values and not any(value in views for value in values)
