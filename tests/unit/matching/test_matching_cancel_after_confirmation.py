"""A confirmed match whose request intake withdrew meanwhile is cancelled after all, and
the world is told it was cancelled after confirmation (issue 8, docs/adr/0004)."""

from datetime import timedelta

import pytest

from services.matching.publishing import to_public
from shared.contracts import matching as contracts
from shared.errors import RuleViolated
from tests.unit.matching.test_matching_proposal_aggregate import DURING, new_proposal


def confirmed():  # noqa: ANN201
    match = new_proposal()
    match.accept("mentee", DURING)
    match.accept("mentor", DURING + timedelta(minutes=1))
    match.confirm()
    match.collect_events()
    return match


def test_a_confirmed_match_is_cancelled_after_all_and_published_as_a_cancellation_after_confirmation():
    match = confirmed()
    match.cancel_confirmed("the request was withdrawn before the match started")
    assert (match.status, match.ended_reason) == ("cancelled", "the request was withdrawn before the match started")
    published = [to_public(event, match).contract for event in match.collect_events()]
    assert published == [contracts.MatchCancelled(
        proposal_id=match.id, request_id=match.request_id, program_id=match.program_id,
        reason="the request was withdrawn before the match started", after_confirmation=True)]


def test_an_open_cancellation_is_not_after_confirmation():
    match = new_proposal()
    match.collect_events()
    match.cancel("a participant left the program")
    assert [to_public(e, match).contract.after_confirmation for e in match.collect_events()] == [False]


@pytest.mark.parametrize("answer", ["open", "declined", "cancelled"])
def test_only_a_confirmed_match_is_cancelled_after_confirmation(answer):
    match = new_proposal() if answer == "open" else confirmed()
    if answer == "declined":
        match = new_proposal()
        match.decline("mentor", "too busy", DURING)
    elif answer == "cancelled":
        match.cancel_confirmed("the request was withdrawn before the match started")
    match.collect_events()
    with pytest.raises(RuleViolated) as refusal:
        match.cancel_confirmed("again")
    assert refusal.value.kind == "proposal-not-confirmed"
    assert match.collect_events() == []
