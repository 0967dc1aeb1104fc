"""Matching's replicas of intake's facts, and which of matching's own events the world sees."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from services.matching.domain.match_request import MatchRequest
from services.matching.domain.matching_run import MatchingRun
from services.matching.domain.pool import Candidate, Window
from services.matching.domain.proposal import MatchProposal
from services.matching.domain.replicas import PoolMember, ProgramPolicy, candidate_from, window_from
from services.matching.domain.seats import Seats
from services.matching.publishing import to_public
from shared.contracts import matching as contracts
from tests.support.sealed_stand_ins import sealed_stand_in

PROFILE = {
    "roles": "both", "offers": [{"topic": "sql", "level": "expert"}, {"topic": "hiring", "level": "basic"}],
    "wants": ["negotiation"], "years_experience": 12, "career_stage": "senior", "organization": "globex",
    "department": "data", "manager_id": None, "location": "oslo", "time_zone": "Europe/Oslo",
    "meeting_modes": ["video", "in_person"],
    "availability": [{"weekday": 1, "start": "17:00:00", "end": "19:30:00"}, {"weekday": 4, "start": "08:15",
                                                                            "end": "09:00"}],
    "languages": ["en", "no"], "capacity": 3,
}
MINIMAL = {"roles": "mentee", "years_experience": 1, "organization": "acme", "time_zone": "UTC",
           "meeting_modes": ["chat"], "languages": ["en"], "capacity": 1}


# --- candidate_from ---------------------------------------------------------------------------


def test_a_full_profile_becomes_a_candidate_field_by_field():
    person, program, boss = uuid4(), uuid4(), uuid4()
    made = candidate_from(person, program, {**PROFILE, "manager_id": str(boss)}, 4, True, 2)
    assert made == Candidate(
        participant_id=person, program_id=program, profile_version=4, roles="both",
        offers={"sql": "expert", "hiring": "basic"}, wants=frozenset({"negotiation"}), years_experience=12,
        organization="globex", department="data", manager_id=boss, location="oslo", time_zone="Europe/Oslo",
        meeting_modes=frozenset({"video", "in_person"}),
        availability=(Window(1, 17 * 60, 19 * 60 + 30), Window(4, 8 * 60 + 15, 9 * 60)),
        languages=frozenset({"en", "no"}), capacity=3, active=True, load=2,
    )
    assert made.can_mentor and made.has_room


def test_a_minimal_profile_fills_in_empty_defaults():
    made = candidate_from(uuid4(), uuid4(), MINIMAL, 1, True, 0)
    assert (made.offers, made.wants, made.department, made.manager_id, made.location, made.availability) == (
        {}, frozenset(), "", None, "", ())
    assert not made.can_mentor


def test_an_inactive_or_full_person_is_reflected_in_the_candidate():
    made = candidate_from(uuid4(), uuid4(), PROFILE, 1, False, 3)
    assert not made.active and not made.has_room


@pytest.mark.parametrize(("clock", "minutes"), [("00:00", 0), ("09:05", 545), ("17:30:00", 1050),
                                                ("23:59:59", 1439)])
def test_clock_times_become_minutes_of_the_day(clock, minutes):
    assert window_from({"weekday": 2, "start": clock, "end": "23:59"}).start_minute == minutes


def test_the_candidates_attributes_are_what_preferences_can_name():
    person = uuid4()
    made = candidate_from(person, uuid4(), PROFILE, 1, True, 0)
    assert made.attributes() == {"organization:globex", "department:data", f"participant:{person}",
                                 "location:oslo", "language:en", "language:no", "mode:video", "mode:in_person"}


# --- PoolMember and ProgramPolicy ---------------------------------------------------------------


def member() -> PoolMember:
    joined = PoolMember(id=uuid4(), program_id=uuid4(), organization_id="globex", profile=PROFILE, profile_version=2)
    joined.collect_events()
    return joined


def test_a_pool_member_starts_active_and_becomes_its_candidate():
    joined = member()
    made = joined.as_candidate(load=1)
    assert made.participant_id == joined.id and made.program_id == joined.program_id
    assert (made.active, made.load, made.profile_version) == (True, 1, 2)


def test_only_a_newer_profile_version_replaces_the_profile():
    joined = member()
    joined.learn_profile({**PROFILE, "capacity": 1}, 2)
    joined.learn_profile({**PROFILE, "capacity": 1}, 1)
    assert joined.collect_events() == []
    joined.learn_profile({**PROFILE, "capacity": 5}, 3)
    assert joined.as_candidate().capacity == 5
    assert [type(e).__name__ for e in joined.collect_events()] == ["PoolMemberProfileLearned"]


@pytest.mark.parametrize("status", ["paused", "withdrawn"])
def test_a_paused_or_withdrawn_member_is_an_inactive_candidate(status):
    joined = member()
    joined.learn_status(status)
    assert not joined.as_candidate().active


def test_a_paused_member_can_become_active_again():
    joined = member()
    joined.learn_status("paused")
    joined.learn_status("active")
    assert joined.as_candidate().active


def test_a_withdrawn_member_never_comes_back():
    joined = member()
    joined.learn_status("withdrawn")
    joined.collect_events()
    joined.learn_status("active")
    assert joined.status == "withdrawn" and joined.collect_events() == []


def test_learning_the_same_status_records_nothing():
    joined = member()
    joined.learn_status("active")
    assert joined.collect_events() == []


def test_program_terms_change_only_for_the_same_or_a_newer_policy_version():
    policy = ProgramPolicy(id=uuid4(), terms={"cadence_days": 14}, status="open", policy_version=3)
    policy.collect_events()
    policy.learn({"cadence_days": 7}, "open", 2)
    assert policy.terms == {"cadence_days": 14} and policy.collect_events() == []
    policy.learn({"cadence_days": 7}, "closed", 4)
    assert (policy.terms, policy.status, policy.policy_version) == ({"cadence_days": 7}, "closed", 4)


# --- to_public ------------------------------------------------------------------------------


PROPOSED_AT = datetime(2026, 2, 2, 9, tzinfo=UTC)
EXPIRES_AT = PROPOSED_AT + timedelta(hours=48)
AT = PROPOSED_AT + timedelta(hours=1)
GOALS = [{"topic": "sql", "outcome": "write reports"}, {"topic": "hiring", "outcome": "run interviews"}]
PROVENANCE = {"factor_contributions": {"learning": 40.0}, "mentee_profile_version": 1, "mentor_profile_version": 2,
              "policy_version": 3, "algorithm": "on-demand-best-score/v1", "seed": 0}


def proposal(**terms) -> MatchProposal:  # noqa: ANN003
    made = MatchProposal(
        id=uuid4(), request_id=uuid4(), program_id=uuid4(), organization_id="acme", mentee_id=uuid4(),
        mentor_id=uuid4(), score=64.25, explanation="both can meet by video", provenance=PROVENANCE,
        proposed_at=PROPOSED_AT, expires_at=EXPIRES_AT, attempt=2, origin="direct_ask",
        terms={"format": "reciprocal", "goals": GOALS, "co_mentee_id": None, "cadence_days": 21, "length_weeks": 10,
               "ground_rules": {"cancellation_notice_hours": 12}, "mentor_organization_id": "globex", **terms},
    )
    return made


def published(aggregate):  # noqa: ANN001, ANN201
    return [to_public(event, aggregate) for event in aggregate.collect_events()]


def test_a_proposal_is_published_with_everything_needed_to_reproduce_it():
    made = proposal()
    (public,) = published(made)
    contract = public.contract
    assert isinstance(contract, contracts.MatchProposed)
    assert (contract.proposal_id, contract.request_id, contract.program_id) == (made.id, made.request_id,
                                                                                made.program_id)
    assert (contract.mentee_id, contract.mentor_id, contract.score, contract.attempt, contract.origin) == (
        made.mentee_id, made.mentor_id, 64.25, 2, "direct_ask")
    assert contract.provenance.algorithm == "on-demand-best-score/v1"
    assert contract.expires_at == EXPIRES_AT
    assert (public.key, public.tenant, public.program, public.relationship) == (
        made.request_id, "acme", made.program_id, made.request_id)


def test_a_confirmed_match_carries_format_goals_and_cadence_from_the_terms():
    made = proposal()
    made.collect_events()
    made.accept("mentor", AT)
    made.accept("mentee", AT)
    made.confirm()
    accepted_mentor, accepted_mentee, confirmed = published(made)
    assert (accepted_mentor.contract.by, accepted_mentee.contract.by) == ("mentor", "mentee")
    contract = confirmed.contract
    assert isinstance(contract, contracts.MatchConfirmed)
    assert contract.format == "reciprocal"
    assert [(goal.topic, goal.outcome) for goal in contract.goals] == [("sql", "write reports"),
                                                                       ("hiring", "run interviews")]
    assert (contract.cadence_days, contract.length_weeks) == (21, 10)
    assert contract.ground_rules.cancellation_notice_hours == 12
    assert (contract.organization_id, contract.mentor_organization_id) == ("acme", "globex")
    assert (contract.mentee_id, contract.mentor_id, contract.co_mentee_id) == (made.mentee_id, made.mentor_id, None)
    assert confirmed.key == made.request_id and confirmed.tenant == "acme"


def test_a_confirmed_match_names_the_co_mentee_when_there_is_one():
    co_mentee = uuid4()
    made = proposal(co_mentee_id=str(co_mentee), format="peer")
    made.collect_events()
    made.accept("mentor", AT)
    made.accept("mentee", AT)
    made.confirm()
    contract = published(made)[-1].contract
    assert (contract.co_mentee_id, contract.format) == (co_mentee, "peer")


def test_a_decline_is_published_with_who_and_the_reason_code_never_the_decliners_words():
    made = proposal()
    made.collect_events()
    words = sealed_stand_in("THE-DECLINERS-OWN-WORDS")
    made.decline("mentee", words, AT, "schedule")
    (public,) = published(made)
    assert isinstance(public.contract, contracts.MatchDeclined)
    assert (public.contract.by, public.contract.reason_code) == ("mentee", "schedule")
    assert words not in public.contract.model_dump_json()
    assert made.decline_words_ciphertext == words, "the words stay in matching, sealed for the decliner"


@pytest.mark.parametrize(("act", "contract_type"), [
    (lambda p: p.expire(EXPIRES_AT), contracts.MatchExpired),
    (lambda p: p.remind(EXPIRES_AT - timedelta(hours=1)), contracts.MatchExpiryReminderDue),
    (lambda p: p.cancel("the request was withdrawn"), contracts.MatchCancelled),
])
def test_every_other_proposal_event_has_its_public_contract(act, contract_type):
    made = proposal()
    made.collect_events()
    act(made)
    (public,) = published(made)
    assert isinstance(public.contract, contract_type)
    assert public.contract.proposal_id == made.id
    assert public.key == made.request_id


def test_the_reminder_says_when_the_proposal_expires_and_the_cancellation_why():
    made = proposal()
    made.collect_events()
    made.remind(EXPIRES_AT - timedelta(hours=1))
    made.cancel("the mentor has no capacity left")
    reminder, cancelled = published(made)
    assert reminder.contract.expires_at == EXPIRES_AT
    assert cancelled.contract.reason == "the mentor has no capacity left"


def test_seat_ledger_events_stay_private():
    seats = Seats.open(uuid4(), "mentor", 1)
    proposal_id = uuid4()
    seats.reserve(proposal_id)
    seats.release(proposal_id)
    seats.set_capacity(2)
    events = seats.collect_events()
    assert len(events) == 4
    assert [to_public(event, seats) for event in events] == [None] * 4


def test_pool_replica_events_stay_private():
    joined = PoolMember(id=uuid4(), program_id=uuid4(), organization_id="acme", profile=PROFILE, profile_version=1)
    joined.learn_profile(PROFILE, 2)
    joined.learn_status("paused")
    policy = ProgramPolicy(id=uuid4(), terms={}, status="open", policy_version=1)
    policy.learn({}, "closed", 2)
    for aggregate in (joined, policy):
        events = aggregate.collect_events()
        assert len(events) >= 2
        assert all(to_public(event, aggregate) is None for event in events)


def test_only_the_unmatched_request_event_is_published():
    request = MatchRequest(id=uuid4(), program_id=uuid4(), organization_id="acme",
                           details={"mentee_id": str(uuid4()), "format": "one_to_one", "goals": GOALS})
    proposal_id = uuid4()
    request.note_proposed(proposal_id)
    request.note_proposal_ended(proposal_id, declined_mentor=uuid4())
    request.give_up("no pair was agreed after 3 proposals")
    *private, unmatched = published(request)
    assert private == [None, None, None]
    assert isinstance(unmatched.contract, contracts.RequestUnmatched)
    assert unmatched.contract.reason == "no pair was agreed after 3 proposals"
    assert (unmatched.key, unmatched.tenant, unmatched.program) == (request.id, "acme", request.program_id)


def test_a_completed_matching_run_is_published_to_operators_with_its_figures():
    summary = {"proposals": 4, "matched_ratio": 0.8, "mean_score": 71.2, "min_score": 40.0, "total_score": 284.8,
               "blocking_pairs": 0}
    run = MatchingRun(id=uuid4(), program_id=uuid4(), objective="stable", summary=summary, pairs=[])
    (public,) = published(run)
    assert isinstance(public.contract, contracts.MatchingRunCompleted)
    assert (public.contract.proposals, public.contract.matched_ratio, public.contract.blocking_pairs) == (4, 0.8, 0)
    assert (public.key, public.tenant, public.program) == (run.program_id, "operator", run.program_id)
