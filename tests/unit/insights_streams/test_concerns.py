"""Which people, relationships and programs an event concerns, and the facts that tie
them to organizations: the basis of a dashboard token's scope."""

from datetime import UTC, datetime
from uuid import uuid4

from shared.envelope import CloudEvent
from shared.public_concerns import direct_organizations, entities_of, facts_of


def envelope(kind: str, data: dict, tenant: str, program=None, relationship=None) -> CloudEvent:
    return CloudEvent(id=str(uuid4()), source="/mentoring/test", type=f"mentoring.{kind}.v1",
                      subject="s", time=datetime.now(UTC), dataschema="x", tenant=tenant,
                      program=program, relationship=relationship, correlationid="c",
                      sequence="1", data=data)


def test_an_event_about_a_program_concerns_the_program_and_its_organizations():
    program = str(uuid4())
    opened = envelope("intake.ProgramOpened", {"program_id": program, "terms": {
        "name": "P", "organizations": ["acme", "globex"]}}, "operator", program)
    assert entities_of(opened) == [f"program:{program}"]
    assert sorted(facts_of(opened)) == [(f"program:{program}", "acme"),
                                        (f"program:{program}", "globex")]
    assert direct_organizations(opened) == set()  # "operator" is not an organization


def test_a_confirmed_match_concerns_both_people_and_the_relationship_not_the_program():
    request, program, mentee, mentor = (str(uuid4()) for _ in range(4))
    confirmed = envelope("matching.MatchConfirmed", {
        "request_id": request, "program_id": program, "organization_id": "acme",
        "mentor_organization_id": "globex", "mentee_id": mentee, "mentor_id": mentor},
        "acme", program, request)
    assert entities_of(confirmed) == sorted([f"person:{mentee}", f"person:{mentor}",
                                             f"relationship:{request}"])
    assert sorted(facts_of(confirmed)) == [(f"relationship:{request}", "acme"),
                                           (f"relationship:{request}", "globex")]


def test_an_enrolment_ties_the_person_to_their_organization():
    person, program = str(uuid4()), str(uuid4())
    event = envelope("intake.ParticipantEnrolled", {
        "participant_id": person, "program_id": program, "organization_id": "initech"},
        "initech", program)
    assert list(facts_of(event)) == [(f"person:{person}", "initech")]
    assert direct_organizations(event) == {"initech"}


def test_a_started_relationship_belongs_to_every_partys_organization():
    relationship, program = str(uuid4()), str(uuid4())
    started = envelope("sessions.RelationshipStarted", {
        "relationship_id": relationship, "program_id": program, "organization_id": "acme",
        "parties": [{"participant_id": str(uuid4()), "role": "mentee", "organization_id": "acme"},
                    {"participant_id": str(uuid4()), "role": "mentor",
                     "organization_id": "globex"}]}, "acme", program, relationship)
    assert {organization for _, organization in facts_of(started)} == {"acme", "globex"}
    assert len([e for e in entities_of(started) if e.startswith("person:")]) == 2


def test_a_group_request_concerns_every_mentee_it_names():
    request, program, mentee = (str(uuid4()) for _ in range(3))
    others = sorted(str(uuid4()) for _ in range(2))
    requested = envelope("intake.MentorshipRequested", {
        "request_id": request, "program_id": program, "organization_id": "acme",
        "mentee_id": mentee, "co_mentee_ids": others}, "acme", program, request)
    assert entities_of(requested) == sorted(
        [f"person:{mentee}", f"relationship:{request}", *(f"person:{o}" for o in others)])


def test_a_group_confirmation_ties_the_relationship_to_each_members_organization():
    request, program, mentee, mentor, member = (str(uuid4()) for _ in range(5))
    confirmed = envelope("matching.MatchConfirmed", {
        "request_id": request, "program_id": program, "organization_id": "acme",
        "mentor_organization_id": "globex", "mentee_id": mentee, "mentor_id": mentor,
        "co_mentees": [{"participant_id": member, "organization_id": "initech"}]},
        "acme", program, request)
    assert f"person:{member}" in entities_of(confirmed)
    assert sorted(facts_of(confirmed)) == [(f"relationship:{request}", org)
                                           for org in ("acme", "globex", "initech")]
