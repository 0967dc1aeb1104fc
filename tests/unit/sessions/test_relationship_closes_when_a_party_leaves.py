"""A party who withdrew or was erased: their relationships close, once, and no timer
is due for them again; their participation remembers it for matches that come late."""

from datetime import timedelta
from uuid import uuid4

from services.sessions.domain.closing import A_PARTY_LEFT
from services.sessions.domain.participation import KEYS_ERASED, Participation, participation_id
from tests.unit.sessions.relationship_builders import MENTEE, MENTOR, START, STRANGER, active, forming, refused


def test_an_active_relationship_ends_early_with_the_reason_and_no_timer_left():
    relationship = active()
    relationship.schedule_session(MENTEE, uuid4(), START + timedelta(days=3), 60, "video", "", START)
    relationship.collect_events()
    assert relationship.next_timer_due() is not None
    relationship.close_as_a_party_left(MENTEE, START + timedelta(hours=1))
    closed = relationship.collect_events()
    assert [(type(e).__name__, e.outcome, e.reason, e.by) for e in closed] == [
        ("RelationshipClosed", "ended_early", A_PARTY_LEFT, None)]
    assert relationship.status == "closed"
    assert relationship.next_timer_due() is None
    assert relationship.due_timers(START + timedelta(days=400)) == []


def test_a_forming_relationship_closes_too():
    relationship = forming()
    relationship.collect_events()
    relationship.close_as_a_party_left(MENTOR, START)
    assert relationship.status == "closed" and relationship.outcome == "ended_early"


def test_a_closed_relationship_stays_as_it_closed():
    relationship = active()
    relationship.close(MENTOR, "completed", "done", START)
    relationship.collect_events()
    relationship.close_as_a_party_left(MENTEE, START)
    assert relationship.collect_events() == []
    assert relationship.outcome == "completed"


def test_only_a_party_leaving_closes_it():
    relationship = active()
    refused(relationship, "not-a-party", lambda: relationship.close_as_a_party_left(STRANGER, START))


def test_a_participation_lists_each_relationship_once():
    person = uuid4()
    participation = Participation.open(person)
    relationship = uuid4()
    participation.join(relationship)
    participation.join(relationship)
    assert participation.id == participation_id(person)
    assert participation.relationship_ids == [str(relationship)]


def test_leaving_is_recorded_once_and_keeps_the_keys():
    participation = Participation.open(uuid4())
    participation.leave()
    participation.leave()
    names = [type(e).__name__ for e in participation.collect_events()]
    assert names == ["ParticipationOpened", "ParticipantLeftProgram"]
    assert participation.left and not participation.erased


def test_erasure_is_leaving_for_good_and_erases_the_keys_once():
    person = uuid4()
    participation = Participation.open(person)
    participation.leave()
    participation.erase()
    participation.erase()
    events = participation.collect_events()
    assert [type(e).__name__ for e in events] == ["ParticipationOpened", "ParticipantLeftProgram",
                                                  "ParticipantKeysErased"]
    assert [e.participant_id for e in events if isinstance(e, KEYS_ERASED)] == [person]
