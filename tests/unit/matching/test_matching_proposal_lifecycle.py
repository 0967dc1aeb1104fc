"""A proposal becomes a match only by mutual agreement; seats never overflow."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from shared.errors import RuleViolated
from services.matching.domain.match_request import MatchRequest
from services.matching.domain.proposal import MatchProposal
from services.matching.domain.seats import Seats
from services.matching.publishing import to_public
from tests.support.sealed_stand_ins import sealed_stand_in

PROPOSED_AT = datetime(2026, 5, 1, 12, tzinfo=UTC)
EXPIRES_AT = PROPOSED_AT + timedelta(hours=72)


def proposal() -> MatchProposal:
    made = MatchProposal(
        id=uuid4(), request_id=uuid4(), program_id=uuid4(), organization_id="acme", mentee_id=uuid4(),
        mentor_id=uuid4(), score=81.5, explanation="because", provenance={"algorithm": "x"},
        proposed_at=PROPOSED_AT, expires_at=EXPIRES_AT, attempt=1, origin="on_demand",
        terms={"format": "one_to_one", "goals": [{"topic": "t", "outcome": "o"}], "co_mentee_id": None,
               "cadence_days": 14, "length_weeks": 26, "ground_rules": {}, "mentor_organization_id": "globex"},
    )
    made.collect_events()
    return made


def refused(aggregate, kind, command):  # noqa: ANN001
    with pytest.raises(RuleViolated) as refusal:
        command()
    assert refusal.value.kind == kind
    assert aggregate.collect_events() == []


@pytest.mark.parametrize("order", [("mentee", "mentor"), ("mentor", "mentee")])
def test_both_acceptances_in_either_order_allow_confirmation(order):
    match = proposal()
    match.accept(order[0], PROPOSED_AT)
    assert match.awaits_only == order[1]
    match.accept(order[1], PROPOSED_AT)
    match.confirm()
    assert match.status == "confirmed"


def test_one_acceptance_is_not_a_match():
    match = proposal()
    match.accept("mentee", PROPOSED_AT)
    match.collect_events()
    refused(match, "not-mutually-accepted", match.confirm)


def test_accepting_twice_is_refused():
    match = proposal()
    match.accept("mentor", PROPOSED_AT)
    match.collect_events()
    refused(match, "already-accepted", lambda: match.accept("mentor", PROPOSED_AT))


def test_a_decline_keeps_its_reason_and_closes_the_proposal():
    match = proposal()
    match.decline("mentor", sealed_stand_in("no time this quarter"), PROPOSED_AT, "no_time")
    assert (match.status, match.ended_reason) == ("declined", "declined: no time")
    assert match.decline_words_ciphertext == sealed_stand_in("no time this quarter")
    match.collect_events()
    refused(match, "proposal-not-open", lambda: match.accept("mentee", PROPOSED_AT))


def test_a_proposal_expires_only_once_its_window_passed():
    match = proposal()
    refused(match, "not-yet-expired", lambda: match.expire(EXPIRES_AT - timedelta(seconds=1)))
    match.expire(EXPIRES_AT)
    assert match.status == "expired"


def test_accepting_after_the_window_is_refused():
    match = proposal()
    refused(match, "proposal-expired", lambda: match.accept("mentee", EXPIRES_AT))


def test_a_reminder_comes_in_the_last_quarter_of_the_window_and_only_once():
    match = proposal()
    refused(match, "no-reminder-due", lambda: match.remind(PROPOSED_AT + timedelta(hours=12)))
    match.remind(EXPIRES_AT - timedelta(hours=10))
    match.collect_events()
    refused(match, "no-reminder-due", lambda: match.remind(EXPIRES_AT - timedelta(hours=5)))


def test_a_cancelled_proposal_cannot_be_cancelled_again():
    match = proposal()
    match.cancel("request withdrawn")
    match.collect_events()
    refused(match, "proposal-not-open", lambda: match.cancel("again"))


def test_seats_fill_up_to_capacity_and_no_further():
    seats = Seats.open(uuid4(), "mentor", 2)
    first, second = uuid4(), uuid4()
    seats.reserve(first)
    seats.reserve(first)  # reserving the same proposal again changes nothing
    seats.reserve(second)
    assert seats.held == [first, second]
    seats.collect_events()
    refused(seats, "no-capacity-left", lambda: seats.reserve(uuid4()))
    seats.release(first)
    assert seats.free == 1


def test_a_lower_capacity_is_recorded_and_limits_new_seats():
    seats = Seats.open(uuid4(), "mentor", 3)
    seats.reserve(uuid4())
    seats.set_capacity(1)
    seats.collect_events()
    refused(seats, "no-capacity-left", lambda: seats.reserve(uuid4()))


def test_a_request_awaits_again_after_a_proposal_ends_and_remembers_who_declined():
    request = MatchRequest(id=uuid4(), program_id=uuid4(), organization_id="acme", details={
        "mentee_id": str(uuid4()), "format": "one_to_one", "goals": [{"topic": "t", "outcome": "o"}]})
    first, mentor = uuid4(), uuid4()
    request.note_proposed(first)
    request.collect_events()
    refused(request, "request-not-awaiting", lambda: request.note_proposed(uuid4()))
    request.note_proposal_ended(first, declined_mentor=mentor)
    assert (request.status, request.attempts) == ("awaiting", 1)
    assert request.as_open_request().declined_mentor_ids == frozenset({mentor})
    request.give_up("nobody left")
    assert request.status == "unmatched"


def test_confirmation_publishes_what_the_relationship_starts_from():
    match = proposal()
    state = match
    match.accept("mentee", PROPOSED_AT)
    match.accept("mentor", PROPOSED_AT)
    match.confirm()
    confirmed = to_public(match.collect_events()[-1], state).contract
    assert type(confirmed).__name__ == "MatchConfirmed"
    assert (confirmed.format, confirmed.cadence_days, confirmed.mentor_organization_id) == ("one_to_one", 14,
                                                                                             "globex")
    assert to_public(Seats.open(uuid4(), "mentor", 1).collect_events()[0], None) is None
