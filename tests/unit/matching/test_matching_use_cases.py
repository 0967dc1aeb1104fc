"""Matching's use cases, end to end on its Application, without HTTP or Kafka.

Here on the library's in-memory persistence; tests/integration/test_matching_use_cases_on_postgresql.py
runs these same test bodies on PostgreSQL. The program, the people and their seats are
saved as matching's consumers save them from intake's facts; each test reads back from
the store what the use cases saved.
"""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from shared.contracts.vocabulary import ProgramTerms
from shared.errors import RuleViolated
from shared.settings import Settings
from shared.store_access import load_sync
from services.matching.application import MatchingApplication, PoolRun
from services.matching.domain.match_request import MatchRequest
from services.matching.domain.matching_run import MatchingRun
from services.matching.domain.proposal import MatchProposal
from services.matching.domain.replicas import PoolMember, ProgramPolicy
from services.matching.domain.seats import Seats
from tests.support.api_client import profile
from tests.support.sealed_stand_ins import sealed_stand_in

IN_MEMORY = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
ASKED = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def app() -> Iterator[MatchingApplication]:
    store = MatchingApplication(Settings(), env=IN_MEMORY)
    yield store
    store.close()


def program(app: MatchingApplication) -> UUID:
    terms = ProgramTerms(name="p", formats=["one_to_one", "group"], organizations=["acme", "globex"])
    policy = ProgramPolicy(id=uuid4(), terms=terms.model_dump(mode="json"), status="open", policy_version=1)
    app.save(policy)
    return policy.id


def mentee_asking(app: MatchingApplication, program_id: UUID) -> UUID:
    """An enrolled mentee and their open request; returns the request's id."""
    mentee = PoolMember(id=uuid4(), program_id=program_id, organization_id="acme",
                        profile=profile("mentee", [], ["public speaking"], 2, "acme"), profile_version=1)
    request = MatchRequest(id=uuid4(), program_id=program_id, organization_id="acme", details={
        "mentee_id": str(mentee.id), "format": "one_to_one", "goals": [{"topic": "public speaking", "outcome": "talk"}],
        "meeting_modes": ["video"], "preferences": {"must_have": [], "avoid": []}, "requested_at": ASKED.isoformat()})
    app.save(mentee, Seats.open(mentee.id, "mentee", 1), request)
    return request.id


def group_asking(app: MatchingApplication, program_id: UUID, size: int = 3) -> UUID:
    """`size` enrolled mentees and the group request the first makes for them all."""
    members = [PoolMember(id=uuid4(), program_id=program_id, organization_id="acme",
                          profile=profile("mentee", [], ["public speaking"], 2, "acme"), profile_version=1)
               for _ in range(size)]
    request = MatchRequest(id=uuid4(), program_id=program_id, organization_id="acme", details={
        "mentee_id": str(members[0].id), "format": "group", "co_mentee_ids": [str(m.id) for m in members[1:]],
        "goals": [{"topic": "public speaking", "outcome": "talk"}], "meeting_modes": ["video"],
        "preferences": {"must_have": [], "avoid": []}, "requested_at": ASKED.isoformat()})
    app.save(*members, *(Seats.open(m.id, "mentee", 1) for m in members), request)
    return request.id


def mentor(app: MatchingApplication, program_id: UUID, capacity: int = 1) -> UUID:
    member = PoolMember(id=uuid4(), program_id=program_id, organization_id="globex",
                        profile=profile("mentor", [("public speaking", "expert")], [], 15, "globex",
                                        capacity=capacity), profile_version=1)
    app.save(member, Seats.open(member.id, "mentor", capacity))
    return member.id


def proposed(app: MatchingApplication, request_id: UUID, *mentor_ids: UUID, at: datetime = ASKED) -> MatchProposal:
    proposal = app.propose_next(request_id, [app.candidate(m) for m in mentor_ids], at)
    assert proposal is not None, "a mentor fits"
    return proposal


def test_a_request_waits_while_no_mentor_is_enrolled_and_is_proposed_once_one_is(app):
    program_id = program(app)
    request_id = mentee_asking(app, program_id)
    assert app.propose_next(request_id, [], ASKED) is None
    assert load_sync(app, request_id, MatchRequest, "request").status == "awaiting"
    mentor_id = mentor(app, program_id)
    proposal = proposed(app, request_id, mentor_id, at=ASKED + timedelta(hours=1))
    stored = load_sync(app, proposal.id, MatchProposal, "match")
    assert (stored.mentor_id, stored.status, stored.attempt) == (mentor_id, "proposed", 1)
    assert load_sync(app, request_id, MatchRequest, "request").status == "proposed"


def test_both_accepting_confirms_the_match_and_takes_the_mentors_seat(app):
    program_id = program(app)
    request_id, mentor_id = mentee_asking(app, program_id), mentor(app, program_id)
    proposal = proposed(app, request_id, mentor_id)
    assert app.accept(proposal.id, "mentee", ASKED + timedelta(minutes=1)).status == "proposed"
    app.accept(proposal.id, "mentor", ASKED + timedelta(minutes=2))
    assert load_sync(app, proposal.id, MatchProposal, "match").status == "confirmed"
    assert load_sync(app, request_id, MatchRequest, "request").status == "matched"
    capacity = app.mentor_capacity(mentor_id)
    assert capacity is not None
    assert (capacity[1]["held"], capacity[1]["free"], capacity[1]["relationships"]) == (1, 0, [str(request_id)])


def test_the_last_seat_goes_to_the_first_match_confirmed_and_the_second_is_cancelled(app):
    program_id = program(app)
    mentor_id = mentor(app, program_id, capacity=1)
    first, second = (proposed(app, mentee_asking(app, program_id), mentor_id) for _ in range(2))
    for proposal in (first, second):
        app.accept(proposal.id, "mentee", ASKED + timedelta(minutes=1))
        app.accept(proposal.id, "mentor", ASKED + timedelta(minutes=2))
    assert [load_sync(app, p.id, MatchProposal, "match").status for p in (first, second)] == \
        ["confirmed", "cancelled"]
    assert load_sync(app, second.request_id, MatchRequest, "request").status == "awaiting"


def test_a_declined_mentor_is_not_proposed_again_for_that_request(app):
    program_id = program(app)
    request_id = mentee_asking(app, program_id)
    mentors = [mentor(app, program_id), mentor(app, program_id)]
    first = proposed(app, request_id, *mentors)
    app.decline(first.id, "mentor", sealed_stand_in("no time this quarter"), ASKED + timedelta(hours=1), "no_time")
    assert load_sync(app, first.id, MatchProposal, "match").status == "declined"
    second = proposed(app, request_id, *mentors, at=ASKED + timedelta(hours=2))
    assert (second.attempt, second.mentor_id) == (2, next(m for m in mentors if m != first.mentor_id))


def test_an_unanswered_proposal_is_reminded_then_expires_and_its_request_awaits_again(app):
    program_id = program(app)
    request_id = mentee_asking(app, program_id)
    proposal = proposed(app, request_id, mentor(app, program_id))
    app.remind(proposal.id, proposal.expires_at - timedelta(hours=1))
    app.expire(proposal.id, proposal.expires_at)
    stored = load_sync(app, proposal.id, MatchProposal, "match")
    assert (stored.reminded, stored.status) == (True, "expired")
    assert load_sync(app, request_id, MatchRequest, "request").status == "awaiting"


def test_a_cancelled_proposal_leaves_its_request_awaiting_a_new_one(app):
    program_id = program(app)
    request_id = mentee_asking(app, program_id)
    proposal = proposed(app, request_id, mentor(app, program_id))
    app.cancel(proposal.id, "the operator re-pairs it")
    assert load_sync(app, proposal.id, MatchProposal, "match").status == "cancelled"
    assert load_sync(app, request_id, MatchRequest, "request").status == "awaiting"


def test_an_operators_pair_is_proposed_only_for_a_request_still_awaiting(app):
    program_id = program(app)
    request_id, mentor_id = mentee_asking(app, program_id), mentor(app, program_id)
    pair = app.propose_pair(request_id, mentor_id, "operator", ASKED)
    assert (pair.origin, pair.mentor_id) == ("operator", mentor_id)
    with pytest.raises(RuleViolated) as refused:
        app.propose_pair(request_id, mentor_id, "operator", ASKED)
    assert refused.value.kind == "request-not-awaiting"


def test_a_whole_pool_run_proposes_one_mentor_to_each_request_and_records_the_run(app):
    program_id = program(app)
    requests = [mentee_asking(app, program_id) for _ in range(2)]
    mentors = [mentor(app, program_id), mentor(app, program_id)]
    result = PoolRun(app).run(program_id, requests, [app.candidate(m) for m in mentors], None, False, ASKED)
    assert sorted(pair["request_id"] for pair in result["pairs"]) == sorted(map(str, requests))
    assert {pair["mentor_id"] for pair in result["pairs"]} == set(map(str, mentors))
    assert [load_sync(app, r, MatchRequest, "request").status for r in requests] == ["proposed"] * 2
    run = load_sync(app, UUID(result["run_id"]), MatchingRun, "run")
    assert (run.program_id, len(run.pairs)) == (program_id, 2)


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_whole_pool_run_places_groups_first_and_counts_their_seats(app, dry_run):
    program_id = program(app)
    group_id, single_id = group_asking(app, program_id), mentee_asking(app, program_id)
    only_mentor = mentor(app, program_id, capacity=1)
    result = PoolRun(app).run(program_id, [group_id, single_id], [app.candidate(only_mentor)], None, dry_run, ASKED)
    assert [(g["request_id"], g["mentor_id"]) for g in result["groups"]] == [(str(group_id), str(only_mentor))]
    assert result["pairs"] == [], "the one seat went to the group: the run pairs nobody else with that mentor"
    if not dry_run:
        assert load_sync(app, group_id, MatchRequest, "request").status == "proposed"
        assert load_sync(app, single_id, MatchRequest, "request").status == "awaiting"


def test_a_program_that_asks_for_a_shared_language_proposes_only_a_mentor_who_speaks_one(app):
    terms = ProgramTerms(name="p", formats=["one_to_one"], organizations=["acme", "globex"],
                         matching_policy={"rules": {"shared_language": True}})
    policy = ProgramPolicy(id=uuid4(), terms=terms.model_dump(mode="json"), status="open", policy_version=1)
    app.save(policy)
    request_id = mentee_asking(app, policy.id)  # the mentee speaks English (tests.support.api_client.profile)
    elsewhere = PoolMember(id=uuid4(), program_id=policy.id, organization_id="globex", profile={
        **profile("mentor", [("public speaking", "expert")], [], 15, "globex"), "languages": ["ja"]},
        profile_version=1)
    app.save(elsewhere, Seats.open(elsewhere.id, "mentor", 1))
    assert app.propose_next(request_id, [app.candidate(elsewhere.id)], ASKED) is None
    waiting = load_sync(app, request_id, MatchRequest, "request")
    assert waiting.status == "awaiting" and "a language both speak" in (waiting.waiting_reason or "")
    speaks = mentor(app, policy.id)
    assert proposed(app, request_id, elsewhere.id, speaks).mentor_id == speaks
