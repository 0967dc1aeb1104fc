"""Durable timers: each fires only when due, and only once."""

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from shared.errors import RuleViolated
from tests.unit.sessions.relationship_builders import MENTEE, START, active, with_held_session


def test_a_session_reminder_is_due_in_the_day_before_it_and_fires_once():
    relationship = active()
    session = uuid4()
    starts = START + timedelta(days=3)
    relationship.schedule_session(MENTEE, session, starts, 60, "video", "", START)
    assert relationship.sessions_due_a_reminder(starts - timedelta(hours=25)) == []
    assert relationship.sessions_due_a_reminder(starts - timedelta(hours=23)) == [str(session)]
    relationship.remind_session(session, starts - timedelta(hours=23))
    assert relationship.sessions_due_a_reminder(starts - timedelta(hours=1)) == []
    with pytest.raises(RuleViolated):
        relationship.remind_session(session, starts - timedelta(hours=1))


def test_a_relationship_stalls_after_twice_the_cadence_without_a_held_session_once_per_quiet_spell():
    relationship = active(cadence_days=7)
    activated = relationship.activated_at
    assert not relationship.is_stalled(activated + timedelta(days=13))
    assert relationship.is_stalled(activated + timedelta(days=14))
    relationship.mark_stalled(activated + timedelta(days=14))
    assert not relationship.is_stalled(activated + timedelta(days=30)), "reported once for this quiet spell"
    held_at = activated + timedelta(days=31)
    with_held_session(relationship, at=held_at - timedelta(days=1))
    assert not relationship.is_stalled(held_at + timedelta(days=13))
    assert relationship.is_stalled(held_at + timedelta(days=14)), "a new quiet spell after a held session"


def test_marking_stalled_when_sessions_happen_is_refused():
    relationship = active(cadence_days=7)
    with pytest.raises(RuleViolated) as refusal:
        relationship.mark_stalled(relationship.activated_at + timedelta(days=1))
    assert refusal.value.kind == "not-stalled"


def test_a_relationship_completes_itself_only_after_the_end_date_and_the_grace_period():
    relationship = active()  # agreement end date 2026-06-01
    with pytest.raises(RuleViolated) as early:
        relationship.complete_at_end(datetime(2026, 6, 7, tzinfo=UTC))
    assert early.value.kind == "not-yet-at-end"
    relationship.complete_at_end(datetime(2026, 6, 8, tzinfo=UTC))
    assert (relationship.status, relationship.outcome) == ("closed", "completed")


def test_extending_the_end_date_by_amendment_postpones_completion():
    relationship = active()
    version = relationship.propose_agreement(MENTEE, {"end_date": "2026-09-01"}, START)
    for person in relationship.party_ids:
        relationship.sign_agreement(person, version, START)
    with pytest.raises(RuleViolated):
        relationship.complete_at_end(datetime(2026, 6, 8, tzinfo=UTC))
    assert relationship.status == "active"


def test_session_ids_in_reminders_are_the_scheduled_ones():
    relationship = active()
    session = UUID(with_held_session(relationship))
    assert relationship.sessions_due_a_reminder(START) == [], f"{session} was held, nothing to remind"


def test_the_next_timer_is_the_earliest_of_reminder_stall_and_end():
    relationship = active(cadence_days=7)
    activated = relationship.activated_at
    assert relationship.next_timer_due() == activated + timedelta(days=14), "the stall comes first"
    session = uuid4()
    starts = activated + timedelta(days=3)
    relationship.schedule_session(MENTEE, session, starts, 60, "video", "", activated)
    assert relationship.next_timer_due() == starts - timedelta(hours=24)
    relationship.close(MENTEE, "completed", "done", activated)
    assert relationship.next_timer_due() is None
