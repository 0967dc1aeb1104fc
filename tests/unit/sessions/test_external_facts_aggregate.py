"""ExternalFacts: what sessions learned about a relationship from intake and matching."""

from datetime import timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from services.sessions.domain.external_facts import ExternalFacts, external_facts_id
from tests.unit.sessions.sessions_domain_kit import RELATIONSHIP_ID, STARTED, names, replay

OTHER_RELATIONSHIP = UUID("00000000-0000-4000-8000-0000000000f9")


def test_the_id_of_a_relationships_external_facts_is_derived_from_the_relationship_id():
    assert external_facts_id(RELATIONSHIP_ID) == uuid5(NAMESPACE_URL, f"mentoring:external-facts:{RELATIONSHIP_ID}")
    assert external_facts_id(RELATIONSHIP_ID) == external_facts_id(RELATIONSHIP_ID)


def test_each_relationship_has_its_own_external_facts_id_distinct_from_its_own_id():
    assert external_facts_id(RELATIONSHIP_ID) != external_facts_id(OTHER_RELATIONSHIP)
    assert external_facts_id(RELATIONSHIP_ID) != RELATIONSHIP_ID


def test_opening_creates_an_empty_record_under_the_derived_id():
    facts = ExternalFacts.open(RELATIONSHIP_ID)
    assert facts.id == external_facts_id(RELATIONSHIP_ID)
    assert facts.relationship_id == RELATIONSHIP_ID
    assert facts.facts == []
    events = facts.collect_events()
    assert names(events) == ["ExternalFactsOpened"]
    assert events[0].relationship_id == RELATIONSHIP_ID


def test_learned_facts_keep_their_source_name_moment_and_attributes_in_order():
    facts = ExternalFacts.open(RELATIONSHIP_ID)
    facts.learn("intake", "MentorshipRequested", STARTED - timedelta(days=3), {"format": "one_to_one"})
    facts.learn("matching", "MatchProposed", STARTED - timedelta(days=2), {"score": 80})
    facts.learn("matching", "MatchConfirmed", STARTED - timedelta(days=1), {})
    assert facts.facts == [
        {"source": "intake", "fact": "MentorshipRequested", "at": STARTED - timedelta(days=3),
         "attributes": {"format": "one_to_one"}},
        {"source": "matching", "fact": "MatchProposed", "at": STARTED - timedelta(days=2), "attributes": {"score": 80}},
        {"source": "matching", "fact": "MatchConfirmed", "at": STARTED - timedelta(days=1), "attributes": {}},
    ]


def test_each_learned_fact_is_recorded_as_an_event():
    facts = ExternalFacts.open(RELATIONSHIP_ID)
    facts.collect_events()
    facts.learn("intake", "MentorshipRequested", STARTED, {"goals": 2})
    [event] = facts.collect_events()
    assert type(event).__name__ == "ExternalFactLearned"
    assert (event.source, event.fact, event.occurred_at, event.attributes) == (
        "intake", "MentorshipRequested", STARTED, {"goals": 2})
    assert facts.version == 2


def test_facts_are_kept_in_the_order_learned_not_the_order_they_occurred():
    facts = ExternalFacts.open(RELATIONSHIP_ID)
    facts.learn("matching", "MatchProposed", STARTED, {})
    facts.learn("intake", "MentorshipRequested", STARTED - timedelta(days=1), {})
    assert [f["fact"] for f in facts.facts] == ["MatchProposed", "MentorshipRequested"]


def test_replaying_the_recorded_events_rebuilds_the_same_facts():
    facts = ExternalFacts.open(RELATIONSHIP_ID)
    facts.learn("intake", "MentorshipRequested", STARTED, {"format": "one_to_one"})
    facts.learn("matching", "MatchConfirmed", STARTED + timedelta(hours=1), {"mentor": "m"})
    rebuilt = replay(facts.collect_events())
    assert (rebuilt.id, rebuilt.relationship_id, rebuilt.facts, rebuilt.version) == (
        facts.id, facts.relationship_id, facts.facts, facts.version)


def test_two_relationships_do_not_share_facts():
    first, second = ExternalFacts.open(RELATIONSHIP_ID), ExternalFacts.open(OTHER_RELATIONSHIP)
    first.learn("intake", "MentorshipRequested", STARTED, {})
    assert second.facts == []
