"""Durable timers: a session reminder, a stalled relationship, completion at the end.
Each fires only when due, and only once."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.unit.sessions.sessions_domain_kit import (
    ACTIVATED, LATER, MENTEE, MENTOR, STARTED, active, agree, closed, drain, forming, hold, names, paused, refused,
    schedule, session_id,
)

S1, S2 = session_id(1), session_id(2)
STARTS = LATER + timedelta(days=3)
END_DUE = datetime(2026, 6, 8, 0, 0, tzinfo=UTC)  # end date 2026-06-01 + 7 days of grace


# --- session reminders -------------------------------------------------------------------

@pytest.mark.parametrize("before_start, due", [
    (timedelta(days=2), False),
    (timedelta(hours=24, seconds=1), False),
    (timedelta(hours=24), True),
    (timedelta(hours=23), True),
    (timedelta(seconds=1), True),
    (timedelta(0), False),
    (-timedelta(hours=1), False),
])
def test_a_session_reminder_is_due_only_in_the_24_hours_before_it_starts(before_start, due):
    relationship = active()
    schedule(relationship, 1, starts_at=STARTS, at=LATER)
    assert relationship.sessions_due_a_reminder(STARTS - before_start) == ([str(S1)] if due else [])


def test_a_due_reminder_is_recorded_and_fires_only_once():
    relationship = active()
    schedule(relationship, 1, starts_at=STARTS, at=LATER)
    drain(relationship)
    relationship.remind_session(S1, STARTS - timedelta(hours=20))
    events = drain(relationship)
    assert names(events) == ["SessionReminderDue"]
    assert events[0].session_id == S1
    assert relationship.sessions[str(S1)]["reminded"] is True
    assert relationship.sessions_due_a_reminder(STARTS - timedelta(hours=1)) == []
    refused(relationship, "no-reminder-due", lambda: relationship.remind_session(S1, STARTS - timedelta(hours=1)))


def test_a_reminder_before_it_is_due_is_refused():
    relationship = active()
    schedule(relationship, 1, starts_at=STARTS, at=LATER)
    refused(relationship, "no-reminder-due", lambda: relationship.remind_session(S1, STARTS - timedelta(hours=25)))
    assert relationship.sessions[str(S1)]["reminded"] is False


def test_a_reminder_after_the_session_started_is_refused():
    relationship = active()
    schedule(relationship, 1, starts_at=STARTS, at=LATER)
    refused(relationship, "no-reminder-due", lambda: relationship.remind_session(S1, STARTS))


def test_a_reminder_for_an_unknown_session_is_refused():
    relationship = active()
    refused(relationship, "no-reminder-due", lambda: relationship.remind_session(S1, LATER))


def test_held_and_cancelled_sessions_get_no_reminder():
    relationship = active()
    held = hold(relationship, 1, at=LATER)
    schedule(relationship, 2, starts_at=STARTS, at=LATER)
    relationship.cancel_session(MENTEE, S2, LATER)
    assert relationship.sessions_due_a_reminder(LATER + timedelta(hours=12)) == []
    assert relationship.sessions_due_a_reminder(STARTS - timedelta(hours=1)) == []
    refused(relationship, "no-reminder-due", lambda: relationship.remind_session(S2, STARTS - timedelta(hours=1)))
    refused(relationship, "no-reminder-due", lambda: relationship.remind_session(held, LATER + timedelta(hours=12)))


def test_each_scheduled_session_gets_its_own_reminder():
    relationship = active()
    schedule(relationship, 1, starts_at=STARTS, at=LATER)
    schedule(relationship, 2, starts_at=STARTS + timedelta(hours=6), at=LATER)
    assert sorted(relationship.sessions_due_a_reminder(STARTS - timedelta(hours=2))) == sorted([str(S1), str(S2)])
    relationship.remind_session(S1, STARTS - timedelta(hours=2))
    assert relationship.sessions_due_a_reminder(STARTS - timedelta(hours=1)) == [str(S2)]


def test_a_rescheduled_session_is_reminded_again_before_its_new_time():
    relationship = active()
    schedule(relationship, 1, starts_at=STARTS, at=LATER)
    relationship.remind_session(S1, STARTS - timedelta(hours=5))
    moved = STARTS + timedelta(days=7)
    relationship.reschedule_session(MENTOR, S1, moved, STARTS - timedelta(hours=4))
    assert relationship.sessions_due_a_reminder(STARTS - timedelta(hours=3)) == [], "not yet due for the new time"
    assert relationship.sessions_due_a_reminder(moved - timedelta(hours=3)) == [str(S1)]
    relationship.remind_session(S1, moved - timedelta(hours=3))
    assert names(drain(relationship))[-1] == "SessionReminderDue"


def test_reminder_moments_are_a_day_before_each_unreminded_scheduled_session():
    relationship = active()
    schedule(relationship, 1, starts_at=STARTS, at=LATER)
    schedule(relationship, 2, starts_at=STARTS + timedelta(days=2), at=LATER)
    assert sorted(relationship.reminder_moments()) == [STARTS - timedelta(days=1), STARTS + timedelta(days=1)]
    relationship.remind_session(S1, STARTS - timedelta(hours=1))
    assert relationship.reminder_moments() == [STARTS + timedelta(days=1)]


def test_a_closed_relationship_sends_no_session_reminders():
    relationship = active()
    schedule(relationship, 1, starts_at=STARTS, at=LATER)
    relationship.close(MENTEE, "ended_early", "moved away", LATER)
    assert relationship.sessions_due_a_reminder(STARTS - timedelta(hours=2)) == []
    refused(relationship, "no-reminder-due", lambda: relationship.remind_session(S1, STARTS - timedelta(hours=2)))


# --- stalled relationships -----------------------------------------------------------------------

def test_an_active_relationship_is_stalled_after_twice_the_cadence_without_a_held_session():
    relationship = active(cadence_days=7)
    assert not relationship.is_stalled(ACTIVATED + timedelta(days=14) - timedelta(seconds=1))
    assert relationship.is_stalled(ACTIVATED + timedelta(days=14))
    assert relationship.next_stall_moment() == ACTIVATED + timedelta(days=14)


def test_the_quiet_spell_scales_with_the_cadence():
    relationship = active(cadence_days=14)
    assert not relationship.is_stalled(ACTIVATED + timedelta(days=27))
    assert relationship.is_stalled(ACTIVATED + timedelta(days=28))


def test_scheduled_cancelled_or_missed_sessions_do_not_keep_a_relationship_from_stalling():
    relationship = active(cadence_days=7)
    schedule(relationship, 1, starts_at=LATER + timedelta(days=1), at=LATER)
    schedule(relationship, 2, starts_at=LATER + timedelta(days=2), at=LATER)
    relationship.cancel_session(MENTEE, S1, LATER)
    relationship.mark_session_missed(MENTEE, S2, [MENTOR], LATER + timedelta(days=2))
    assert relationship.is_stalled(ACTIVATED + timedelta(days=14))


def test_marking_stalled_records_when_and_since_when_it_was_quiet():
    relationship = active(cadence_days=7)
    at = ACTIVATED + timedelta(days=15)
    relationship.mark_stalled(at)
    events = drain(relationship)
    assert names(events) == ["RelationshipStalled"]
    assert (events[0].stalled_at, events[0].quiet_since) == (at, ACTIVATED)
    assert relationship.stalled_at == at


def test_a_stall_is_reported_only_once_per_quiet_spell():
    relationship = active(cadence_days=7)
    relationship.mark_stalled(ACTIVATED + timedelta(days=14))
    assert not relationship.is_stalled(ACTIVATED + timedelta(days=60))
    assert relationship.next_stall_moment() is None
    refused(relationship, "not-stalled", lambda: relationship.mark_stalled(ACTIVATED + timedelta(days=60)))


def test_a_held_session_starts_a_new_quiet_spell_that_can_stall_again():
    relationship = active(cadence_days=7)
    relationship.mark_stalled(ACTIVATED + timedelta(days=14))
    hold(relationship, 1, at=ACTIVATED + timedelta(days=20))
    held_at = ACTIVATED + timedelta(days=21)
    assert relationship.stall_reference() == held_at
    assert relationship.next_stall_moment() == held_at + timedelta(days=14)
    assert not relationship.is_stalled(held_at + timedelta(days=13))
    assert relationship.is_stalled(held_at + timedelta(days=14))
    relationship.mark_stalled(held_at + timedelta(days=14))
    assert drain(relationship)[-1].quiet_since == held_at


def test_a_held_session_within_twice_the_cadence_keeps_the_relationship_from_stalling():
    relationship = active(cadence_days=7)
    hold(relationship, 1, at=ACTIVATED + timedelta(days=10))
    assert not relationship.is_stalled(ACTIVATED + timedelta(days=14))
    refused(relationship, "not-stalled", lambda: relationship.mark_stalled(ACTIVATED + timedelta(days=14)))


def test_the_latest_held_session_is_the_reference_for_a_quiet_spell():
    relationship = active(cadence_days=7)
    hold(relationship, 1, at=ACTIVATED)
    hold(relationship, 2, at=ACTIVATED + timedelta(days=5))
    assert relationship.stall_reference() == ACTIVATED + timedelta(days=6)


def test_marking_stalled_too_early_is_refused():
    relationship = active(cadence_days=7)
    refused(relationship, "not-stalled", lambda: relationship.mark_stalled(ACTIVATED + timedelta(days=13)))
    assert relationship.stalled_at is None


@pytest.mark.parametrize("state", ["forming", "paused", "closed"])
def test_only_an_active_relationship_stalls(state):
    relationship = {"forming": forming, "paused": paused, "closed": closed}[state]()
    far = STARTED + timedelta(days=365)
    assert not relationship.is_stalled(far)
    assert relationship.next_stall_moment() is None
    refused(relationship, "not-stalled", lambda: relationship.mark_stalled(far))


# --- completion at the end ------------------------------------------------------------------------

def test_a_relationship_does_not_complete_before_the_end_date_plus_seven_days():
    relationship = active()
    refusal = refused(relationship, "not-yet-at-end",
                      lambda: relationship.complete_at_end(END_DUE - timedelta(seconds=1)))
    assert "2026-06-01" in refusal.detail
    refused(relationship, "not-yet-at-end", lambda: relationship.complete_at_end(datetime(2026, 6, 1, tzinfo=UTC)))
    assert relationship.status == "active"


def test_a_relationship_completes_itself_once_the_grace_after_the_end_date_passed():
    relationship = active()
    relationship.complete_at_end(END_DUE)
    events = drain(relationship)
    assert names(events) == ["RelationshipClosed"]
    assert (events[0].by, events[0].outcome, events[0].reason, events[0].closed_at) == (
        None, "completed", "end date reached", END_DUE)
    assert (relationship.status, relationship.outcome, relationship.closed_at) == ("closed", "completed", END_DUE)


def test_completion_at_the_end_happens_only_once():
    relationship = active()
    relationship.complete_at_end(END_DUE)
    refused(relationship, "relationship-not-running", lambda: relationship.complete_at_end(END_DUE + timedelta(days=1)))


def test_a_paused_relationship_completes_at_its_end():
    relationship = paused()
    relationship.complete_at_end(END_DUE)
    assert (relationship.status, relationship.outcome) == ("closed", "completed")


def test_a_forming_relationship_never_completes_at_its_end():
    relationship = forming()
    refused(relationship, "relationship-not-running", lambda: relationship.complete_at_end(END_DUE.replace(year=2030)))


def test_a_relationship_closed_early_does_not_complete_at_its_end():
    relationship = closed("ended_early")
    refused(relationship, "relationship-not-running", lambda: relationship.complete_at_end(END_DUE))
    assert relationship.outcome == "ended_early"


def test_extending_the_end_date_by_amendment_postpones_completion():
    relationship = active()
    agree(relationship, {"end_date": "2026-09-01"}, at=LATER)
    refused(relationship, "not-yet-at-end", lambda: relationship.complete_at_end(END_DUE))
    relationship.complete_at_end(datetime(2026, 9, 8, tzinfo=UTC))
    assert relationship.status == "closed"


def test_an_amendment_not_yet_signed_by_everyone_does_not_postpone_completion():
    relationship = active()
    version = relationship.propose_agreement(MENTOR, {"end_date": "2026-09-01"}, LATER)
    relationship.sign_agreement(MENTOR, version, LATER)
    relationship.complete_at_end(END_DUE)
    assert relationship.status == "closed"


def test_without_an_agreed_end_date_the_relationship_runs_for_its_length_in_weeks():
    relationship = forming(length_weeks=12)
    agree(relationship, {"cadence_days": 7})
    relationship.acknowledge_ground_rules(MENTEE, STARTED)
    relationship.acknowledge_ground_rules(MENTOR, STARTED)
    due = datetime(2026, 5, 25, tzinfo=UTC) + timedelta(days=7)
    refused(relationship, "not-yet-at-end", lambda: relationship.complete_at_end(due - timedelta(seconds=1)))
    relationship.complete_at_end(due)
    assert relationship.outcome == "completed"


# --- the next timer ----------------------------------------------------------------------------------

def test_the_next_timer_of_a_quiet_active_relationship_is_its_stall():
    relationship = active(cadence_days=7)
    assert relationship.next_timer_due() == ACTIVATED + timedelta(days=14)


def test_the_next_timer_is_the_earliest_reminder_when_one_comes_first():
    relationship = active(cadence_days=7)
    schedule(relationship, 1, starts_at=STARTS, at=LATER)
    assert relationship.next_timer_due() == STARTS - timedelta(hours=24)


def test_the_next_timer_is_the_end_when_it_comes_before_any_stall():
    relationship = active(cadence_days=90)
    assert relationship.next_timer_due() == END_DUE


def test_the_next_timer_of_a_stalled_relationship_skips_the_stall_already_reported():
    relationship = active(cadence_days=7)
    relationship.mark_stalled(ACTIVATED + timedelta(days=14))
    assert relationship.next_timer_due() == END_DUE


def test_a_paused_relationship_waits_only_for_reminders_and_its_end():
    relationship = active(cadence_days=7)
    relationship.pause(MENTEE, "ill", LATER)
    assert relationship.next_timer_due() == END_DUE


@pytest.mark.parametrize("state", ["forming", "closed"])
def test_a_forming_or_closed_relationship_has_no_timer(state):
    relationship = {"forming": forming, "closed": closed}[state]()
    assert relationship.next_timer_due() is None
