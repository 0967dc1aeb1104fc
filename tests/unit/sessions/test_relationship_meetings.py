"""Sessions, notes, check-ins and the pairing-fit question."""

from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from shared.errors import RuleViolated
from tests.unit.sessions.relationship_builders import (
    refused,
    MENTEE, MENTOR, START, STRANGER, active, agreed, forming, with_held_session,
)



def test_scheduling_before_activation_is_refused_naming_what_is_missing():
    relationship = agreed(forming())
    relationship.collect_events()
    with pytest.raises(RuleViolated) as refusal:
        relationship.schedule_session(MENTEE, uuid4(), START + timedelta(days=1), 60, "video", "", START)
    assert refusal.value.kind == "relationship-not-active"
    assert "ground rules acknowledged by" in refusal.value.detail
    assert relationship.collect_events() == []


def test_a_session_must_be_scheduled_in_the_future():
    relationship = active()
    refused(relationship, "session-in-the-past",
            lambda: relationship.schedule_session(MENTEE, uuid4(), START - timedelta(hours=1), 60, "video", "", START))


def test_cancelling_with_less_notice_than_the_ground_rules_ask_is_recorded_as_late():
    relationship = active(notice_hours=24)
    session = uuid4()
    relationship.schedule_session(MENTEE, session, START + timedelta(hours=5), 60, "video", "", START)
    relationship.cancel_session(MENTOR, session, START)
    cancelled = relationship.collect_events()[-1]
    assert (cancelled.late, cancelled.notice_hours) == (True, 5.0)


def test_cancelling_with_enough_notice_is_not_late():
    relationship = active(notice_hours=24)
    session = uuid4()
    relationship.schedule_session(MENTEE, session, START + timedelta(days=3), 60, "video", "", START)
    relationship.cancel_session(MENTEE, session, START)
    assert relationship.collect_events()[-1].late is False


def test_a_held_session_records_what_each_person_learned():
    relationship = active()
    session = uuid4()
    relationship.schedule_session(MENTEE, session, START + timedelta(days=1), 60, "video", "", START)
    learned = {str(MENTEE): ["opening with a story"], str(MENTOR): ["pivot tables"]}
    relationship.mark_session_held(MENTOR, session, 50, [0, 1], learned, START + timedelta(days=1))
    assert relationship.sessions[str(session)]["learned"] == learned
    assert relationship.held_count == 1


def test_what_was_learned_is_recorded_only_for_the_people_in_the_relationship():
    relationship = active()
    session = uuid4()
    relationship.schedule_session(MENTEE, session, START + timedelta(days=1), 60, "video", "", START)
    relationship.collect_events()
    after = START + timedelta(days=1, hours=1)
    refused(relationship, "learner-not-a-party", lambda: relationship.mark_session_held(
        MENTOR, session, 50, [0], {str(STRANGER): ["x"]}, after))
    refused(relationship, "unknown-goal", lambda: relationship.mark_session_held(MENTOR, session, 50, [7], {}, after))


def test_a_session_held_or_cancelled_cannot_change_again():
    relationship = active()
    session = with_held_session(relationship)
    relationship.collect_events()
    refused(relationship, "session-not-scheduled", lambda: relationship.cancel_session(MENTEE, session, START))


def test_a_no_show_is_recorded_only_once_the_session_time_came():
    relationship = active()
    session = uuid4()
    relationship.schedule_session(MENTEE, session, START + timedelta(days=1), 60, "video", "", START)
    relationship.collect_events()
    refused(relationship, "session-not-started",
            lambda: relationship.mark_session_missed(MENTEE, session, [MENTOR], START))
    relationship.mark_session_missed(MENTEE, session, [MENTOR], START + timedelta(days=1, minutes=20))
    assert relationship.sessions[str(session)]["missed_by"] == [str(MENTOR)]


def test_private_notes_keep_only_sealed_text_and_the_author():
    relationship = active()
    session = with_held_session(relationship)
    relationship.add_private_note(MENTEE, UUID(session), "sealed-bytes", START)
    assert relationship.private_notes[-1] == {"session_id": session, "author": str(MENTEE),
                                              "note_ciphertext": "sealed-bytes"}


def test_check_in_ratings_are_one_to_five():
    relationship = active()
    refused(relationship, "rating-out-of-range", lambda: relationship.record_check_in(MENTEE, 6, 3, None, START))
    relationship.record_check_in(MENTEE, 5, 1, None, START)
    assert relationship.check_ins[-1]["fit"] == 5


def test_the_pairing_fit_question_comes_after_the_first_held_session():
    relationship = active()
    refused(relationship, "too-early-for-fit", lambda: relationship.report_pairing_fit(MENTEE, "good_fit", START))
    with_held_session(relationship)
    relationship.report_pairing_fit(MENTEE, "still_deciding", START)
    assert relationship.fit_reports == {str(MENTEE): "still_deciding"}


def test_ending_for_no_fit_needs_someone_to_have_said_not_a_good_fit():
    relationship = active()
    with_held_session(relationship)
    relationship.report_pairing_fit(MENTEE, "good_fit", START)
    relationship.collect_events()
    refused(relationship, "fit-not-reported", lambda: relationship.end_for_no_fit(MENTEE, True, START))


def test_not_a_good_fit_lets_either_person_end_with_a_rematch_request():
    relationship = active()
    with_held_session(relationship)
    relationship.report_pairing_fit(MENTOR, "not_a_good_fit", START)
    relationship.end_for_no_fit(MENTEE, rematch=True, at=START)
    names = [type(e).__name__ for e in relationship.collect_events()]
    assert names[-2:] == ["RelationshipClosed", "RematchRequested"]
    assert relationship.outcome == "no_fit"
