"""`as_of`: the relationship as it was at any moment, from its events alone, and the
summary of that state (status, version in force, who signed what, sessions held)."""

from datetime import timedelta

from services.sessions.domain.as_of import events_up_to, state_as_of, summary
from tests.unit.sessions.sessions_domain_kit import (
    ACTIVATED, END_DATE, LATER, MENTEE, MENTOR, STARTED, active, drain, forming, hold, schedule,
)


def lived() -> list:
    """A life with an amendment half signed at the end: version 1 in force, 2 awaiting the mentee."""
    relationship = active()
    hold(relationship, 1, at=LATER)
    schedule(relationship, 2, at=LATER + timedelta(days=2))
    relationship.propose_agreement(MENTOR, {"end_date": "2026-07-01"}, LATER + timedelta(days=3))
    relationship.sign_agreement(MENTOR, 2, LATER + timedelta(days=3))
    drain(relationship)
    return relationship.history


def test_as_of_each_events_moment_the_state_holds_exactly_the_events_recorded_by_then():
    events = lived()
    for event in events:
        expected = sum(1 for e in events if e.timestamp <= event.timestamp)
        assert state_as_of(events, event.timestamp).version == expected


def test_before_the_first_event_there_is_no_relationship():
    events = lived()
    assert events_up_to(events, events[0].timestamp - timedelta(microseconds=1)) == []
    assert state_as_of(events, events[0].timestamp - timedelta(seconds=1)) is None
    assert summary(None) is None


def test_without_a_moment_the_whole_history_is_replayed():
    events = lived()
    assert state_as_of(events).version == len(events)
    assert state_as_of(events, None).version == len(events)


def test_replay_stops_at_the_first_later_event_so_the_state_is_one_the_relationship_was_in():
    events = lived()
    cut = events[5].timestamp
    assert events_up_to(events, cut) == [e for e in events if e.timestamp <= cut]


def test_the_summary_names_the_version_in_force_while_an_amendment_awaits_a_signature():
    state = summary(state_as_of(lived()))
    assert state["status"] == "active"
    assert state["agreement_in_force"] == 1
    assert state["agreements"] == [
        {"version": 1, "proposed_by": str(MENTEE), "signed_by": [str(MENTEE), str(MENTOR)]},
        {"version": 2, "proposed_by": str(MENTOR), "signed_by": [str(MENTOR)]}]
    assert (state["sessions_held"], state["sessions_scheduled"]) == (1, 1)
    assert state["ground_rules_acknowledged_by"] == [str(MENTEE), str(MENTOR)]
    assert state["outcome"] is None


def test_the_summary_as_of_the_first_signature_shows_nothing_in_force_and_forming():
    events = lived()
    first_signature = next(e for e in events if type(e).__name__ == "AgreementSigned")
    state = summary(state_as_of(events, first_signature.timestamp))
    assert state["status"] == "forming" and state["agreement_in_force"] is None
    assert state["agreements"][0]["signed_by"] == [str(MENTEE)]


def test_the_summary_of_a_new_relationship():
    assert summary(forming()) == {
        "status": "forming", "outcome": None, "agreement_in_force": None, "agreements": [],
        "ground_rules_acknowledged_by": [], "sessions_held": 0, "sessions_scheduled": 0, "version": 1}


def test_a_state_rebuilt_as_of_a_moment_takes_commands_like_the_live_one_did():
    relationship = forming()
    relationship.propose_agreement(MENTEE, {"end_date": END_DATE}, STARTED)
    drain(relationship)
    then = relationship.history[-1].timestamp
    relationship.sign_agreement(MENTEE, 1, STARTED)
    drain(relationship)
    rebuilt = state_as_of(relationship.history, then)
    rebuilt.sign_agreement(MENTEE, 1, ACTIVATED)
    assert rebuilt.agreements[0]["signed_by"] == [str(MENTEE)]
