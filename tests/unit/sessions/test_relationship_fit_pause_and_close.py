"""The pairing-fit question, ending for no fit, pause and resume, closing,
reflections and paying it forward."""

from datetime import timedelta

import pytest

from tests.unit.sessions.sessions_domain_kit import (
    LATER, MENTEE, MENTOR, STARTED, active, closed, drain, forming, hold, names, paused, refused, schedule,
    session_id,
)


# --- the pairing-fit question ------------------------------------------------------------

def test_the_pairing_fit_question_is_refused_before_any_session_was_held():
    relationship = active()
    refused(relationship, "too-early-for-fit", lambda: relationship.report_pairing_fit(MENTEE, "good_fit", LATER))


def test_a_scheduled_cancelled_or_missed_session_is_not_enough_for_the_pairing_fit_question():
    relationship = active()
    schedule(relationship, 1, starts_at=LATER + timedelta(days=1), at=LATER)
    schedule(relationship, 2, starts_at=LATER + timedelta(days=2), at=LATER)
    schedule(relationship, 3, starts_at=LATER + timedelta(days=3), at=LATER)
    relationship.cancel_session(MENTEE, session_id(2), LATER)
    relationship.mark_session_missed(MENTOR, session_id(3), [MENTEE], LATER + timedelta(days=3))
    assert relationship.held_count == 0
    refused(relationship, "too-early-for-fit", lambda: relationship.report_pairing_fit(MENTOR, "good_fit", LATER))


def test_a_forming_relationship_has_no_pairing_fit_answer_yet():
    relationship = forming()
    refused(relationship, "too-early-for-fit", lambda: relationship.report_pairing_fit(MENTEE, "good_fit", STARTED))


@pytest.mark.parametrize("answer", ["good_fit", "still_deciding", "not_a_good_fit"])
def test_after_the_first_held_session_each_answer_is_recorded(answer):
    relationship = active()
    hold(relationship)
    relationship.report_pairing_fit(MENTOR, answer, LATER + timedelta(days=2))
    events = drain(relationship)
    assert names(events)[-1] == "PairingFitReported"
    assert (events[-1].by, events[-1].answer) == (MENTOR, answer)
    assert relationship.fit_reports == {str(MENTOR): answer}


def test_an_unknown_pairing_fit_answer_is_refused():
    relationship = active()
    hold(relationship)
    refused(relationship, "unknown-fit-answer", lambda: relationship.report_pairing_fit(MENTEE, "great", LATER))
    assert relationship.fit_reports == {}


def test_an_unknown_answer_is_refused_as_unknown_even_before_the_first_session():
    relationship = active()
    refused(relationship, "unknown-fit-answer", lambda: relationship.report_pairing_fit(MENTEE, "meh", LATER))


def test_each_person_answers_for_themself_and_a_later_answer_replaces_theirs():
    relationship = active()
    hold(relationship)
    relationship.report_pairing_fit(MENTEE, "still_deciding", LATER)
    relationship.report_pairing_fit(MENTOR, "good_fit", LATER)
    relationship.report_pairing_fit(MENTEE, "good_fit", LATER)
    assert relationship.fit_reports == {str(MENTEE): "good_fit", str(MENTOR): "good_fit"}


def test_a_paused_relationship_still_takes_the_pairing_fit_answer():
    relationship = active()
    hold(relationship)
    relationship.pause(MENTEE, "thinking", LATER)
    relationship.report_pairing_fit(MENTEE, "not_a_good_fit", LATER)
    assert relationship.fit_reports == {str(MENTEE): "not_a_good_fit"}


def test_a_closed_relationship_takes_no_pairing_fit_answer():
    relationship = active()
    hold(relationship)
    relationship.close(MENTEE, "completed", "done", LATER)
    refused(relationship, "relationship-closed", lambda: relationship.report_pairing_fit(MENTEE, "good_fit", LATER))


# --- ending for no fit ----------------------------------------------------------------------

def test_ending_for_no_fit_without_any_fit_report_is_refused():
    relationship = active()
    hold(relationship)
    refused(relationship, "fit-not-reported", lambda: relationship.end_for_no_fit(MENTEE, True, LATER))
    assert relationship.status == "active"


def test_ending_for_no_fit_after_only_good_or_undecided_answers_is_refused():
    relationship = active()
    hold(relationship)
    relationship.report_pairing_fit(MENTEE, "good_fit", LATER)
    relationship.report_pairing_fit(MENTOR, "still_deciding", LATER)
    refused(relationship, "fit-not-reported", lambda: relationship.end_for_no_fit(MENTOR, False, LATER))


def test_a_not_a_good_fit_answer_taken_back_no_longer_allows_ending_for_no_fit():
    relationship = active()
    hold(relationship)
    relationship.report_pairing_fit(MENTEE, "not_a_good_fit", LATER)
    relationship.report_pairing_fit(MENTEE, "good_fit", LATER)
    refused(relationship, "fit-not-reported", lambda: relationship.end_for_no_fit(MENTEE, True, LATER))


def test_not_a_good_fit_lets_either_person_end_with_a_rematch_request():
    relationship = active()
    hold(relationship)
    relationship.report_pairing_fit(MENTOR, "not_a_good_fit", LATER)
    drain(relationship)
    relationship.end_for_no_fit(MENTEE, rematch=True, at=LATER + timedelta(hours=1))
    events = drain(relationship)
    assert names(events) == ["RelationshipClosed", "RematchRequested"]
    closing, rematch = events
    assert (closing.by, closing.outcome, closing.reason, closing.closed_at) == (
        MENTEE, "no_fit", "not a good fit", LATER + timedelta(hours=1))
    assert rematch.by == MENTEE
    assert (relationship.status, relationship.outcome, relationship.closed_at) == (
        "closed", "no_fit", LATER + timedelta(hours=1))


def test_ending_for_no_fit_without_a_rematch_only_closes():
    relationship = active()
    hold(relationship)
    relationship.report_pairing_fit(MENTEE, "not_a_good_fit", LATER)
    drain(relationship)
    relationship.end_for_no_fit(MENTOR, rematch=False, at=LATER)
    assert names(drain(relationship)) == ["RelationshipClosed"]
    assert relationship.outcome == "no_fit"


def test_a_paused_relationship_can_end_for_no_fit():
    relationship = active()
    hold(relationship)
    relationship.report_pairing_fit(MENTEE, "not_a_good_fit", LATER)
    relationship.pause(MENTEE, "rethinking", LATER)
    relationship.end_for_no_fit(MENTEE, rematch=True, at=LATER)
    assert relationship.status == "closed"


def test_a_relationship_ended_for_no_fit_cannot_be_ended_again():
    relationship = active()
    hold(relationship)
    relationship.report_pairing_fit(MENTEE, "not_a_good_fit", LATER)
    relationship.end_for_no_fit(MENTEE, rematch=True, at=LATER)
    refused(relationship, "relationship-closed", lambda: relationship.end_for_no_fit(MENTOR, True, LATER))


# --- pause and resume ---------------------------------------------------------------------------

def test_an_active_relationship_pauses_and_resumes():
    relationship = active()
    relationship.pause(MENTOR, "travelling", LATER)
    assert relationship.status == "paused"
    relationship.resume(MENTEE, LATER + timedelta(days=7))
    assert relationship.status == "active"
    events = drain(relationship)
    assert names(events) == ["RelationshipPaused", "RelationshipResumed"]
    assert (events[0].by, events[0].reason, events[1].by) == (MENTOR, "travelling", MENTEE)


def test_pausing_a_paused_relationship_is_refused():
    relationship = paused()
    refusal = refused(relationship, "relationship-not-active", lambda: relationship.pause(MENTEE, "again", LATER))
    assert "paused" in refusal.detail


def test_pausing_a_forming_relationship_is_refused():
    relationship = forming()
    refused(relationship, "relationship-not-active", lambda: relationship.pause(MENTEE, "busy", STARTED))


def test_pausing_a_closed_relationship_is_refused():
    relationship = closed()
    refused(relationship, "relationship-not-active", lambda: relationship.pause(MENTEE, "busy", LATER))


def test_resuming_an_active_relationship_is_refused():
    relationship = active()
    refused(relationship, "relationship-not-paused", lambda: relationship.resume(MENTEE, LATER))


def test_resuming_a_closed_relationship_is_refused():
    relationship = closed()
    refused(relationship, "relationship-not-paused", lambda: relationship.resume(MENTEE, LATER))


def test_a_relationship_pauses_again_after_resuming():
    relationship = paused()
    relationship.resume(MENTOR, LATER)
    relationship.pause(MENTEE, "exams", LATER)
    assert relationship.status == "paused"


# --- closing ---------------------------------------------------------------------------------

@pytest.mark.parametrize("outcome", ["completed", "ended_early"])
def test_an_active_relationship_closes_as_completed_or_ended_early(outcome):
    relationship = active()
    relationship.close(MENTEE, outcome, "the reason", LATER)
    events = drain(relationship)
    assert names(events) == ["RelationshipClosed"]
    assert (events[0].by, events[0].outcome, events[0].reason, events[0].closed_at) == (
        MENTEE, outcome, "the reason", LATER)
    assert (relationship.status, relationship.outcome, relationship.closed_at) == ("closed", outcome, LATER)


def test_a_paused_relationship_closes():
    relationship = paused()
    relationship.close(MENTOR, "ended_early", "no time", LATER)
    assert (relationship.status, relationship.outcome) == ("closed", "ended_early")


def test_a_forming_relationship_can_be_abandoned():
    relationship = forming()
    relationship.close(MENTEE, "ended_early", "found another mentor", STARTED)
    assert (relationship.status, relationship.outcome) == ("closed", "ended_early")


@pytest.mark.parametrize("outcome", ["great", "no_fit", "", "Completed"])
def test_closing_with_an_unknown_outcome_is_refused(outcome):
    relationship = active()
    refused(relationship, "unknown-outcome", lambda: relationship.close(MENTEE, outcome, "", LATER))
    assert (relationship.status, relationship.outcome) == ("active", None)


def test_closing_twice_is_refused():
    relationship = closed()
    refused(relationship, "relationship-closed", lambda: relationship.close(MENTEE, "completed", "", LATER))
    refused(relationship, "relationship-closed", lambda: relationship.close(MENTEE, "bogus", "", LATER))


def test_closing_keeps_the_sessions_that_were_scheduled():
    relationship = active()
    schedule(relationship, 1, at=LATER)
    relationship.close(MENTEE, "ended_early", "moved", LATER)
    assert relationship.sessions and relationship.status == "closed"


# --- reflections --------------------------------------------------------------------------------

@pytest.mark.parametrize("state", ["forming", "active", "paused"])
def test_a_reflection_before_the_close_is_refused(state):
    relationship = {"forming": forming, "active": active, "paused": paused}[state]()
    refused(relationship, "relationship-not-closed",
            lambda: relationship.record_reflection(MENTEE, "sealed:r", {"0": "met"}, LATER))
    assert relationship.reflections == {}


@pytest.mark.parametrize("outcome", ["completed", "ended_early"])
def test_after_the_close_each_person_records_a_sealed_reflection_and_public_goal_outcomes(outcome):
    relationship = closed(outcome)
    relationship.record_reflection(MENTEE, "sealed:mentee", {"0": "met", "1": "partly"}, LATER)
    relationship.record_reflection(MENTOR, "sealed:mentor", {"0": "met"}, LATER)
    events = drain(relationship)
    assert names(events) == ["ReflectionRecorded", "ReflectionRecorded"]
    assert (events[0].by, events[0].reflection_ciphertext, events[0].goal_outcomes) == (
        MENTEE, "sealed:mentee", {"0": "met", "1": "partly"})
    assert relationship.reflections == {
        str(MENTEE): {"ciphertext": "sealed:mentee", "goal_outcomes": {"0": "met", "1": "partly"}},
        str(MENTOR): {"ciphertext": "sealed:mentor", "goal_outcomes": {"0": "met"}}}


def test_a_relationship_ended_for_no_fit_takes_reflections():
    relationship = active()
    hold(relationship)
    relationship.report_pairing_fit(MENTEE, "not_a_good_fit", LATER)
    relationship.end_for_no_fit(MENTEE, rematch=False, at=LATER)
    relationship.record_reflection(MENTEE, "sealed", {"0": "not_met"}, LATER)
    assert relationship.reflections[str(MENTEE)]["goal_outcomes"] == {"0": "not_met"}


def test_a_second_reflection_replaces_the_first():
    relationship = closed()
    relationship.record_reflection(MENTEE, "sealed:1", {"0": "partly"}, LATER)
    relationship.record_reflection(MENTEE, "sealed:2", {"0": "met"}, LATER)
    assert relationship.reflections == {str(MENTEE): {"ciphertext": "sealed:2", "goal_outcomes": {"0": "met"}}}


# --- paying it forward -------------------------------------------------------------------------

def test_a_mentee_who_completed_offers_to_pay_it_forward_once():
    relationship = closed("completed")
    relationship.offer_to_pay_it_forward(MENTEE, LATER)
    events = drain(relationship)
    assert names(events) == ["PayItForwardOffered"]
    assert events[0].participant_id == MENTEE
    assert relationship.paid_forward == [str(MENTEE)]
    refused(relationship, "already-offered", lambda: relationship.offer_to_pay_it_forward(MENTEE, LATER))
    assert relationship.paid_forward == [str(MENTEE)]


def test_a_relationship_completed_at_its_end_lets_the_mentee_pay_it_forward():
    relationship = active()
    relationship.complete_at_end(LATER.replace(year=2027))
    relationship.offer_to_pay_it_forward(MENTEE, LATER.replace(year=2027))
    assert relationship.paid_forward == [str(MENTEE)]


def test_a_mentor_does_not_pay_it_forward():
    relationship = closed("completed")
    refused(relationship, "only-mentees-pay-forward", lambda: relationship.offer_to_pay_it_forward(MENTOR, LATER))


def test_a_person_both_mentee_and_mentor_may_pay_it_forward():
    relationship = active(mentee_role="both", mentor_role="both")
    relationship.close(MENTOR, "completed", "done", LATER)
    relationship.offer_to_pay_it_forward(MENTOR, LATER)
    relationship.offer_to_pay_it_forward(MENTEE, LATER)
    assert relationship.paid_forward == [str(MENTOR), str(MENTEE)]


def test_a_mentor_is_refused_as_a_mentor_whatever_the_state():
    relationship = active()
    refused(relationship, "only-mentees-pay-forward", lambda: relationship.offer_to_pay_it_forward(MENTOR, LATER))


@pytest.mark.parametrize("state", ["forming", "active", "paused"])
def test_paying_it_forward_before_the_close_is_refused(state):
    relationship = {"forming": forming, "active": active, "paused": paused}[state]()
    refused(relationship, "relationship-not-completed", lambda: relationship.offer_to_pay_it_forward(MENTEE, LATER))


def test_paying_it_forward_after_ending_early_is_refused():
    relationship = closed("ended_early")
    refused(relationship, "relationship-not-completed", lambda: relationship.offer_to_pay_it_forward(MENTEE, LATER))
    assert relationship.paid_forward == []


def test_paying_it_forward_after_ending_for_no_fit_is_refused():
    relationship = active()
    hold(relationship)
    relationship.report_pairing_fit(MENTEE, "not_a_good_fit", LATER)
    relationship.end_for_no_fit(MENTEE, rematch=True, at=LATER)
    refused(relationship, "relationship-not-completed", lambda: relationship.offer_to_pay_it_forward(MENTEE, LATER))
