"""Meetings: scheduling, rescheduling, cancelling, held and missed sessions, private
notes and check-ins."""

from datetime import timedelta

import pytest

from shared.errors import RuleViolated
from tests.unit.sessions.sessions_domain_kit import (
    ACTIVATED, LATER, MENTEE, MENTOR, STARTED, STRANGER, acknowledge, active, agree, closed, drain, forming, hold,
    names, paused, refused, schedule, session_id,
)

S1, S2 = session_id(1), session_id(2)


# --- scheduling --------------------------------------------------------------------------

def test_scheduling_in_an_active_relationship_records_the_session():
    relationship = active()
    starts = LATER + timedelta(days=2)
    relationship.schedule_session(MENTOR, S1, starts, 45, "phone", "first chat", LATER)
    events = drain(relationship)
    assert names(events) == ["SessionScheduled"]
    e = events[0]
    assert (e.session_id, e.starts_at, e.minutes, e.mode, e.agenda, e.scheduled_by) == (
        S1, starts, 45, "phone", "first chat", MENTOR)
    assert relationship.sessions[str(S1)] == {"starts_at": starts, "minutes": 45, "mode": "phone",
                                              "agenda": "first chat", "state": "scheduled", "reminded": False}


def test_scheduling_before_activation_is_refused_naming_both_missing_things():
    relationship = forming()
    refusal = refused(relationship, "relationship-not-active", lambda: relationship.schedule_session(
        MENTEE, S1, STARTED + timedelta(days=1), 60, "video", "", STARTED))
    assert refusal.detail == ("sessions start once there is an agreement signed by both and "
                              f"ground rules acknowledged by {MENTEE}, {MENTOR}")


def test_scheduling_with_only_the_agreement_is_refused_naming_the_missing_acknowledgements():
    relationship = forming()
    agree(relationship)
    relationship.acknowledge_ground_rules(MENTEE, STARTED)
    refusal = refused(relationship, "relationship-not-active", lambda: relationship.schedule_session(
        MENTEE, S1, STARTED + timedelta(days=1), 60, "video", "", STARTED))
    assert refusal.detail == f"sessions start once there is ground rules acknowledged by {MENTOR}"
    assert "agreement" not in refusal.detail


def test_scheduling_with_only_the_ground_rules_is_refused_naming_the_missing_agreement():
    relationship = forming()
    acknowledge(relationship)
    refusal = refused(relationship, "relationship-not-active", lambda: relationship.schedule_session(
        MENTEE, S1, STARTED + timedelta(days=1), 60, "video", "", STARTED))
    assert refusal.detail == "sessions start once there is an agreement signed by both"
    assert relationship.sessions == {}


def test_scheduling_in_a_paused_relationship_is_refused():
    relationship = paused()
    refusal = refused(relationship, "relationship-not-active", lambda: relationship.schedule_session(
        MENTEE, S1, LATER + timedelta(days=1), 60, "video", "", LATER))
    assert refusal.detail == "the relationship is paused"


def test_scheduling_in_a_closed_relationship_is_refused():
    relationship = closed()
    refusal = refused(relationship, "relationship-not-active", lambda: relationship.schedule_session(
        MENTEE, S1, LATER + timedelta(days=1), 60, "video", "", LATER))
    assert refusal.detail == "the relationship is closed"


@pytest.mark.parametrize("offset", [timedelta(0), -timedelta(minutes=1), -timedelta(days=3)])
def test_a_session_must_be_scheduled_in_the_future(offset):
    relationship = active()
    refused(relationship, "session-in-the-past", lambda: relationship.schedule_session(
        MENTEE, S1, LATER + offset, 60, "video", "", LATER))


def test_scheduling_a_session_id_twice_is_refused():
    relationship = active()
    schedule(relationship, 1, at=LATER)
    refused(relationship, "session-exists", lambda: relationship.schedule_session(
        MENTOR, S1, LATER + timedelta(days=5), 60, "video", "", LATER))


def test_either_party_schedules_and_sessions_keep_their_own_ids():
    relationship = active()
    schedule(relationship, 1, at=LATER, by=MENTEE)
    schedule(relationship, 2, at=LATER, by=MENTOR, starts_at=LATER + timedelta(days=8))
    assert set(relationship.sessions) == {str(S1), str(S2)}
    assert [e.scheduled_by for e in drain(relationship)] == [MENTEE, MENTOR]


# --- rescheduling -------------------------------------------------------------------------

def test_rescheduling_moves_the_session_and_forgets_a_reminder_already_sent():
    relationship = active()
    starts = LATER + timedelta(days=1)
    schedule(relationship, 1, starts_at=starts, at=LATER)
    relationship.remind_session(S1, starts - timedelta(hours=2))
    assert relationship.sessions[str(S1)]["reminded"] is True
    moved = starts + timedelta(days=7)
    relationship.reschedule_session(MENTOR, S1, moved, starts - timedelta(hours=1))
    events = drain(relationship)
    assert names(events)[-1] == "SessionRescheduled"
    assert (events[-1].starts_at, events[-1].by) == (moved, MENTOR)
    assert relationship.sessions[str(S1)]["starts_at"] == moved
    assert relationship.sessions[str(S1)]["reminded"] is False
    assert relationship.sessions[str(S1)]["state"] == "scheduled"


def test_rescheduling_into_the_past_is_refused():
    relationship = active()
    schedule(relationship, 1, at=LATER)
    refused(relationship, "session-in-the-past",
            lambda: relationship.reschedule_session(MENTEE, S1, LATER - timedelta(hours=1), LATER))
    refused(relationship, "session-in-the-past", lambda: relationship.reschedule_session(MENTEE, S1, LATER, LATER))


def test_rescheduling_an_unknown_session_is_refused():
    relationship = active()
    refused(relationship, "unknown-session",
            lambda: relationship.reschedule_session(MENTEE, S1, LATER + timedelta(days=1), LATER))


def test_rescheduling_a_held_session_is_refused():
    relationship = active()
    sid = hold(relationship, 1)
    refused(relationship, "session-not-scheduled",
            lambda: relationship.reschedule_session(MENTEE, sid, LATER + timedelta(days=9), LATER + timedelta(days=2)))


def test_rescheduling_in_a_paused_relationship_is_refused():
    relationship = active()
    schedule(relationship, 1, starts_at=LATER + timedelta(days=3), at=LATER)
    relationship.pause(MENTEE, "ill", LATER)
    refused(relationship, "relationship-not-active",
            lambda: relationship.reschedule_session(MENTEE, S1, LATER + timedelta(days=9), LATER))


# --- cancelling ---------------------------------------------------------------------------

def test_cancelling_with_less_notice_than_the_ground_rules_ask_is_recorded_as_late():
    relationship = active(notice_hours=24)
    schedule(relationship, 1, starts_at=LATER + timedelta(hours=5), at=LATER)
    relationship.cancel_session(MENTOR, S1, LATER)
    events = drain(relationship)
    assert names(events)[-1] == "SessionCancelled"
    assert (events[-1].late, events[-1].notice_hours, events[-1].by) == (True, 5.0, MENTOR)
    assert relationship.sessions[str(S1)]["state"] == "cancelled"
    assert relationship.sessions[str(S1)]["late"] is True


def test_cancelling_with_just_under_the_notice_asked_is_late():
    relationship = active(notice_hours=24)
    schedule(relationship, 1, starts_at=LATER + timedelta(hours=24), at=LATER)
    relationship.cancel_session(MENTEE, S1, LATER + timedelta(minutes=1))
    cancelled = drain(relationship)[-1]
    assert cancelled.late is True
    assert cancelled.notice_hours == 23.98


def test_cancelling_with_exactly_the_notice_asked_is_not_late():
    relationship = active(notice_hours=24)
    schedule(relationship, 1, starts_at=LATER + timedelta(hours=24), at=LATER)
    relationship.cancel_session(MENTEE, S1, LATER)
    cancelled = drain(relationship)[-1]
    assert (cancelled.late, cancelled.notice_hours) == (False, 24.0)
    assert relationship.sessions[str(S1)]["late"] is False


def test_cancelling_with_more_notice_than_asked_is_not_late():
    relationship = active(notice_hours=24)
    schedule(relationship, 1, starts_at=LATER + timedelta(days=3), at=LATER)
    relationship.cancel_session(MENTEE, S1, LATER)
    cancelled = drain(relationship)[-1]
    assert (cancelled.late, cancelled.notice_hours) == (False, 72.0)


def test_the_notice_asked_for_comes_from_the_relationships_ground_rules():
    relationship = active(notice_hours=48)
    schedule(relationship, 1, starts_at=LATER + timedelta(hours=30), at=LATER)
    relationship.cancel_session(MENTEE, S1, LATER)
    assert drain(relationship)[-1].late is True, "30 hours is late when the rules ask for 48"


def test_without_a_notice_rule_a_day_of_notice_is_asked_for():
    relationship = active(notice_hours=None)
    schedule(relationship, 1, starts_at=LATER + timedelta(hours=23), at=LATER)
    schedule(relationship, 2, starts_at=LATER + timedelta(hours=25), at=LATER)
    relationship.cancel_session(MENTEE, S1, LATER)
    relationship.cancel_session(MENTEE, S2, LATER)
    assert [e.late for e in drain(relationship)[-2:]] == [True, False]


def test_a_paused_relationship_can_still_cancel_its_sessions():
    relationship = active()
    schedule(relationship, 1, starts_at=LATER + timedelta(days=3), at=LATER)
    relationship.pause(MENTEE, "ill", LATER)
    relationship.cancel_session(MENTEE, S1, LATER)
    assert relationship.sessions[str(S1)]["state"] == "cancelled"


def test_cancelling_an_unknown_session_is_refused():
    relationship = active()
    refused(relationship, "unknown-session", lambda: relationship.cancel_session(MENTEE, S1, LATER))


def test_cancelling_twice_is_refused():
    relationship = active()
    schedule(relationship, 1, at=LATER)
    relationship.cancel_session(MENTEE, S1, LATER)
    refusal = refused(relationship, "session-not-scheduled", lambda: relationship.cancel_session(MENTOR, S1, LATER))
    assert refusal.detail == "the session is cancelled"


def test_a_held_session_cannot_be_cancelled():
    relationship = active()
    sid = hold(relationship)
    refused(relationship, "session-not-scheduled", lambda: relationship.cancel_session(MENTEE, sid, LATER))


def test_a_cancelled_session_cannot_be_held_missed_or_rescheduled():
    relationship = active()
    schedule(relationship, 1, starts_at=LATER + timedelta(days=1), at=LATER)
    relationship.cancel_session(MENTEE, S1, LATER)
    after = LATER + timedelta(days=2)
    refused(relationship, "session-not-scheduled",
            lambda: relationship.mark_session_held(MENTOR, S1, 60, [], {}, after))
    refused(relationship, "session-not-scheduled",
            lambda: relationship.mark_session_missed(MENTOR, S1, [MENTEE], after))
    refused(relationship, "session-not-scheduled",
            lambda: relationship.reschedule_session(MENTOR, S1, after + timedelta(days=1), after))


# --- held sessions --------------------------------------------------------------------------

def test_a_held_session_records_what_each_person_learned():
    relationship = active()
    starts = LATER + timedelta(days=1)
    schedule(relationship, 1, starts_at=starts, at=LATER)
    learned = {str(MENTEE): ["open with a story"], str(MENTOR): ["what juniors find hard", "pivot tables"]}
    relationship.mark_session_held(MENTOR, S1, 50, [0, 1], learned, starts + timedelta(minutes=50))
    events = drain(relationship)
    assert names(events)[-1] == "SessionHeld"
    held = events[-1]
    assert (held.minutes, held.goals_touched, held.learned, held.held_at) == (
        50, [0, 1], learned, starts + timedelta(minutes=50))
    session = relationship.sessions[str(S1)]
    assert session["state"] == "held"
    assert session["learned"][str(MENTEE)] == ["open with a story"]
    assert session["learned"][str(MENTOR)] == ["what juniors find hard", "pivot tables"]
    assert session["goals_touched"] == [0, 1]
    assert relationship.held_count == 1


def test_a_held_session_may_record_learning_for_one_person_or_nobody():
    relationship = active()
    hold(relationship, 1, learned={str(MENTOR): ["listening"]})
    hold(relationship, 2, at=LATER + timedelta(days=3), learned={})
    assert relationship.sessions[str(S1)]["learned"] == {str(MENTOR): ["listening"]}
    assert relationship.sessions[str(S2)]["learned"] == {}
    assert relationship.held_count == 2


def test_what_was_learned_by_someone_outside_the_relationship_is_refused():
    relationship = active()
    schedule(relationship, 1, starts_at=LATER + timedelta(days=1), at=LATER)
    refused(relationship, "learner-not-a-party", lambda: relationship.mark_session_held(
        MENTOR, S1, 50, [0], {str(MENTEE): ["x"], str(STRANGER): ["y"]}, LATER + timedelta(days=1)))
    assert relationship.sessions[str(S1)]["state"] == "scheduled"
    assert relationship.held_count == 0


@pytest.mark.parametrize("goals_touched", [[2], [-1], [0, 5]])
def test_goals_touched_must_name_goals_of_the_relationship_by_position(goals_touched):
    relationship = active()
    schedule(relationship, 1, starts_at=LATER + timedelta(days=1), at=LATER)
    refused(relationship, "unknown-goal", lambda: relationship.mark_session_held(
        MENTOR, S1, 50, goals_touched, {}, LATER + timedelta(days=1)))


def test_holding_an_unknown_session_is_refused():
    relationship = active()
    refused(relationship, "unknown-session",
            lambda: relationship.mark_session_held(MENTOR, S1, 50, [], {}, LATER))


def test_holding_a_session_twice_is_refused():
    relationship = active()
    sid = hold(relationship)
    refused(relationship, "session-not-scheduled",
            lambda: relationship.mark_session_held(MENTEE, sid, 50, [], {}, LATER + timedelta(days=2)))
    assert relationship.held_count == 1


def test_holding_a_session_in_a_paused_relationship_is_refused():
    relationship = active()
    schedule(relationship, 1, starts_at=LATER + timedelta(days=1), at=LATER)
    relationship.pause(MENTEE, "ill", LATER)
    refused(relationship, "relationship-not-active",
            lambda: relationship.mark_session_held(MENTOR, S1, 50, [], {}, LATER + timedelta(days=1)))


def test_holding_a_session_in_a_closed_relationship_is_refused():
    relationship = active()
    schedule(relationship, 1, starts_at=LATER + timedelta(days=1), at=LATER)
    relationship.close(MENTEE, "ended_early", "moved", LATER)
    refused(relationship, "relationship-not-active",
            lambda: relationship.mark_session_held(MENTOR, S1, 50, [], {}, LATER + timedelta(days=1)))


def test_a_session_is_held_only_once_its_time_has_come():
    relationship = active()
    schedule(relationship, 1, starts_at=LATER + timedelta(days=1), at=LATER)
    refused(relationship, "session-not-started",
            lambda: relationship.mark_session_held(MENTOR, S1, 50, [0], {}, LATER))


def test_held_count_counts_only_held_sessions():
    relationship = active()
    hold(relationship, 1)
    schedule(relationship, 2, starts_at=LATER + timedelta(days=5), at=LATER)
    schedule(relationship, 3, starts_at=LATER + timedelta(days=6), at=LATER)
    relationship.cancel_session(MENTEE, session_id(3), LATER)
    assert relationship.held_count == 1


# --- missed sessions --------------------------------------------------------------------------

def test_a_no_show_is_recorded_once_the_session_time_came():
    relationship = active()
    starts = LATER + timedelta(days=1)
    schedule(relationship, 1, starts_at=starts, at=LATER)
    relationship.mark_session_missed(MENTEE, S1, [MENTOR], starts)
    events = drain(relationship)
    assert names(events)[-1] == "SessionMissed"
    assert events[-1].missed_by == [str(MENTOR)]
    assert relationship.sessions[str(S1)]["state"] == "missed"
    assert relationship.sessions[str(S1)]["missed_by"] == [str(MENTOR)]
    assert relationship.held_count == 0


def test_a_no_show_before_the_session_time_is_refused():
    relationship = active()
    starts = LATER + timedelta(days=1)
    schedule(relationship, 1, starts_at=starts, at=LATER)
    refused(relationship, "session-not-started",
            lambda: relationship.mark_session_missed(MENTEE, S1, [MENTOR], starts - timedelta(seconds=1)))


def test_a_missed_session_cannot_be_missed_again_or_held():
    relationship = active()
    starts = LATER + timedelta(days=1)
    schedule(relationship, 1, starts_at=starts, at=LATER)
    relationship.mark_session_missed(MENTEE, S1, [MENTOR], starts)
    refused(relationship, "session-not-scheduled",
            lambda: relationship.mark_session_missed(MENTOR, S1, [MENTEE], starts))
    refused(relationship, "session-not-scheduled",
            lambda: relationship.mark_session_held(MENTOR, S1, 60, [], {}, starts))


def test_marking_an_unknown_session_missed_is_refused():
    relationship = active()
    refused(relationship, "unknown-session", lambda: relationship.mark_session_missed(MENTEE, S1, [MENTOR], LATER))


def test_a_no_show_is_recorded_only_against_people_in_the_relationship():
    relationship = active()
    starts = LATER + timedelta(days=1)
    schedule(relationship, 1, starts_at=starts, at=LATER)
    drain(relationship)
    with pytest.raises(RuleViolated) as refusal:
        relationship.mark_session_missed(MENTEE, S1, [STRANGER], starts)
    assert refusal.value.kind.endswith("not-a-party")
    assert relationship.collect_events() == []


# --- private notes ---------------------------------------------------------------------------

def test_a_private_note_keeps_only_the_sealed_text_and_its_author():
    relationship = active()
    sid = hold(relationship)
    relationship.add_private_note(MENTEE, sid, "sealed:abc", LATER + timedelta(days=2))
    events = drain(relationship)
    assert names(events)[-1] == "PrivateNoteAdded"
    assert (events[-1].author, events[-1].note_ciphertext) == (MENTEE, "sealed:abc")
    assert relationship.private_notes == [{"session_id": str(sid), "author": str(MENTEE),
                                           "note_ciphertext": "sealed:abc"}]


def test_notes_may_be_added_to_a_scheduled_session_and_after_the_close():
    relationship = active()
    schedule(relationship, 1, at=LATER)
    relationship.add_private_note(MENTOR, S1, "sealed:prep", LATER)
    relationship.close(MENTEE, "completed", "done", LATER)
    relationship.add_private_note(MENTEE, S1, "sealed:after", LATER)
    assert [n["note_ciphertext"] for n in relationship.private_notes] == ["sealed:prep", "sealed:after"]


def test_a_note_on_an_unknown_session_is_refused():
    relationship = active()
    refused(relationship, "unknown-session", lambda: relationship.add_private_note(MENTEE, S1, "sealed", LATER))
    assert relationship.private_notes == []


# --- check-ins -----------------------------------------------------------------------------------

def test_a_check_in_records_the_ratings_and_the_sealed_comment():
    relationship = active()
    relationship.record_check_in(MENTEE, 4, 2, "sealed:comment", LATER)
    relationship.record_check_in(MENTOR, 5, 5, None, LATER)
    events = drain(relationship)
    assert names(events) == ["CheckInRecorded", "CheckInRecorded"]
    assert relationship.check_ins == [
        {"by": str(MENTEE), "fit": 4, "progress": 2, "comment_ciphertext": "sealed:comment"},
        {"by": str(MENTOR), "fit": 5, "progress": 5, "comment_ciphertext": None}]


@pytest.mark.parametrize("fit, progress", [(1, 1), (5, 5), (1, 5), (3, 3)])
def test_check_in_ratings_from_one_to_five_are_accepted(fit, progress):
    relationship = active()
    relationship.record_check_in(MENTEE, fit, progress, None, LATER)
    assert relationship.check_ins[-1]["fit"] == fit and relationship.check_ins[-1]["progress"] == progress


@pytest.mark.parametrize("fit, progress", [(0, 3), (6, 3), (3, 0), (3, 6), (-1, 9)])
def test_check_in_ratings_outside_one_to_five_are_refused(fit, progress):
    relationship = active()
    refused(relationship, "rating-out-of-range",
            lambda: relationship.record_check_in(MENTEE, fit, progress, None, LATER))
    assert relationship.check_ins == []


def test_check_ins_are_taken_while_forming_and_paused():
    relationship = forming()
    relationship.record_check_in(MENTEE, 3, 3, None, STARTED)
    relationship = paused()
    relationship.record_check_in(MENTOR, 2, 2, None, LATER)
    assert len(relationship.check_ins) == 1


def test_a_closed_relationship_takes_no_check_in():
    relationship = closed()
    refused(relationship, "relationship-closed", lambda: relationship.record_check_in(MENTEE, 3, 3, None, LATER))


def test_a_closed_relationship_refuses_even_an_out_of_range_check_in_as_closed():
    relationship = closed()
    refused(relationship, "relationship-closed", lambda: relationship.record_check_in(MENTEE, 9, 9, None, LATER))


def test_activation_is_required_for_sessions_even_with_the_earliest_valid_time():
    relationship = forming()
    agree(relationship)
    refused(relationship, "relationship-not-active", lambda: relationship.schedule_session(
        MENTEE, S1, ACTIVATED, 60, "video", "", STARTED))
