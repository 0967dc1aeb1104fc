"""Intake owns "the request is over": a match confirmed while the mentee withdrew changes
nothing here (matching cancels its confirmation), and is not refused, which would
dead-letter a harmless race (issue 8, docs/adr/0004)."""

import pytest

from services.intake.domain.mentorship_request import MentorshipRequest
from tests.unit.intake.test_intake_kit import an_id, enrolled, names, new_request, open_program, refused


def pending() -> MentorshipRequest:
    leaders = open_program()
    ask = new_request(leaders, enrolled(leaders))
    ask.collect_events()
    return ask


def test_a_match_confirmed_after_the_withdrawal_leaves_the_request_withdrawn_and_records_nothing():
    ask = pending()
    ask.withdraw()
    ask.collect_events()
    ask.mark_matched(an_id())
    assert ask.status == "withdrawn"
    assert names(ask.collect_events()) == []


@pytest.mark.parametrize("status", ["matched", "closed"])
def test_a_match_for_a_request_already_matched_or_closed_is_still_refused(status):
    ask = pending()
    ask.mark_matched(an_id()) if status == "matched" else ask.mark_closed()
    refused("request-not-pending", lambda: ask.mark_matched(an_id()), ask)
