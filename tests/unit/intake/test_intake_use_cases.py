"""Intake's use cases, end to end on its Application, without HTTP or Kafka.

Here on the library's in-memory persistence; tests/integration/test_intake_use_cases_on_postgresql.py
runs these same test bodies on PostgreSQL. Each test reads back from the store what
the use cases saved: a fresh load, not the object they returned.
"""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from shared.errors import ConcurrentWrite, RuleViolated
from shared.settings import Settings
from shared.store_access import load_sync
from services.intake.application import IntakeApplication
from services.intake.domain.mentorship_request import MentorshipRequest
from services.intake.domain.participant import Participant
from services.intake.domain.program import Program
from tests.unit.intake.test_intake_kit import goals, profile_for, program_settings
from tests.support.sealed_stand_ins import sealed_stand_in

IN_MEMORY = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
ASKED = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def app() -> Iterator[IntakeApplication]:
    store = IntakeApplication(Settings(), env=IN_MEMORY)
    yield store
    store.close()


def opened(app: IntakeApplication, cap: int = 3) -> UUID:
    return app.open_program(uuid4(), program_settings(cap=cap)).id


def enrolled(app: IntakeApplication, program_id: UUID, roles: str = "mentee", organization: str = "acme") -> UUID:
    personal = sealed_stand_in("SEALED-PERSONAL")
    return app.enrol(uuid4(), program_id, organization, profile_for(roles, organization), True, personal).id


def asked(app: IntakeApplication, program_id: UUID, mentee_id: UUID, *topics: str) -> UUID:
    fields: dict[str, Any] = {
        "program_id": program_id, "mentee_id": mentee_id, "co_mentee_id": None, "co_mentee_ids": [],
        "named_mentor_id": None, "format": "one_to_one", "goals": goals(*topics), "meeting_modes": ["video"],
        "preferences": {"must_have": [], "avoid": []}}
    return app.request_mentorship(uuid4(), "acme", fields, None, ASKED).id


def test_opening_a_program_again_under_the_same_id_answers_the_program_first_opened(app):
    program_id = uuid4()
    app.open_program(program_id, program_settings())
    again = app.open_program(program_id, {**program_settings(), "name": "another name"})
    stored = load_sync(app, program_id, Program, "program")
    assert (again.settings["name"], stored.settings["name"], stored.version) == \
        ("Leaders of tomorrow", "Leaders of tomorrow", 1)


def test_a_participant_is_enrolled_with_their_personal_data_sealed(app):
    participant_id = enrolled(app, opened(app), roles="both", organization="globex")
    person = load_sync(app, participant_id, Participant, "participant")
    sealed = sealed_stand_in("SEALED-PERSONAL")
    assert (person.organization_id, person.roles, person.personal_ciphertext) == ("globex", "both", sealed)


def test_an_organization_the_program_does_not_list_cannot_enrol_anyone(app):
    with pytest.raises(RuleViolated) as refused:
        enrolled(app, opened(app), organization="initech")
    assert refused.value.kind == "organization-not-in-program"


def test_a_request_opens_and_its_mentee_counts_it_open_with_its_topics(app):
    program_id = opened(app)
    mentee_id = enrolled(app, program_id)
    request_id = asked(app, program_id, mentee_id, "leadership", "sql")
    request = load_sync(app, request_id, MentorshipRequest, "request")
    assert (request.status, request.mentee_id, request.program_id) == ("pending", mentee_id, program_id)
    mentee = load_sync(app, mentee_id, Participant, "participant")
    assert {key: sorted(topics) for key, topics in mentee.open_requests.items()} == \
        {str(request_id): ["leadership", "sql"]}


def test_a_mentee_at_the_cap_of_open_requests_may_ask_again_once_one_is_withdrawn(app):
    program_id = opened(app, cap=1)
    mentee_id = enrolled(app, program_id)
    first = asked(app, program_id, mentee_id, "leadership")
    with pytest.raises(RuleViolated) as refused:
        asked(app, program_id, mentee_id, "sql")
    assert refused.value.kind == "open-request-cap-reached"
    app.withdraw_request(load_sync(app, first, MentorshipRequest, "request"))
    second = asked(app, program_id, mentee_id, "sql")
    assert load_sync(app, first, MentorshipRequest, "request").status == "withdrawn"
    assert list(load_sync(app, mentee_id, Participant, "participant").open_requests) == [str(second)]


def test_an_erasure_is_recorded_once_and_a_retried_erasure_finds_it_done(app):
    participant_id = enrolled(app, opened(app))
    app.erase_participant(participant_id, authorize=lambda _person: None)
    retried = app.erase_participant(participant_id, authorize=lambda _person: None)
    assert retried.erased and retried.version == load_sync(app, participant_id, Participant, "participant").version
    assert load_sync(app, participant_id, Participant, "participant").personal_ciphertext is None


def test_a_participant_changed_after_the_erasure_loaded_them_is_not_overwritten(app):
    participant_id = enrolled(app, opened(app))

    def authorized_while_someone_else_writes(person: Participant) -> None:
        other = load_sync(app, participant_id, Participant, "participant")
        other.pause()
        app.save(other)

    with pytest.raises(ConcurrentWrite):
        app.erase_participant(participant_id, authorize=authorized_while_someone_else_writes)
    stored = load_sync(app, participant_id, Participant, "participant")
    assert (stored.erased, stored.is_active) == (False, False)
