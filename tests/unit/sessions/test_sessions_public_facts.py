"""What sessions publishes: facts, never sealed text; and the timeline's private parts."""

from datetime import timedelta
from uuid import UUID

from services.sessions.domain.external_facts import ExternalFacts
from services.sessions.publishing import public_fact, to_public
from services.sessions.timeline import own_entry, state_summary
from tests.unit.sessions.relationship_builders import MENTEE, MENTOR, START, active, forming, with_held_session

SEALED = ("sealed-note-1", "sealed-comment-2", "sealed-reflection-3")


def full_life():
    relationship = forming()
    events = list(relationship.pending_creation)
    version = relationship.propose_agreement(MENTEE, {"end_date": "2026-06-01", "logistics": {"meeting_mode": "video"}},
                                             START)
    for person in (MENTEE, MENTOR):
        relationship.sign_agreement(person, version, START)
        relationship.acknowledge_ground_rules(person, START)
    session = UUID(with_held_session(relationship))
    relationship.add_private_note(MENTEE, session, SEALED[0], START)
    relationship.record_check_in(MENTEE, 4, 5, SEALED[1], START)
    relationship.report_pairing_fit(MENTOR, "good_fit", START)
    relationship.close(MENTEE, "completed", "done", START + timedelta(days=2))
    relationship.record_reflection(MENTEE, SEALED[2], {"0": "met"}, START)
    relationship.offer_to_pay_it_forward(MENTEE, START)
    events += relationship.collect_events()
    return events


def replayed(events):
    state = None
    for event in events:
        state = event.mutate(state)
        yield event, state


def test_no_public_event_carries_sealed_text():
    published = [to_public(event, state) for event, state in replayed(full_life())]
    text = " ".join(p.contract.model_dump_json() for p in published if p is not None)
    assert not any(secret in text for secret in SEALED)


def test_private_notes_are_not_published_at_all():
    names = {type(event).__name__: to_public(event, state) for event, state in replayed(full_life())}
    assert names["PrivateNoteAdded"] is None
    assert names["CheckInRecorded"].contract.fit == 4
    assert names["ReflectionRecorded"].contract.goal_outcomes == {"0": "met"}


def test_every_public_fact_is_keyed_by_the_relationship_and_names_its_tenant():
    for event, state in replayed(full_life()):
        public = to_public(event, state)
        if public is not None:
            assert public.key == state.id and public.tenant == "acme"
            assert public.contract.relationship_id == state.id


def test_the_timeline_shows_sealed_text_only_to_its_author():
    for event, state in replayed(full_life()):
        if type(event).__name__ == "PrivateNoteAdded":
            assert own_entry(event, state, MENTEE)["sealed_for_reader"] == SEALED[0]
            assert "sealed_for_reader" not in own_entry(event, state, MENTOR)
            assert SEALED[0] not in str(own_entry(event, state, MENTOR))


def test_the_state_summary_names_the_agreement_in_force_and_sessions_held():
    summary = None
    for event, state in replayed(full_life()):
        if type(event).__name__ == "RelationshipActivated":
            summary = state_summary(state)
    assert summary["agreement_in_force"] == 1 and summary["sessions_held"] == 0
    assert summary["status"] == "active"


def test_external_facts_accumulate_in_order():
    facts = ExternalFacts.open(active().id)
    facts.learn("intake", "MentorshipRequested", START, {"format": "one_to_one"})
    facts.learn("matching", "MatchProposed", START + timedelta(seconds=1), {"score": 80})
    assert [f["fact"] for f in facts.facts] == ["MentorshipRequested", "MatchProposed"]


def test_public_fact_of_a_started_relationship_lists_the_parties():
    relationship = forming()
    fact = public_fact(relationship.pending_creation[0], relationship)
    assert {str(p.participant_id) for p in fact.parties} == {str(MENTEE), str(MENTOR)}
