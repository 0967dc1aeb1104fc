"""What a record must hold to be recorded: session lengths, what each person learned,
who missed a session, goal outcomes, ground-rule text, and what a close may claim."""

from datetime import timedelta

import pytest

from tests.unit.sessions.sessions_domain_kit import (
    ACTIVATED, LATER, MENTEE, MENTOR, STARTED, STRANGER, active, closed, drain, forming, names, refused, schedule,
    session_id,
)

S1 = session_id(1)
STARTS = LATER + timedelta(days=1)


def scheduled():
    relationship = active()
    schedule(relationship, 1, starts_at=STARTS, at=LATER)
    drain(relationship)
    return relationship


@pytest.mark.parametrize("minutes", [0, -5, 481])
def test_a_session_of_no_length_or_longer_than_a_working_day_is_not_scheduled(minutes):
    relationship = active()
    refused(relationship, "session-length-out-of-range", lambda: relationship.schedule_session(
        MENTEE, S1, STARTS, minutes, "video", "", LATER))


@pytest.mark.parametrize("minutes", [0, 481])
def test_a_held_session_of_no_length_or_longer_than_a_working_day_is_refused(minutes):
    relationship = scheduled()
    refused(relationship, "session-length-out-of-range", lambda: relationship.mark_session_held(
        MENTOR, S1, minutes, [0], {}, STARTS))


def test_both_people_record_what_they_learned_as_short_labels():
    relationship = scheduled()
    learned = {str(MENTEE): ["open with a story", "pause before the point"], str(MENTOR): ["pivot tables"]}
    relationship.mark_session_held(MENTOR, S1, 50, [0, 1], learned, STARTS)
    [held] = drain(relationship)
    assert held.learned == learned
    assert relationship.sessions[str(S1)]["learned"] == learned


@pytest.mark.parametrize("labels", [["x" * 81], [""], ["  "], "a label", [42]])
def test_what_was_learned_is_refused_unless_it_is_a_list_of_short_labels(labels):
    relationship = scheduled()
    refused(relationship, "invalid-learned-label", lambda: relationship.mark_session_held(
        MENTOR, S1, 50, [0], {str(MENTEE): labels}, STARTS))


def test_a_no_show_names_someone():
    relationship = scheduled()
    refused(relationship, "nobody-missed", lambda: relationship.mark_session_missed(MENTEE, S1, [], STARTS))


def test_a_no_show_before_the_session_time_is_refused_before_looking_at_who_missed_it():
    relationship = scheduled()
    refused(relationship, "session-not-started",
            lambda: relationship.mark_session_missed(MENTEE, S1, [STRANGER], STARTS - timedelta(minutes=1)))


def test_a_no_show_against_a_stranger_is_refused():
    relationship = scheduled()
    refused(relationship, "missed-by-not-a-party",
            lambda: relationship.mark_session_missed(MENTEE, S1, [MENTOR, STRANGER], STARTS))


def test_both_people_may_miss_a_session():
    relationship = scheduled()
    relationship.mark_session_missed(MENTEE, S1, [MENTEE, MENTOR], STARTS + timedelta(hours=1))
    assert relationship.sessions[str(S1)]["missed_by"] == [str(MENTEE), str(MENTOR)]


@pytest.mark.parametrize(("outcomes", "kind"), [
    ({"2": "met"}, "unknown-goal"),
    ({"-1": "met"}, "unknown-goal"),
    ({"first": "met"}, "unknown-goal"),
    ({"0": "done"}, "unknown-goal-outcome"),
    ({"0": "met", "1": "MET"}, "unknown-goal-outcome"),
])
def test_goal_outcomes_name_a_goal_by_position_and_say_met_partly_or_not_met(outcomes, kind):
    relationship = closed()
    refused(relationship, kind, lambda: relationship.record_reflection(MENTEE, "sealed", outcomes, LATER))
    assert relationship.reflections == {}


def test_a_reflection_may_leave_the_goal_outcomes_out():
    relationship = closed()
    relationship.record_reflection(MENTOR, "sealed", {}, LATER)
    assert relationship.reflections[str(MENTOR)]["goal_outcomes"] == {}


@pytest.mark.parametrize("rule", ["", "   ", "x" * 501])
def test_an_empty_or_overlong_ground_rule_is_refused(rule):
    relationship = forming()
    refused(relationship, "invalid-ground-rule", lambda: relationship.add_ground_rule(MENTOR, rule, STARTED))
    assert relationship.added_rules == []


def test_a_relationship_that_never_started_cannot_be_closed_as_completed():
    relationship = forming()
    refused(relationship, "relationship-never-active",
            lambda: relationship.close(MENTEE, "completed", "we talked once", STARTED))
    relationship.close(MENTEE, "ended_early", "found another mentor", STARTED)
    assert names(drain(relationship)) == ["RelationshipClosed"]


def test_a_paused_relationship_that_had_started_can_be_closed_as_completed():
    relationship = active()
    relationship.pause(MENTEE, "exams", ACTIVATED)
    relationship.close(MENTOR, "completed", "goals met", LATER)
    assert relationship.outcome == "completed"
