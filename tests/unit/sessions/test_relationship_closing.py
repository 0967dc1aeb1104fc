"""Pause, close, reflections, paying it forward."""

from uuid import uuid4


from tests.unit.sessions.relationship_builders import MENTEE, MENTOR, START, active, forming, refused



def test_an_active_relationship_pauses_and_resumes():
    relationship = active()
    relationship.pause(MENTOR, "travelling", START)
    assert relationship.status == "paused"
    relationship.resume(MENTEE, START)
    assert relationship.status == "active"


def test_only_an_active_relationship_pauses_and_only_a_paused_one_resumes():
    relationship = forming()
    refused(relationship, "relationship-not-active", lambda: relationship.pause(MENTEE, "", START))
    refused(relationship, "relationship-not-paused", lambda: relationship.resume(MENTEE, START))


def test_nothing_happens_in_a_closed_relationship():
    relationship = active()
    relationship.close(MENTEE, "ended_early", "moved away", START)
    relationship.collect_events()
    refused(relationship, "relationship-closed", lambda: relationship.close(MENTOR, "completed", "", START))
    refused(relationship, "relationship-not-active", lambda: relationship.schedule_session(
        MENTEE, uuid4(), START.replace(year=2027), 60, "video", "", START))
    refused(relationship, "relationship-closed", lambda: relationship.propose_agreement(MENTEE, {}, START))


def test_closing_takes_only_known_outcomes():
    relationship = active()
    refused(relationship, "unknown-outcome", lambda: relationship.close(MENTEE, "great", "", START))


def test_reflections_are_written_after_the_close_with_public_goal_outcomes():
    relationship = active()
    refused(relationship, "relationship-not-closed",
            lambda: relationship.record_reflection(MENTEE, "sealed", {"0": "met"}, START))
    relationship.close(MENTEE, "completed", "done", START)
    relationship.record_reflection(MENTEE, "sealed", {"0": "met"}, START)
    assert relationship.reflections[str(MENTEE)] == {"ciphertext": "sealed", "goal_outcomes": {"0": "met"}}


def test_a_mentee_who_completed_may_pay_it_forward_once():
    relationship = active()
    relationship.close(MENTOR, "completed", "done", START)
    relationship.offer_to_pay_it_forward(MENTEE, START)
    assert type(relationship.collect_events()[-1]).__name__ == "PayItForwardOffered"
    refused(relationship, "already-offered", lambda: relationship.offer_to_pay_it_forward(MENTEE, START))


def test_a_mentor_does_not_pay_it_forward():
    relationship = active()
    relationship.close(MENTOR, "completed", "done", START)
    relationship.collect_events()
    refused(relationship, "only-mentees-pay-forward", lambda: relationship.offer_to_pay_it_forward(MENTOR, START))


def test_paying_it_forward_needs_a_completed_relationship():
    relationship = active()
    relationship.close(MENTOR, "ended_early", "busy", START)
    relationship.collect_events()
    refused(relationship, "relationship-not-completed",
            lambda: relationship.offer_to_pay_it_forward(MENTEE, START))
