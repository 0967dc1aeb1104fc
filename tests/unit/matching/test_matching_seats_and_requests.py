"""The Seats capacity ledger and the MatchRequest aggregate."""

from uuid import UUID, uuid4

import pytest

from services.matching.domain.match_request import MatchRequest
from services.matching.domain.pool import OpenRequest
from services.matching.domain.seats import Seats, seats_id
from shared.errors import RuleViolated


def events_of(aggregate) -> list[str]:  # noqa: ANN001
    return [type(event).__name__ for event in aggregate.collect_events()]


def refused(aggregate, kind: str, command) -> None:  # noqa: ANN001
    version = aggregate.version
    with pytest.raises(RuleViolated) as raised:
        command()
    assert raised.value.kind == kind
    assert aggregate.collect_events() == []
    assert aggregate.version == version


def replayed(events):  # noqa: ANN001, ANN201
    aggregate = None
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


# --- Seats ----------------------------------------------------------------------------------


def opened(capacity: int, role: str = "mentor") -> Seats:
    seats = Seats.open(uuid4(), role, capacity)
    seats.collect_events()
    return seats


def test_seats_open_empty_with_their_capacity():
    person = uuid4()
    seats = Seats.open(person, "mentor", 3)
    assert (seats.participant_id, seats.role, seats.capacity, seats.held, seats.free) == (person, "mentor", 3, [], 3)
    assert events_of(seats) == ["SeatsOpened"]


def test_a_persons_seats_id_is_stable_and_differs_per_role():
    person = uuid4()
    assert seats_id(person, "mentor") == seats_id(person, "mentor") == Seats.open(person, "mentor", 1).id
    assert seats_id(person, "mentor") != seats_id(person, "mentee")
    assert seats_id(person, "mentor") != seats_id(uuid4(), "mentor")


@pytest.mark.parametrize("capacity", [1, 2, 5])
def test_seats_can_be_reserved_up_to_capacity_and_no_further(capacity):
    seats = opened(capacity)
    proposals = [uuid4() for _ in range(capacity)]
    for proposal in proposals:
        seats.reserve(proposal)
    assert seats.held == proposals and seats.free == 0
    assert events_of(seats) == ["SeatReserved"] * capacity
    refused(seats, "no-capacity-left", lambda: seats.reserve(uuid4()))
    assert seats.held == proposals


def test_a_full_ledger_says_how_many_seats_are_taken():
    seats = opened(2)
    seats.reserve(uuid4())
    seats.reserve(uuid4())
    with pytest.raises(RuleViolated) as raised:
        seats.reserve(uuid4())
    assert "mentor" in raised.value.detail and "2" in raised.value.detail


def test_reserving_for_the_same_proposal_twice_changes_nothing():
    seats = opened(2)
    proposal = uuid4()
    seats.reserve(proposal)
    seats.collect_events()
    seats.reserve(proposal)
    assert seats.held == [proposal] and seats.free == 1
    assert seats.collect_events() == []


def test_reserving_again_for_a_held_proposal_is_fine_even_when_full():
    seats = opened(1)
    proposal = uuid4()
    seats.reserve(proposal)
    seats.collect_events()
    seats.reserve(proposal)
    assert seats.collect_events() == []


def test_releasing_a_seat_frees_it_for_someone_else():
    seats = opened(1)
    first, second = uuid4(), uuid4()
    seats.reserve(first)
    seats.release(first)
    assert seats.held == [] and seats.free == 1
    seats.reserve(second)
    assert seats.held == [second]
    assert events_of(seats) == ["SeatReserved", "SeatReleased", "SeatReserved"]


def test_releasing_keeps_the_other_seats_in_order():
    seats = opened(3)
    a, b, c = uuid4(), uuid4(), uuid4()
    for proposal in (a, b, c):
        seats.reserve(proposal)
    seats.release(b)
    assert seats.held == [a, c]


def test_releasing_a_seat_that_is_not_held_changes_nothing():
    seats = opened(2)
    seats.reserve(uuid4())
    seats.collect_events()
    seats.release(uuid4())
    assert seats.collect_events() == [] and seats.free == 1


def test_raising_the_capacity_makes_room():
    seats = opened(1)
    seats.reserve(uuid4())
    seats.set_capacity(2)
    seats.reserve(uuid4())
    assert seats.free == 0 and seats.capacity == 2
    assert events_of(seats) == ["SeatReserved", "SeatCapacitySet", "SeatReserved"]


def test_lowering_the_capacity_below_the_held_seats_keeps_them_but_refuses_new_ones():
    seats = opened(3)
    held = [uuid4(), uuid4(), uuid4()]
    for proposal in held:
        seats.reserve(proposal)
    seats.set_capacity(1)
    assert seats.held == held and seats.free == -2
    seats.collect_events()
    refused(seats, "no-capacity-left", lambda: seats.reserve(uuid4()))
    seats.release(held[0])
    seats.release(held[1])
    seats.collect_events()
    refused(seats, "no-capacity-left", lambda: seats.reserve(uuid4()))
    seats.release(held[2])
    seats.reserve(uuid4())


def test_setting_the_same_capacity_records_nothing():
    seats = opened(2)
    seats.set_capacity(2)
    assert seats.collect_events() == []


def test_the_ledger_rebuilds_from_its_events():
    seats = Seats.open(uuid4(), "mentee", 2)
    a, b = uuid4(), uuid4()
    seats.reserve(a)
    seats.reserve(b)
    seats.release(a)
    seats.set_capacity(4)
    rebuilt = replayed(seats.collect_events())
    assert (rebuilt.id, rebuilt.role, rebuilt.held, rebuilt.capacity, rebuilt.free) == (seats.id, "mentee", [b], 4, 3)


# --- MatchRequest ------------------------------------------------------------------------


MENTEE = uuid4()
DETAILS = {"mentee_id": str(MENTEE), "format": "one_to_one",
           "goals": [{"topic": "sql", "outcome": "write reports"}, {"topic": "hiring", "outcome": "run interviews"}]}


def received(**details) -> MatchRequest:  # noqa: ANN003
    request = MatchRequest(id=uuid4(), program_id=uuid4(), organization_id="acme", details={**DETAILS, **details})
    request.collect_events()
    return request


def in_status(status: str) -> MatchRequest:
    request = received()
    if status == "proposed":
        request.note_proposed(uuid4())
    elif status == "matched":
        proposal = uuid4()
        request.note_proposed(proposal)
        request.note_matched(proposal)
    elif status == "unmatched":
        request.give_up("nobody fits")
    elif status == "withdrawn":
        request.withdraw()
    request.collect_events()
    return request


def test_a_received_request_awaits_a_proposal():
    request = MatchRequest(id=uuid4(), program_id=uuid4(), organization_id="acme", details=DETAILS)
    assert events_of(request) == ["RequestReceived"]
    assert (request.status, request.attempts, request.current_proposal, request.declined_mentors) == (
        "awaiting", 0, None, [])
    assert request.mentee_id == MENTEE


def test_noting_a_proposal_moves_an_awaiting_request_to_proposed():
    request = received()
    proposal = uuid4()
    request.note_proposed(proposal)
    assert (request.status, request.current_proposal, request.attempts) == ("proposed", proposal, 1)
    assert events_of(request) == ["ProposalMade"]


@pytest.mark.parametrize("status", ["proposed", "matched", "unmatched", "withdrawn"])
def test_a_proposal_is_noted_only_while_awaiting(status):
    request = in_status(status)
    refused(request, "request-not-awaiting", lambda: request.note_proposed(uuid4()))
    assert request.status == status


def test_an_ended_proposal_returns_the_request_to_awaiting_and_remembers_the_declined_mentor():
    request = received()
    proposal, mentor = uuid4(), uuid4()
    request.note_proposed(proposal)
    request.note_proposal_ended(proposal, declined_mentor=mentor)
    assert (request.status, request.current_proposal, request.declined_mentors) == ("awaiting", None, [mentor])
    assert request.attempts == 1
    assert request.as_open_request().declined_mentor_ids == frozenset({mentor})
    assert events_of(request) == ["ProposalMade", "ProposalEnded"]


def test_an_ended_proposal_without_a_declined_mentor_remembers_nobody():
    request = received()
    proposal = uuid4()
    request.note_proposed(proposal)
    request.note_proposal_ended(proposal, declined_mentor=None)
    assert (request.status, request.declined_mentors) == ("awaiting", [])


def test_every_declined_mentor_is_remembered_and_attempts_count_up():
    request = received()
    mentors = [uuid4(), uuid4(), uuid4()]
    for mentor in mentors:
        proposal = uuid4()
        request.note_proposed(proposal)
        request.note_proposal_ended(proposal, declined_mentor=mentor)
    assert request.attempts == 3
    assert request.declined_mentors == mentors
    assert request.as_open_request().declined_mentor_ids == frozenset(mentors)


def test_the_end_of_some_other_proposal_is_ignored():
    request = received()
    current = uuid4()
    request.note_proposed(current)
    request.collect_events()
    request.note_proposal_ended(uuid4(), declined_mentor=uuid4())
    assert (request.status, request.current_proposal, request.declined_mentors) == ("proposed", current, [])
    assert request.collect_events() == []


def test_a_confirmed_proposal_matches_the_request():
    request = in_status("matched")
    assert request.status == "matched"


@pytest.mark.parametrize("status", ["awaiting", "proposed"])
def test_a_request_still_in_play_can_be_given_up_with_a_reason(status):
    request = in_status(status)
    request.give_up("no mentor in the program meets the hard rules for this request")
    assert request.status == "unmatched"
    assert request.unmatched_reason == "no mentor in the program meets the hard rules for this request"
    assert events_of(request) == ["RequestUnmatched"]


@pytest.mark.parametrize("status", ["matched", "unmatched", "withdrawn"])
def test_giving_up_on_a_settled_request_changes_nothing(status):
    request = in_status(status)
    request.give_up("late")
    assert request.status == status
    assert request.collect_events() == []


@pytest.mark.parametrize("status", ["awaiting", "proposed", "matched", "unmatched"])
def test_a_request_can_be_withdrawn_from_any_status(status):
    request = in_status(status)
    request.withdraw()
    assert request.status == "withdrawn"
    assert events_of(request) == ["RequestWithdrawn"]


def test_withdrawing_twice_records_one_withdrawal():
    request = in_status("withdrawn")
    request.withdraw()
    assert request.collect_events() == []


@pytest.mark.parametrize("status", ["awaiting", "proposed"])
def test_details_can_be_revised_while_the_request_is_in_play(status):
    request = in_status(status)
    request.revise({**DETAILS, "meeting_modes": ["phone"]})
    assert request.details["meeting_modes"] == ["phone"]
    assert events_of(request) == ["RequestRevised"]
    assert request.status == status


@pytest.mark.parametrize("status", ["matched", "unmatched", "withdrawn"])
def test_revising_a_settled_request_changes_nothing(status):
    request = in_status(status)
    request.revise({**DETAILS, "format": "peer"})
    assert request.details["format"] == "one_to_one"
    assert request.collect_events() == []


def test_the_open_request_carries_every_detail_matching_needs():
    co_mentee, named = uuid4(), uuid4()
    request = received(format="reciprocal", meeting_modes=["video", "phone"], co_mentee_id=str(co_mentee),
                       named_mentor_id=str(named),
                       preferences={"must_have": ["language:fr"], "avoid": ["organization:globex", "mode:chat"]})
    opened_request = request.as_open_request()
    assert opened_request == OpenRequest(
        request_id=request.id, program_id=request.program_id, mentee_id=MENTEE, format="reciprocal",
        goals=(("sql", "write reports"), ("hiring", "run interviews")),
        meeting_modes=frozenset({"video", "phone"}), must_have=frozenset({"language:fr"}),
        avoid=frozenset({"organization:globex", "mode:chat"}), co_mentee_id=co_mentee, named_mentor_id=named,
        declined_mentor_ids=frozenset(),
    )
    assert opened_request.goal_topics == ["sql", "hiring"]


def test_the_open_request_defaults_what_the_details_leave_out():
    opened_request = received().as_open_request()
    assert opened_request.meeting_modes == frozenset()
    assert opened_request.must_have == frozenset() and opened_request.avoid == frozenset()
    assert opened_request.co_mentee_id is None and opened_request.named_mentor_id is None


def test_ids_in_the_details_may_be_uuids_or_strings():
    co_mentee = uuid4()
    request = received(mentee_id=MENTEE, co_mentee_id=co_mentee)
    assert request.mentee_id == MENTEE and isinstance(request.mentee_id, UUID)
    assert request.as_open_request().co_mentee_id == co_mentee


def test_the_request_rebuilds_from_its_events():
    request = MatchRequest(id=uuid4(), program_id=uuid4(), organization_id="acme", details=DETAILS)
    first, mentor, second = uuid4(), uuid4(), uuid4()
    request.note_proposed(first)
    request.note_proposal_ended(first, declined_mentor=mentor)
    request.note_proposed(second)
    request.note_matched(second)
    rebuilt = replayed(request.collect_events())
    assert (rebuilt.status, rebuilt.attempts, rebuilt.current_proposal, rebuilt.declined_mentors) == (
        "matched", 2, second, [mentor])
