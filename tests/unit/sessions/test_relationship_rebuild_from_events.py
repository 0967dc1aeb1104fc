"""A relationship is exactly what its recorded events make it: replaying them, in
order, from nothing rebuilds the same state at every step of its life."""

import copy
from datetime import timedelta

import pytest

from services.sessions.domain.relationship import Relationship
from tests.unit.sessions.sessions_domain_kit import (
    ACTIVATED, LATER, MENTEE, MENTOR, STARTED, drain, forming, names, replay, session_id,
)

S1, S2, S3 = session_id(1), session_id(2), session_id(3)

STATE = ("id", "program_id", "organization_id", "format", "parties", "goals", "cadence_days", "length_weeks",
         "ground_rules", "started_at", "status", "agreements", "agreement_in_force", "added_rules",
         "acknowledged_by", "activated_at", "sessions", "check_ins", "fit_reports", "private_notes", "stalled_at",
         "outcome", "closed_at", "reflections", "paid_forward", "held_count", "version", "end_date")


def snapshot(relationship: Relationship) -> dict:
    return copy.deepcopy({name: getattr(relationship, name) for name in STATE})


D = timedelta(days=1)
COMPLETED_LIFE = [
    lambda r: r.propose_agreement(MENTEE, {"end_date": "2026-06-01"}, STARTED),
    lambda r: r.sign_agreement(MENTEE, 1, STARTED),
    lambda r: r.add_ground_rule(MENTOR, "phones away", STARTED),
    lambda r: r.acknowledge_ground_rules(MENTEE, STARTED),
    lambda r: r.sign_agreement(MENTOR, 1, STARTED),
    lambda r: r.acknowledge_ground_rules(MENTOR, ACTIVATED),
    lambda r: r.schedule_session(MENTEE, S1, LATER + D, 60, "video", "intro", LATER),
    lambda r: r.remind_session(S1, LATER + timedelta(hours=2)),
    lambda r: r.reschedule_session(MENTOR, S1, LATER + 2 * D, LATER + timedelta(hours=3)),
    lambda r: r.mark_session_held(MENTOR, S1, 55, [0, 1], {str(MENTEE): ["a"], str(MENTOR): ["b"]}, LATER + 2 * D),
    lambda r: r.add_private_note(MENTEE, S1, "sealed-note", LATER + 2 * D),
    lambda r: r.record_check_in(MENTEE, 4, 3, "sealed-comment", LATER + 2 * D),
    lambda r: r.report_pairing_fit(MENTOR, "good_fit", LATER + 2 * D),
    lambda r: r.schedule_session(MENTEE, S2, LATER + 5 * D, 60, "phone", "", LATER + 3 * D),
    lambda r: r.cancel_session(MENTOR, S2, LATER + 5 * D - timedelta(hours=2)),
    lambda r: r.schedule_session(MENTEE, S3, LATER + 6 * D, 60, "phone", "", LATER + 3 * D),
    lambda r: r.mark_session_missed(MENTEE, S3, [MENTOR], LATER + 6 * D),
    lambda r: r.mark_stalled(LATER + 2 * D + 14 * D),
    lambda r: r.pause(MENTEE, "exams", LATER + 20 * D),
    lambda r: r.propose_agreement(MENTOR, {"end_date": "2026-07-01"}, LATER + 21 * D),
    lambda r: r.sign_agreement(MENTOR, 2, LATER + 21 * D),
    lambda r: r.resume(MENTEE, LATER + 22 * D),
    lambda r: r.sign_agreement(MENTEE, 2, LATER + 23 * D),
    lambda r: r.close(MENTOR, "completed", "done", LATER + 60 * D),
    lambda r: r.record_reflection(MENTEE, "sealed-reflection", {"0": "met", "1": "partly"}, LATER + 61 * D),
    lambda r: r.offer_to_pay_it_forward(MENTEE, LATER + 61 * D),
]

NO_FIT_LIFE = [
    lambda r: r.propose_agreement(MENTOR, {"end_date": "2026-06-01"}, STARTED),
    lambda r: r.sign_agreement(MENTEE, 1, STARTED),
    lambda r: r.sign_agreement(MENTOR, 1, STARTED),
    lambda r: r.acknowledge_ground_rules(MENTEE, STARTED),
    lambda r: r.acknowledge_ground_rules(MENTOR, ACTIVATED),
    lambda r: r.schedule_session(MENTEE, S1, LATER + D, 60, "video", "", LATER),
    lambda r: r.mark_session_held(MENTEE, S1, 30, [], {}, LATER + D),
    lambda r: r.report_pairing_fit(MENTEE, "not_a_good_fit", LATER + D),
    lambda r: r.end_for_no_fit(MENTEE, True, LATER + D),
]

END_OF_TERM_LIFE = [
    lambda r: r.acknowledge_ground_rules(MENTOR, STARTED),
    lambda r: r.acknowledge_ground_rules(MENTEE, STARTED),
    lambda r: r.propose_agreement(MENTOR, {"cadence_days": 7}, STARTED),
    lambda r: r.sign_agreement(MENTOR, 1, STARTED),
    lambda r: r.sign_agreement(MENTEE, 1, ACTIVATED),
    lambda r: r.complete_at_end(ACTIVATED + 200 * D),
]

LIVES = {"completed": COMPLETED_LIFE, "no_fit": NO_FIT_LIFE, "end_of_term": END_OF_TERM_LIFE}


def live(steps):
    relationship = forming()
    snapshots = [(len(relationship.history), snapshot(relationship))]
    for step in steps:
        step(relationship)
        drain(relationship)
        snapshots.append((len(relationship.history), snapshot(relationship)))
    return relationship, snapshots


@pytest.mark.parametrize("life", sorted(LIVES))
def test_replaying_all_recorded_events_rebuilds_the_same_relationship(life):
    relationship, _ = live(LIVES[life])
    rebuilt = replay(relationship.history)
    assert isinstance(rebuilt, Relationship)
    assert (rebuilt.status, rebuilt.agreement_in_force, rebuilt.held_count) == (
        relationship.status, relationship.agreement_in_force, relationship.held_count)
    assert snapshot(rebuilt) == snapshot(relationship)


@pytest.mark.parametrize("life", sorted(LIVES))
def test_replaying_the_events_up_to_any_moment_rebuilds_the_state_at_that_moment(life):
    _, snapshots = live(LIVES[life])
    relationship, _ = live(LIVES[life])
    for count, expected in snapshots:
        assert snapshot(replay(relationship.history[:count])) == expected


def test_the_completed_life_ends_where_expected():
    relationship, _ = live(COMPLETED_LIFE)
    rebuilt = replay(relationship.history)
    assert (rebuilt.status, rebuilt.outcome, rebuilt.agreement_in_force, rebuilt.held_count) == (
        "closed", "completed", 2, 1)
    assert rebuilt.paid_forward == [str(MENTEE)]
    assert {s["state"] for s in rebuilt.sessions.values()} == {"held", "cancelled", "missed"}


def test_a_replayed_mid_amendment_relationship_keeps_the_earlier_version_in_force():
    relationship, _ = live(COMPLETED_LIFE[:21])  # version 2 proposed and signed by the mentor only
    rebuilt = replay(relationship.history)
    assert (rebuilt.status, rebuilt.agreement_in_force) == ("paused", 1)
    assert rebuilt.agreements[1]["signed_by"] == [str(MENTOR)]
    assert rebuilt.end_date.isoformat() == "2026-06-01"


def test_a_rebuilt_relationship_goes_on_taking_commands_like_the_original():
    relationship, _ = live(COMPLETED_LIFE[:21])
    rebuilt = replay(relationship.history)
    for r in (relationship, rebuilt):
        r.resume(MENTEE, LATER + 22 * D)
        r.sign_agreement(MENTEE, 2, LATER + 23 * D)
    assert names(relationship.collect_events()) == names(rebuilt.collect_events()) == [
        "RelationshipResumed", "AgreementSigned", "AgreementInEffect"]
    assert snapshot(rebuilt) == snapshot(relationship)


def test_a_rebuilt_relationship_has_the_same_timers():
    relationship, _ = live(COMPLETED_LIFE[:9])  # a rescheduled session awaiting its reminder
    rebuilt = replay(relationship.history)
    assert rebuilt.next_timer_due() == relationship.next_timer_due()
    moment = LATER + 2 * D - timedelta(hours=2)
    assert rebuilt.sessions_due_a_reminder(moment) == relationship.sessions_due_a_reminder(moment) == [str(S1)]


def test_two_replays_of_the_same_events_do_not_share_state():
    relationship, _ = live(COMPLETED_LIFE[:20])  # version 2 proposed, nobody signed it yet
    first, second = replay(relationship.history), replay(relationship.history)
    first.sign_agreement(MENTOR, 2, LATER + 21 * D)
    assert second.agreements[1]["signed_by"] == []
    assert relationship.agreements[1]["signed_by"] == []


def test_the_event_names_of_a_completed_life_are_recorded_in_order():
    relationship, _ = live(COMPLETED_LIFE)
    assert names(relationship.history) == [
        "RelationshipStarted", "AgreementProposed", "AgreementSigned", "GroundRuleAdded", "GroundRulesAcknowledged",
        "AgreementSigned", "AgreementInEffect", "GroundRulesAcknowledged", "RelationshipActivated",
        "SessionScheduled", "SessionReminderDue", "SessionRescheduled", "SessionHeld", "PrivateNoteAdded",
        "CheckInRecorded", "PairingFitReported", "SessionScheduled", "SessionCancelled", "SessionScheduled",
        "SessionMissed", "RelationshipStalled", "RelationshipPaused", "AgreementProposed", "AgreementSigned",
        "RelationshipResumed", "AgreementSigned", "AgreementInEffect", "RelationshipClosed", "ReflectionRecorded",
        "PayItForwardOffered"]
    assert [e.originator_version for e in relationship.history] == list(range(1, len(relationship.history) + 1))
