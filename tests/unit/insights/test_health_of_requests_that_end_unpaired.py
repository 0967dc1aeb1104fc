"""Requests that never become relationships: unmatched, withdrawn, and a proposal declined
then another left to expire."""

from uuid import uuid4

from shared.contracts import matching
from tests.unit.insights.health_kit import folded
from tests.unit.insights.program_story import DAY, HOUR, T0, ProgramStory
from tests.unit.insights.relationship_story import matched_pair


def test_an_unmatched_request_counts_by_its_reason_code_and_lowers_the_match_rate() -> None:
    story = ProgramStory()
    matched_pair(story, T0)
    lonely = story.request(story.enrol("mentee", "acme", T0), "acme", T0)
    story.unmatched(lonely, T0 + 14 * DAY, code="no-mentor-available")
    old = story.request(story.enrol("mentee", "acme", T0), "acme", T0)
    story.unmatched(old, T0 + 14 * DAY, code=None)  # published before reason codes existed

    requests = folded(story.events).program(str(story.program))["overall"]["requests"]

    assert requests["unmatched"] == 2
    assert requests["unmatched_by_reason"] == {"no-mentor-available": 1, "unspecified": 1}
    assert requests["match_rate"] == round(1 / 3, 4)


def test_a_withdrawn_request_is_neither_matched_nor_unmatched() -> None:
    story = ProgramStory()
    request = story.request(story.enrol("mentee", "acme", T0), "acme", T0)
    story.withdraw(request, T0 + DAY)

    requests = folded(story.events).program(str(story.program))["overall"]["requests"]

    assert (
        requests["withdrawn"],
        requests["open"],
        requests["matched"],
        requests["unmatched"],
    ) == (1, 0, 0, 0)
    assert requests["match_rate"] is None, "nothing settled by matching: a null, not 0"


def test_a_confirmation_that_raced_a_withdrawal_leaves_the_request_withdrawn_and_no_pair() -> None:
    story = ProgramStory()
    pair = matched_pair(story, T0)
    story.withdraw(pair.request, T0 + 3 * HOUR)
    story.emit(
        matching.MatchCancelled(
            proposal_id=uuid4(),
            request_id=pair.request,
            program_id=story.program,
            reason="request withdrawn",
            after_confirmation=True,
        ),
        T0 + 4 * HOUR,
    )

    overall = folded(story.events).program(str(story.program))["overall"]

    assert overall["requests"]["withdrawn"] == 1 and overall["requests"]["matched"] == 0
    assert overall["matching_quality"]["confirmed_pairs"] == 0


def test_a_declined_then_an_expired_proposal_are_rated_by_side() -> None:
    story = ProgramStory()
    mentee, first, second = (
        story.enrol(role, "acme", T0) for role in ("mentee", "mentor", "mentor")
    )
    request = story.request(mentee, "acme", T0)
    declined = story.propose(request, mentee, first, T0 + HOUR)
    story.answer("accept", declined, request, T0 + 2 * HOUR, by="mentee")
    story.answer("decline", declined, request, T0 + 3 * HOUR, by="mentor")
    expired = story.propose(request, mentee, second, T0 + 4 * HOUR)
    story.answer("accept", expired, request, T0 + 5 * HOUR, by="mentee")
    story.answer("expire", expired, request, T0 + 76 * HOUR)
    open_one = story.propose(request, mentee, first, T0 + 77 * HOUR)  # still awaiting answers

    book = folded(story.events)
    proposals = book.program(str(story.program))["overall"]["proposals"]

    assert open_one and (proposals["proposed"], proposals["settled"]) == (3, 2)
    assert proposals["accepted_by_side"] == {"mentee": 2, "mentor": 0}
    assert proposals["declined_by_side"] == {"mentee": 0, "mentor": 1}
    assert proposals["acceptance_rate_by_side"] == {"mentee": 1.0, "mentor": 0.0}
    assert proposals["decline_rate_by_side"] == {"mentee": 0.0, "mentor": 0.5}
    assert (proposals["expired"], proposals["expiry_rate"]) == (1, 0.5)
    requests = book.program(str(story.program))["overall"]["requests"]
    assert requests["open"] == 1
    assert requests["request_to_first_proposal_seconds"]["p50"] == 3600.0
    assert requests["request_to_confirmation_seconds"] == {"p50": None, "p90": None}
