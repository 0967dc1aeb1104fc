"""Sealed text is declared on intake's events (`Annotated[..., Private(owner=...)]`,
shared/privacy.py), as on sessions': what a declared field holds is on no public fact (so
never on Kafka), and the event store refuses to record one the vault did not seal."""

from collections.abc import Iterator
from uuid import uuid4

import pytest
from eventsourcing.domain import Aggregate

from shared.privacy import NotSealed, private_fields
from shared.settings import Settings
from services.intake.application import IntakeApplication
from services.intake.domain.mentorship_request import MentorshipRequest
from services.intake.domain.participant import Participant
from services.intake.domain.program import Program
from tests.unit.intake.test_intake_kit import (MESSAGE_CIPHERTEXT, enrolled, new_request, open_program, profile_for,
                                            program_settings)
from tests.unit.intake.test_intake_public_event_mapping import publish_all

EVENT_CLASSES = {cls.__name__: cls for aggregate in (Program, Participant, MentorshipRequest)
                 for cls in vars(aggregate).values() if isinstance(cls, type) and issubclass(cls, Aggregate.Event)}


@pytest.mark.parametrize("name", sorted(EVENT_CLASSES))
def test_each_sealed_field_is_declared_private_with_an_owner_the_event_names(name):
    fields = EVENT_CLASSES[name].__annotations__
    declared = private_fields(EVENT_CLASSES[name])
    assert {field for field in fields if field.endswith("ciphertext")} == set(declared)
    assert all(private.owner in {*fields, "originator_id"} for private in declared.values())


def test_the_events_declaring_private_text_are_the_enrolment_and_the_request():
    assert {name for name, cls in EVENT_CLASSES.items() if private_fields(cls)} == \
        {"ParticipantEnrolled", "MentorshipRequested"}


def test_no_public_fact_carries_a_value_declared_private():
    leaders = open_program(formats=("one_to_one", "reciprocal"))
    ada, grace = enrolled(leaders), enrolled(leaders, roles="mentor")
    ask = new_request(leaders, ada, named_mentor=grace, message=MESSAGE_CIPHERTEXT)
    ada.erase()
    checked = 0
    for aggregate in (ada, grace, ask):
        events = list(aggregate.pending_events)
        for event, (_, _, public) in zip(events, publish_all(aggregate), strict=True):
            published = public.contract.model_dump_json() if public else ""
            for field, private in private_fields(type(event)).items():
                value, owner = getattr(event, field), getattr(event, private.owner)
                assert value and owner
                assert value not in published and str(value) not in str(public and public.key)
                checked += 1
    assert checked == 3, "two enrolments and one request with a message"


@pytest.fixture
def intake() -> Iterator[IntakeApplication]:
    store = IntakeApplication(Settings(), env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield store
    store.close()


def test_the_store_refuses_a_declared_field_holding_unsealed_text(intake):
    program = intake.open_program(uuid4(), program_settings())
    person = uuid4()
    with pytest.raises(NotSealed, match="personal_ciphertext"):
        intake.enrol(person, program.id, "acme", profile_for("mentee", "acme"), True, "Ada Lovelace, ada@example.org")
    assert not list(intake.recorder.select_events(person)), "nothing was recorded"
