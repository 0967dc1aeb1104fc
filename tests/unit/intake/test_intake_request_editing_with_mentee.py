"""edit_request: a pending request and its mentee's record of its topics change together,
so later duplicates are judged on what the request asks for now."""

from uuid import UUID

import pytest

from services.intake.domain.mentorship_request import MentorshipRequest
from services.intake.domain.participant import Participant
from services.intake.domain.program import Program
from services.intake.domain.request_edits import edit_request
from services.intake.domain.request_rules import check_can_request, goal_topics
from services.intake.publishing import to_public
from tests.unit.intake.test_intake_kit import (
    an_id,
    enrolled,
    goals,
    names,
    new_request,
    open_program,
    preferences,
    refused,
    replay,
    settled,
    state_of,
)


PROGRAMS: dict[UUID, Program] = {}


def a_mentee() -> Participant:
    program = open_program(cap=3)
    mentee = enrolled(program)
    PROGRAMS[mentee.id] = program
    return mentee


def program_of(mentee: Participant) -> Program:
    return PROGRAMS[mentee.id]


def opened(mentee: Participant, *topics: str) -> MentorshipRequest:
    """A request opened the way the application opens one: checked, then noted on the mentee."""
    program = program_of(mentee)
    check_can_request(program, mentee, None, None, "one_to_one", goals(*topics))
    ask = new_request(program, mentee, topics=topics)
    mentee.note_request_opened(ask.id, sorted(goal_topics(ask.goals)))
    return ask


def topics_noted_for(mentee: Participant, ask: MentorshipRequest) -> list[str]:
    return mentee.open_requests[str(ask.id)]


def test_editing_a_request_to_new_topics_updates_it_and_revises_the_topics_noted_on_the_mentee():
    ada = a_mentee()
    ask = opened(ada, "leadership")
    settled(ask, ada)
    edit_request(ask, ada, goals("Negotiation", "SQL"), ["phone"], preferences(must_have=("language:fr",)))
    assert ask.goals == goals("Negotiation", "SQL") and ask.meeting_modes == ["phone"]
    assert topics_noted_for(ada, ask) == ["negotiation", "sql"]
    assert names(ask.collect_events()) == ["MentorshipRequestUpdated"]
    assert names(ada.collect_events()) == ["ParticipantRequestRevised"]


def test_editing_only_the_logistics_or_the_case_of_the_topics_does_not_revise_the_mentee():
    ada = a_mentee()
    ask = opened(ada, "leadership")
    settled(ask, ada)
    edit_request(ask, ada, goals(" LEADERSHIP "), ["chat"], preferences())
    assert names(ask.collect_events()) == ["MentorshipRequestUpdated"]
    assert ada.collect_events() == []
    assert topics_noted_for(ada, ask) == ["leadership"]


def test_a_request_may_be_edited_to_the_topics_it_already_asks_for():
    ada = a_mentee()
    ask = opened(ada, "leadership", "sql")
    edit_request(ask, ada, goals("sql", "leadership"), ["video"], preferences())


def test_editing_a_request_into_a_duplicate_of_another_open_request_is_refused():
    ada = a_mentee()
    opened(ada, "negotiation")
    ask = opened(ada, "leadership")
    refused("duplicate-open-request",
            lambda: edit_request(ask, ada, goals("Negotiation"), ["video"], preferences()), ask, ada)


def test_after_an_edit_the_old_topics_are_free_and_the_new_ones_are_duplicates():
    ada = a_mentee()
    program = program_of(ada)
    ask = opened(ada, "leadership")
    edit_request(ask, ada, goals("negotiation"), ["video"], preferences())
    check_can_request(program, ada, None, None, "one_to_one", goals("leadership"))
    refused("duplicate-open-request",
            lambda: check_can_request(program, ada, None, None, "one_to_one", goals("NEGOTIATION")), program, ada)


@pytest.mark.parametrize("status", ["matched", "withdrawn", "closed"])
def test_a_request_no_longer_pending_cannot_be_edited_and_the_mentee_is_left_alone(status):
    ada = a_mentee()
    ask = opened(ada, "leadership")
    {"matched": lambda: ask.mark_matched(an_id()), "withdrawn": ask.withdraw, "closed": ask.mark_closed}[status]()
    refused("request-not-pending",
            lambda: edit_request(ask, ada, goals("negotiation"), ["video"], preferences()), ask, ada)


@pytest.mark.parametrize("count", [0, 6])
def test_an_edit_to_no_goals_or_more_than_five_is_refused(count):
    ada = a_mentee()
    ask = opened(ada, "leadership")
    refused("goal-count", lambda: edit_request(ask, ada, goals(*(f"t{n}" for n in range(count))), ["video"],
                                               preferences()), ask, ada)


@pytest.mark.parametrize(("leave", "kind"), [("withdraw", "participant-withdrawn"), ("erase", "participant-erased")])
def test_a_request_of_a_mentee_who_left_cannot_be_edited(leave, kind):
    ada = a_mentee()
    ask = opened(ada, "leadership")
    getattr(ada, leave)()
    refused(kind, lambda: edit_request(ask, ada, goals("negotiation"), ["video"], preferences()), ask, ada)


def test_a_paused_mentee_may_still_edit_their_pending_request():
    ada = a_mentee()
    ask = opened(ada, "leadership")
    ada.pause()
    edit_request(ask, ada, goals("negotiation"), ["video"], preferences())
    assert topics_noted_for(ada, ask) == ["negotiation"]


def test_editing_with_someone_who_is_not_the_mentee_of_the_request_is_a_programming_error():
    ada, bea = a_mentee(), a_mentee()
    ask = opened(ada, "leadership")
    settled(ask, ada, bea)
    with pytest.raises(ValueError, match="is not the mentee"):
        edit_request(ask, bea, goals("negotiation"), ["video"], preferences())
    assert ask.collect_events() == [] and bea.collect_events() == []


# --- the participant's side on its own -------------------------------------------------------


def test_revising_a_request_the_mentee_does_not_count_records_nothing():
    ada = a_mentee()
    settled(ada)
    ada.note_request_revised(an_id(), ["negotiation"])
    assert ada.collect_events() == [] and ada.open_requests == {}


def test_revised_topics_are_kept_sorted():
    ada = a_mentee()
    ask = an_id()
    ada.note_request_opened(ask, ["a"])
    ada.note_request_revised(ask, ["sql", "leadership"])
    assert ada.open_requests == {str(ask): ["leadership", "sql"]}


@pytest.mark.parametrize(("leave", "kind"), [("withdraw", "participant-withdrawn"), ("erase", "participant-erased")])
def test_a_mentee_who_left_cannot_have_a_request_revised(leave, kind):
    ada = a_mentee()
    ask = an_id()
    ada.note_request_opened(ask, ["a"])
    getattr(ada, leave)()
    refused(kind, lambda: ada.note_request_revised(ask, ["b"]), ada)


def test_the_revision_bookkeeping_is_not_published_and_replays_to_the_same_state():
    ada = a_mentee()
    ask = opened(ada, "leadership")
    edit_request(ask, ada, goals("negotiation"), ["video"], preferences())
    events = ada.collect_events()
    state = None
    for event in events:
        state = event.mutate(state)
        if type(event).__name__ == "ParticipantRequestRevised":
            assert to_public(event, state) is None
    assert "ParticipantRequestRevised" in names(events)
    assert state_of(replay(events)) == state_of(ada)
