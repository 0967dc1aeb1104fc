"""On real PostgreSQL: a request waits for a mentor instead of dying, and ends with a
code only at its program's deadline; a closed relationship frees its seats exactly once,
in the same transaction as the message's tracking record."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from eventsourcing.persistence import Tracking

from shared.consumer import APPLIED, DUPLICATE, ConsumerRunner
from shared.contracts.sessions import RelationshipClosed
from shared.contracts.vocabulary import ProgramTerms
from shared.store_access import load_sync
from services.matching import relationship_endings
from services.matching.application import MatchingApplication
from services.matching.domain.match_request import MatchRequest
from services.matching.domain.replicas import PoolMember, ProgramPolicy
from services.matching.domain.seats import Seats, seats_id
from tests.support.api_client import profile
from tests.support.servers import fresh_database

pytestmark = pytest.mark.integration
ASKED = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
async def app(server_settings):
    async with fresh_database(server_settings, migrated_for="matching") as database:
        application = MatchingApplication(server_settings.model_copy(update={"matching_database": database}))
        try:
            yield application
        finally:
            application.close()


def seed(app: MatchingApplication, **terms) -> tuple[ProgramPolicy, MatchRequest, PoolMember]:  # noqa: ANN003
    program = ProgramPolicy(id=uuid4(), terms=ProgramTerms(name="p", formats=["one_to_one"], organizations=["acme"],
                                                           **terms).model_dump(mode="json"),
                            status="open", policy_version=1)
    mentee = PoolMember(id=uuid4(), program_id=program.id, organization_id="acme",
                        profile=profile("mentee", [], ["public speaking"], 2, "acme"), profile_version=1)
    request = MatchRequest(id=uuid4(), program_id=program.id, organization_id="acme", details={
        "mentee_id": str(mentee.id), "format": "one_to_one", "goals": [{"topic": "public speaking", "outcome": "talk"}],
        "meeting_modes": ["video"], "preferences": {"must_have": [], "avoid": []},
        "requested_at": ASKED.isoformat()})
    app.save(program, mentee, Seats.open(mentee.id, "mentee", 1), request)
    return program, request, mentee


def enrol_mentor(app: MatchingApplication, program: ProgramPolicy, capacity: int = 1) -> PoolMember:
    mentor = PoolMember(id=uuid4(), program_id=program.id, organization_id="globex",
                        profile=profile("mentor", [("public speaking", "expert")], [], 15, "globex",
                                        capacity=capacity), profile_version=1)
    app.save(mentor, Seats.open(mentor.id, "mentor", capacity))
    return mentor


def test_a_request_made_before_any_mentor_enrols_waits_and_is_proposed_once_one_does(app):
    program, request, _ = seed(app)
    assert app.propose_next(request.id, [], ASKED + timedelta(minutes=1)) is None
    waiting = load_sync(app, request.id, MatchRequest, "request")
    assert waiting.status == "awaiting" and "no mentor is enrolled" in waiting.waiting_reason
    assert waiting.waiting_until == ASKED + timedelta(days=14)
    mentor = enrol_mentor(app, program)
    proposal = app.propose_next(request.id, [app.candidate(mentor.id)], ASKED + timedelta(hours=3))
    assert proposal is not None and proposal.mentor_id == mentor.id
    assert load_sync(app, request.id, MatchRequest, "request").status == "proposed"


def test_a_waiting_request_ends_at_the_programs_deadline_with_a_code_the_partner_reads(app):
    _, request, _ = seed(app, unmatched_after_days=3)
    app.propose_next(request.id, [], ASKED + timedelta(days=2, hours=23))
    assert load_sync(app, request.id, MatchRequest, "request").status == "awaiting"
    app.propose_next(request.id, [], ASKED + timedelta(days=3))
    ended = load_sync(app, request.id, MatchRequest, "request")
    assert (ended.status, ended.unmatched_reason_code) == ("unmatched", "no-mentor-available")
    assert "no mentor is enrolled in the program yet" in ended.unmatched_reason


def confirmed_relationship(app: MatchingApplication) -> tuple[MatchRequest, PoolMember, PoolMember]:
    program, request, mentee = seed(app)
    mentor = enrol_mentor(app, program)
    proposal = app.propose_next(request.id, [app.candidate(mentor.id)], ASKED)
    app.accept(proposal.id, "mentee", ASKED + timedelta(minutes=1))
    assert app.accept(proposal.id, "mentor", ASKED + timedelta(minutes=2)).status == "confirmed"
    return request, mentor, mentee


def test_a_closed_relationship_frees_both_seats_once_however_often_the_close_arrives(app):
    request, mentor, mentee = confirmed_relationship(app)
    runner = ConsumerRunner("endings", app, relationship_endings.handlers(app), None, None)
    handler = runner._handlers[RelationshipClosed]
    closed = RelationshipClosed(relationship_id=request.id, program_id=request.program_id, outcome="no_fit")
    assert runner._apply(handler, closed, None, Tracking("endings|sessions:0", 7)) == APPLIED
    assert runner._apply(handler, closed, None, Tracking("endings|sessions:0", 7)) == DUPLICATE
    # The same fact again under a new position (a relay re-sending its tail) frees nothing more.
    assert runner._apply(handler, closed, None, Tracking("endings|sessions:0", 8)) == APPLIED
    for person, role in ((mentor.id, "mentor"), (mentee.id, "mentee")):
        seats = load_sync(app, seats_id(person, role), Seats, "seats")
        assert seats.held == []
        released = [e for e in app.repository.event_store.get(seats.id) if type(e).__name__ == "SeatReleased"]
        assert len(released) == 1
    assert app.mentor_capacity(mentor.id)[1] == {"mentor_id": str(mentor.id), "role": "mentor", "capacity": 1,
                                                  "held": 0, "free": 1, "relationships": []}


def test_the_close_of_a_relationship_matching_never_confirmed_changes_nothing(app):
    runner = ConsumerRunner("endings", app, relationship_endings.handlers(app), None, None)
    closed = RelationshipClosed(relationship_id=uuid4(), program_id=uuid4(), outcome="completed")
    tracking = Tracking("endings|sessions:1", 1)
    assert runner._apply(runner._handlers[RelationshipClosed], closed, None, tracking) == APPLIED
