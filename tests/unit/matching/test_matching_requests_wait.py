"""A request no mentor fits yet waits instead of dying: it stays awaiting, records why
once, and ends unmatched, with a code a partner can act on, only at its deadline."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from shared.contracts import matching as contracts
from services.matching.domain.match_request import NO_MENTOR_AVAILABLE, MatchRequest
from services.matching.domain.no_fit import NO_MENTOR_YET, direct_ask_refusal, why_no_mentor_fits
from services.matching.publishing import to_public
from tests.unit.matching.people import candidate, mentee, open_request

ASKED = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
UNTIL = ASKED + timedelta(days=14)


def received() -> MatchRequest:
    request = MatchRequest(id=uuid4(), program_id=uuid4(), organization_id="acme", details={
        "mentee_id": str(uuid4()), "format": "one_to_one", "goals": [{"topic": "t", "outcome": "o"}],
        "requested_at": ASKED.isoformat().replace("+00:00", "Z")})
    request.collect_events()
    return request


def names(request: MatchRequest) -> list[str]:
    return [type(event).__name__ for event in request.collect_events()]


def test_with_no_mentor_enrolled_yet_the_request_may_wait():
    ada = mentee()
    no_fit = why_no_mentor_fits(open_request(ada), ada, [], {})
    assert (no_fit.reason, no_fit.can_wait) == (NO_MENTOR_YET, True)


def test_a_request_with_an_empty_pool_stays_awaiting_and_says_why():
    request = received()
    request.wait(NO_MENTOR_YET, ASKED + timedelta(minutes=1), UNTIL)
    assert request.status == "awaiting"
    assert (request.waiting_reason, request.waiting_until) == (NO_MENTOR_YET, UNTIL)
    assert names(request) == ["RequestWaiting"]


def test_waiting_again_for_the_same_reason_records_nothing():
    request = received()
    request.wait(NO_MENTOR_YET, ASKED, UNTIL)
    request.collect_events()
    for hours in range(1, 48):
        request.wait(NO_MENTOR_YET, ASKED + timedelta(hours=hours), UNTIL)
    assert names(request) == []


def test_a_new_reason_to_wait_is_recorded():
    request = received()
    request.wait(NO_MENTOR_YET, ASKED, UNTIL)
    request.wait("no mentor in the program meets the hard rules for this request: no room", ASKED, UNTIL)
    assert names(request) == ["RequestWaiting", "RequestWaiting"]


def test_the_deadline_counts_from_when_the_mentee_asked():
    assert received().waiting_deadline(14) == UNTIL
    assert received().waiting_deadline(3) == ASKED + timedelta(days=3)


def test_the_deadline_falls_back_to_when_matching_received_a_request_without_a_date():
    request = MatchRequest(id=uuid4(), program_id=uuid4(), organization_id="acme", details={"mentee_id": str(uuid4())})
    assert request.waiting_deadline(14) == request.created_on + timedelta(days=14)


def test_at_the_deadline_the_request_ends_unmatched_with_a_reason_code():
    request = received()
    request.wait(NO_MENTOR_YET, ASKED, UNTIL)
    request.wait(NO_MENTOR_YET, UNTIL, UNTIL)
    assert request.status == "unmatched"
    assert request.unmatched_reason_code == NO_MENTOR_AVAILABLE
    assert NO_MENTOR_YET in request.unmatched_reason
    *_, ended = request.collect_events()
    public = to_public(ended, request)
    assert isinstance(public.contract, contracts.RequestUnmatched)
    assert public.contract.reason_code == "no-mentor-available"
    assert NO_MENTOR_YET in public.contract.reason


def test_a_request_no_longer_awaiting_does_not_wait():
    request = received()
    request.note_proposed(uuid4())
    request.collect_events()
    request.wait(NO_MENTOR_YET, UNTIL + timedelta(days=1), UNTIL)
    assert request.status == "proposed" and names(request) == []


def test_an_unmatched_event_from_before_reason_codes_still_loads():
    assert contracts.RequestUnmatched(request_id=uuid4(), program_id=uuid4(), reason="old").reason_code is None
    request = MatchRequest(id=uuid4(), program_id=uuid4(), organization_id="acme", details={"mentee_id": str(uuid4())})
    request.give_up("no pair was agreed after 4 proposals")
    *before, ended = request.collect_events()
    object.__delattr__(ended, "reason_code")  # as stored before the code existed
    rebuilt = None
    for event in [*before, ended]:
        rebuilt = event.mutate(rebuilt)
    assert (rebuilt.status, rebuilt.unmatched_reason_code) == ("unmatched", None)


def test_mentors_who_are_full_make_the_request_wait_for_a_seat():
    ada = mentee()
    no_fit = why_no_mentor_fits(open_request(ada), ada, [candidate(capacity=1, load=1)], {})
    assert no_fit.can_wait and "no capacity left (1 mentor)" in no_fit.reason


def test_mentors_refused_for_good_end_the_request_at_once():
    ada = mentee()
    grace = candidate()
    request = open_request(ada, declined_mentor_ids=frozenset({grace.participant_id}))
    assert not why_no_mentor_fits(request, ada, [grace], {}).can_wait


def test_a_direct_ask_waits_for_a_named_mentor_who_is_full_or_not_enrolled_yet():
    ada = mentee()
    assert direct_ask_refusal(open_request(ada), ada, candidate(capacity=1, load=1), {}).can_wait
    assert direct_ask_refusal(open_request(ada), ada, None, {}).can_wait


def test_a_direct_ask_refused_by_a_lasting_rule_ends_at_once():
    ada, grace = mentee(), candidate()
    refused = direct_ask_refusal(open_request(ada, avoid=frozenset({"organization:globex"})), ada, grace, {})
    assert not refused.can_wait and "avoid" in refused.reason
    assert direct_ask_refusal(open_request(ada), ada, grace, {}) is None
