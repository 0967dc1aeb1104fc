"""A mentorship request: pending until edited, withdrawn, matched or closed; rematches."""

import pytest

from services.intake.domain.mentorship_request import OPEN_STATUSES, MentorshipRequest
from tests.unit.intake.test_intake_kit import (
    MESSAGE_CIPHERTEXT,
    REQUESTED_AT,
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


def pending_request(**options) -> MentorshipRequest:  # noqa: ANN003
    leaders = open_program(formats=("one_to_one", "reciprocal"))
    return new_request(leaders, enrolled(leaders), **options)


def request_in(status: str) -> MentorshipRequest:
    ask = pending_request()
    if status == "matched":
        ask.mark_matched(an_id())
    elif status == "withdrawn":
        ask.withdraw()
    elif status == "closed":
        ask.mark_closed()
    assert ask.status == status
    return ask


def update_of(ask: MentorshipRequest):  # noqa: ANN201
    return lambda: ask.update(goals("negotiation"), ["phone"], preferences(must_have=("language:fr",)))


# --- a new request ---------------------------------------------------------------------------


def test_a_new_request_is_pending_and_open_and_keeps_everything_it_was_given():
    leaders = open_program()
    ada, grace = enrolled(leaders), enrolled(leaders, roles="mentor")
    ask = new_request(leaders, ada, topics=("leadership", "sql"), named_mentor=grace, message=MESSAGE_CIPHERTEXT)
    assert (ask.status, ask.is_open) == ("pending", True)
    assert (ask.program_id, ask.organization_id, ask.mentee_id) == (leaders.id, "acme", ada.id)
    assert ask.co_mentee_id is None and ask.format == "one_to_one"
    assert ask.goals == goals("leadership", "sql")
    assert ask.meeting_modes == ["video"]
    assert ask.named_mentor_id == grace.id and ask.message_ciphertext == MESSAGE_CIPHERTEXT
    assert ask.requested_at == REQUESTED_AT
    assert names(ask.collect_events()) == ["MentorshipRequested"]


def test_the_people_of_a_request_are_the_mentee_and_any_co_mentee():
    leaders = open_program(formats=("reciprocal",))
    ada, bea = enrolled(leaders, roles="both"), enrolled(leaders, roles="both")
    assert new_request(leaders, ada).people == [ada.id]
    assert new_request(leaders, ada, format="reciprocal", co_mentee=bea).people == [ada.id, bea.id]


@pytest.mark.parametrize(("status", "is_open"), [
    ("pending", True), ("matched", True), ("withdrawn", False), ("closed", False)])
def test_pending_and_matched_requests_count_as_open_the_others_do_not(status, is_open):
    assert request_in(status).is_open is is_open
    assert (status in OPEN_STATUSES) is is_open


# --- editing and withdrawing -----------------------------------------------------------------


def test_a_pending_request_can_be_edited():
    ask = pending_request()
    settled(ask)
    update_of(ask)()
    assert ask.goals == goals("negotiation")
    assert ask.meeting_modes == ["phone"]
    assert ask.preferences == preferences(must_have=("language:fr",))
    assert ask.status == "pending"
    assert names(ask.collect_events()) == ["MentorshipRequestUpdated"]


@pytest.mark.parametrize("count", [0, 6])
def test_editing_a_request_to_no_goals_or_more_than_five_is_refused(count):
    ask = pending_request()
    refused("goal-count", lambda: ask.update(goals(*(f"t{n}" for n in range(count))), ["video"], preferences()), ask)
    assert ask.goals == goals("leadership")


@pytest.mark.parametrize("count", [1, 5])
def test_editing_a_request_to_one_to_five_goals_is_allowed(count):
    ask = pending_request()
    ask.update(goals(*(f"t{n}" for n in range(count))), ["video"], preferences())
    assert len(ask.goals) == count


def test_a_request_no_longer_pending_is_refused_as_not_pending_before_its_goals_are_counted():
    ask = request_in("matched")
    refused("request-not-pending", lambda: ask.update([], ["video"], preferences()), ask)


def test_a_pending_request_can_be_edited_many_times():
    ask = pending_request()
    for topic in ("a", "b", "c"):
        ask.update(goals(topic), ["video"], preferences())
    assert ask.goals == goals("c")


def test_a_pending_request_can_be_withdrawn():
    ask = pending_request()
    settled(ask)
    ask.withdraw()
    assert (ask.status, ask.is_open) == ("withdrawn", False)
    assert names(ask.collect_events()) == ["MentorshipRequestWithdrawn"]


@pytest.mark.parametrize("status", ["matched", "withdrawn", "closed"])
def test_a_request_that_is_no_longer_pending_cannot_be_edited(status):
    ask = request_in(status)
    refused("request-not-pending", update_of(ask), ask)
    assert ask.goals == goals("leadership")


@pytest.mark.parametrize("status", ["matched", "withdrawn", "closed"])
def test_a_request_that_is_no_longer_pending_cannot_be_withdrawn(status):
    ask = request_in(status)
    refused("request-not-pending", ask.withdraw, ask)
    assert ask.status == status


# --- matching and closing --------------------------------------------------------------------


def test_a_pending_request_can_be_marked_matched_with_its_mentor():
    ask = pending_request()
    settled(ask)
    mentor = an_id()
    ask.mark_matched(mentor)
    assert (ask.status, ask.mentor_id, ask.is_open) == ("matched", mentor, True)
    assert names(ask.collect_events()) == ["MentorshipRequestMatched"]


# A withdrawn request takes a late match as a no-op: test_intake_match_after_withdrawal.py.
@pytest.mark.parametrize("status", ["matched", "closed"])
def test_only_a_pending_request_can_be_marked_matched(status):
    ask = request_in(status)
    refused("request-not-pending", lambda: ask.mark_matched(an_id()), ask)
    assert ask.status == status


def test_a_matched_request_keeps_its_first_mentor_when_matching_again_is_refused():
    ask = pending_request()
    first = an_id()
    ask.mark_matched(first)
    refused("request-not-pending", lambda: ask.mark_matched(an_id()), ask)
    assert ask.mentor_id == first


@pytest.mark.parametrize("status", ["pending", "matched"])
def test_a_pending_or_matched_request_can_be_marked_closed(status):
    ask = request_in(status)
    settled(ask)
    ask.mark_closed()
    assert (ask.status, ask.is_open) == ("closed", False)
    assert names(ask.collect_events()) == ["MentorshipRequestClosed"]


def test_closing_a_withdrawn_request_is_accepted_but_records_nothing_and_it_stays_withdrawn():
    """Matching may give up before it hears of the withdrawal: the mentee's word stands."""
    ask = request_in("withdrawn")
    settled(ask)
    before = state_of(ask)
    ask.mark_closed()
    assert ask.status == "withdrawn"
    assert ask.collect_events() == [] and state_of(ask) == before


def test_closing_a_request_that_is_already_closed_is_refused():
    ask = request_in("closed")
    refused("request-closed", ask.mark_closed, ask)


@pytest.mark.parametrize("command", ["update", "withdraw", "mark_matched", "mark_closed"])
def test_a_closed_request_never_changes_again(command):
    ask = request_in("closed")
    act = {"update": update_of(ask), "withdraw": ask.withdraw,
           "mark_matched": lambda: ask.mark_matched(an_id()), "mark_closed": ask.mark_closed}[command]
    refused("request-closed" if command == "mark_closed" else "request-not-pending", act, ask)


# --- rematch ---------------------------------------------------------------------------------


def test_a_rematch_asks_again_for_the_same_goals_as_a_new_pending_request():
    leaders = open_program(formats=("reciprocal",))
    ada, bea = enrolled(leaders, roles="both"), enrolled(leaders, roles="both")
    ended = new_request(leaders, ada, topics=("leadership", "sql"), format="reciprocal", co_mentee=bea)
    ended.mark_matched(an_id())
    new_id, at = an_id(), REQUESTED_AT.replace(month=6)
    again = MentorshipRequest.rematch_of(ended, new_id, an_id(), at)
    assert (again.id, again.status, again.requested_at) == (new_id, "pending", at)
    assert (again.program_id, again.organization_id, again.mentee_id, again.co_mentee_id) == (
        ended.program_id, ended.organization_id, ended.mentee_id, ended.co_mentee_id)
    assert (again.format, again.goals, again.meeting_modes) == (ended.format, ended.goals, ended.meeting_modes)
    assert names(again.collect_events()) == ["MentorshipRequested"]


def test_a_rematch_avoids_the_previous_mentor_and_keeps_earlier_avoids_sorted_and_unique():
    ended = pending_request()
    previous = an_id()
    again = MentorshipRequest.rematch_of(ended, an_id(), previous, REQUESTED_AT)
    assert again.preferences["avoid"] == sorted({"organization:initech", f"participant:{previous}"})
    assert again.preferences["must_have"] == ended.preferences["must_have"]
    twice = MentorshipRequest.rematch_of(again, an_id(), previous, REQUESTED_AT)
    assert twice.preferences["avoid"] == again.preferences["avoid"]


def test_a_rematch_names_no_mentor_and_carries_no_sealed_message():
    leaders = open_program()
    ada, grace = enrolled(leaders), enrolled(leaders, roles="mentor")
    ended = new_request(leaders, ada, named_mentor=grace, message=MESSAGE_CIPHERTEXT)
    again = MentorshipRequest.rematch_of(ended, an_id(), grace.id, REQUESTED_AT)
    assert again.named_mentor_id is None and again.message_ciphertext is None


# --- replay ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    ("update", "withdraw", "close"),
    ("update", "match", "close"),
    ("match",),
    (),
])
def test_a_request_rebuilt_from_its_events_has_the_same_state(path):
    ask = pending_request(message=MESSAGE_CIPHERTEXT)
    for step in path:
        {"update": update_of(ask), "withdraw": ask.withdraw, "match": lambda: ask.mark_matched(an_id()),
         "close": ask.mark_closed}[step]()
    rebuilt = replay(ask.collect_events())
    assert isinstance(rebuilt, MentorshipRequest)
    assert state_of(rebuilt) == state_of(ask)
