"""The timer functions read state and a moment, record nothing, and agree with the
aggregate's own timer commands: what they call due fires once, then is no longer due."""

from datetime import UTC, datetime, timedelta

from services.sessions.domain import timers
from tests.unit.sessions.sessions_domain_kit import (
    ACTIVATED, LATER, MENTEE, MENTOR, active, closed, drain, forming, hold, names, refused, schedule, session_id,
)

S1, S2 = session_id(1), session_id(2)
STARTS = LATER + timedelta(days=2)
END_DUE = datetime(2026, 6, 8, tzinfo=UTC)  # end date 2026-06-01 plus seven days' grace


def fire(relationship, due):
    """What the service's ticker does with each due timer."""
    for timer in due:
        if timer.kind == "session_reminder":
            relationship.remind_session(timer.session_id, timer.due_at)
        elif timer.kind == "stalled":
            relationship.mark_stalled(timer.due_at)
        else:
            relationship.complete_at_end(timer.due_at)


def test_asking_what_is_due_records_nothing():
    relationship = active(cadence_days=7)
    schedule(relationship, 1, starts_at=STARTS, at=LATER)
    drain(relationship)
    assert timers.due_timers(relationship, END_DUE)
    assert relationship.collect_events() == []


def test_nothing_is_due_right_after_activation():
    relationship = active(cadence_days=7)
    assert timers.due_timers(relationship, ACTIVATED) == []
    assert relationship.due_timers(ACTIVATED + timedelta(days=13)) == []


def test_a_reminder_is_due_a_day_before_its_session_and_names_it():
    relationship = active(cadence_days=30)
    schedule(relationship, 1, starts_at=STARTS, at=LATER)
    assert timers.due_timers(relationship, STARTS - timedelta(hours=25)) == []
    assert timers.due_timers(relationship, STARTS - timedelta(hours=3)) == [
        timers.DueTimer("session_reminder", STARTS - timedelta(hours=24), S1)]


def test_firing_everything_due_records_each_timer_once_and_then_nothing_is_due():
    relationship = active(cadence_days=7)
    schedule(relationship, 1, starts_at=STARTS, at=LATER)
    drain(relationship)
    now = STARTS - timedelta(hours=1)
    due = timers.due_timers(relationship, now)
    assert [t.kind for t in due] == ["session_reminder"]
    fire(relationship, due)
    assert names(drain(relationship)) == ["SessionReminderDue"]
    assert timers.due_timers(relationship, now) == []
    refused(relationship, "no-reminder-due", lambda: relationship.remind_session(S1, now))


def test_at_the_end_the_stall_and_the_completion_are_both_due_and_each_fires_once():
    relationship = active(cadence_days=7)
    due = timers.due_timers(relationship, END_DUE)
    assert [(t.kind, t.due_at) for t in due] == [("stalled", ACTIVATED + timedelta(days=14)),
                                                 ("completion", END_DUE)]
    fire(relationship, due)
    assert names(drain(relationship)) == ["RelationshipStalled", "RelationshipClosed"]
    assert timers.due_timers(relationship, END_DUE + timedelta(days=100)) == []
    refused(relationship, "relationship-not-running", lambda: relationship.complete_at_end(END_DUE))
    refused(relationship, "not-stalled", lambda: relationship.mark_stalled(END_DUE))


def test_the_next_timer_is_the_earliest_due_moment_or_none():
    relationship = active(cadence_days=7)
    assert timers.next_timer_at(relationship) == ACTIVATED + timedelta(days=14)
    schedule(relationship, 1, starts_at=STARTS, at=LATER)
    assert timers.next_timer_at(relationship) == STARTS - timedelta(hours=24)
    assert timers.next_timer_at(forming()) is None
    assert timers.next_timer_at(closed()) is None


def test_a_closed_relationship_has_no_reminder_moments_for_its_leftover_sessions():
    relationship = active()
    schedule(relationship, 1, starts_at=STARTS, at=LATER)
    relationship.close(MENTOR, "ended_early", "moved", LATER)
    assert timers.reminder_moments(relationship) == []
    assert timers.sessions_due_a_reminder(relationship, STARTS - timedelta(hours=1)) == []


# --- an agreed pause is not a stall -----------------------------------------------------------

def test_a_quiet_spell_starts_again_when_the_relationship_resumes():
    relationship = active(cadence_days=7)
    relationship.pause(MENTEE, "exams", ACTIVATED + timedelta(days=3))
    resumed = ACTIVATED + timedelta(days=30)
    relationship.resume(MENTEE, resumed)
    assert timers.quiet_since(relationship) == resumed
    assert not relationship.is_stalled(resumed + timedelta(days=1)), "no stall the moment it resumes"
    assert relationship.next_stall_moment() == resumed + timedelta(days=14)
    assert relationship.is_stalled(resumed + timedelta(days=14))


def test_a_relationship_stalled_before_its_pause_can_stall_again_after_resuming():
    relationship = active(cadence_days=7)
    relationship.mark_stalled(ACTIVATED + timedelta(days=14))
    relationship.pause(MENTOR, "travel", ACTIVATED + timedelta(days=15))
    resumed = ACTIVATED + timedelta(days=20)
    relationship.resume(MENTOR, resumed)
    assert relationship.next_stall_moment() == resumed + timedelta(days=14)
    relationship.mark_stalled(resumed + timedelta(days=14))
    assert names(drain(relationship))[-1] == "RelationshipStalled"


def test_a_session_held_after_resuming_is_the_later_reference():
    relationship = active(cadence_days=7)
    relationship.pause(MENTOR, "travel", ACTIVATED)
    relationship.resume(MENTOR, LATER)
    hold(relationship, at=LATER + timedelta(days=2))
    held_at = LATER + timedelta(days=3)
    assert timers.quiet_since(relationship) == held_at


def test_the_resumption_moment_is_recorded_in_the_event():
    relationship = active()
    relationship.pause(MENTEE, "exams", LATER)
    relationship.resume(MENTEE, LATER + timedelta(days=5))
    resumed = drain(relationship)[-1]
    assert (resumed.by, resumed.resumed_at) == (MENTEE, LATER + timedelta(days=5))
    assert relationship.resumed_at == LATER + timedelta(days=5)
