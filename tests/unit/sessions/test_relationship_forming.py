"""Agreement and ground rules: nothing starts until both people signed both."""

import pytest

from tests.unit.sessions.relationship_builders import MENTEE, MENTOR, START, STRANGER, active, agreed, forming, refused



def test_an_agreement_takes_effect_only_when_every_party_signed_that_version():
    relationship = forming()
    version = relationship.propose_agreement(MENTEE, {"end_date": "2026-06-01"}, START)
    relationship.sign_agreement(MENTEE, version, START)
    assert relationship.agreement_in_force is None
    relationship.sign_agreement(MENTOR, version, START)
    assert relationship.agreement_in_force == 1
    names = [type(e).__name__ for e in relationship.collect_events()]
    assert names == ["AgreementProposed", "AgreementSigned", "AgreementSigned", "AgreementInEffect"]


def test_signing_an_outdated_agreement_version_is_refused():
    relationship = forming()
    relationship.propose_agreement(MENTEE, {"end_date": "2026-06-01"}, START)
    relationship.propose_agreement(MENTOR, {"end_date": "2026-07-01"}, START)
    relationship.collect_events()
    refused(relationship, "agreement-version-outdated", lambda: relationship.sign_agreement(MENTEE, 1, START))


def test_signing_the_same_version_twice_is_refused():
    relationship = forming()
    version = relationship.propose_agreement(MENTEE, {"end_date": "2026-06-01"}, START)
    relationship.sign_agreement(MENTEE, version, START)
    relationship.collect_events()
    refused(relationship, "already-signed", lambda: relationship.sign_agreement(MENTEE, version, START))


def test_an_amendment_needs_both_signatures_and_the_earlier_version_stays_in_force_until_then():
    relationship = active()
    amendment = relationship.propose_agreement(MENTOR, {"end_date": "2026-09-01"}, START)
    relationship.sign_agreement(MENTOR, amendment, START)
    assert relationship.agreement_in_force == 1
    assert relationship.end_date.isoformat() == "2026-06-01"
    relationship.sign_agreement(MENTEE, amendment, START)
    assert relationship.agreement_in_force == 2
    assert relationship.end_date.isoformat() == "2026-09-01"
    assert [a["version"] for a in relationship.agreements] == [1, 2], "earlier versions stay in the history"


def test_the_agreement_alone_does_not_activate_the_relationship():
    relationship = agreed(forming())
    assert relationship.status == "forming"
    assert relationship.missing_for_activation() == [f"ground rules acknowledged by {MENTEE}, {MENTOR}"]


def test_ground_rules_alone_do_not_activate_the_relationship():
    relationship = forming()
    relationship.acknowledge_ground_rules(MENTEE, START)
    relationship.acknowledge_ground_rules(MENTOR, START)
    assert relationship.status == "forming"
    assert relationship.missing_for_activation() == ["an agreement signed by both"]


def test_agreement_and_ground_rules_signed_by_both_activate_the_relationship():
    relationship = agreed(forming())
    relationship.acknowledge_ground_rules(MENTOR, START)
    relationship.acknowledge_ground_rules(MENTEE, START)
    assert relationship.status == "active"
    assert type(relationship.collect_events()[-1]).__name__ == "RelationshipActivated"


def test_adding_a_ground_rule_asks_everyone_to_acknowledge_again():
    relationship = forming()
    relationship.acknowledge_ground_rules(MENTEE, START)
    relationship.add_ground_rule(MENTOR, "phones away", START)
    assert relationship.acknowledged_by == []
    assert relationship.added_rules == ["phones away"]


def test_ground_rules_cannot_be_added_once_started():
    relationship = active()
    refused(relationship, "ground-rules-settled", lambda: relationship.add_ground_rule(MENTEE, "late", START))


def test_acknowledging_twice_is_refused():
    relationship = forming()
    relationship.acknowledge_ground_rules(MENTEE, START)
    relationship.collect_events()
    refused(relationship, "already-acknowledged", lambda: relationship.acknowledge_ground_rules(MENTEE, START))


@pytest.mark.parametrize("command", [
    lambda r: r.propose_agreement(STRANGER, {}, START),
    lambda r: r.sign_agreement(STRANGER, 1, START),
    lambda r: r.acknowledge_ground_rules(STRANGER, START),
    lambda r: r.add_ground_rule(STRANGER, "x", START),
    lambda r: r.pause(STRANGER, "", START),
    lambda r: r.close(STRANGER, "completed", "", START),
    lambda r: r.record_check_in(STRANGER, 3, 3, None, START),
])
def test_a_third_party_is_refused(command):
    relationship = agreed(forming())
    relationship.collect_events()
    refused(relationship, "not-a-party", lambda: command(relationship))


def test_replaying_the_recorded_events_rebuilds_the_same_relationship():
    relationship = forming()
    events = list(relationship.pending_creation)
    relationship = agreed(relationship)
    relationship.acknowledge_ground_rules(MENTEE, START)
    relationship.acknowledge_ground_rules(MENTOR, START)
    events += relationship.collect_events()
    rebuilt = None
    for event in events:
        rebuilt = event.mutate(rebuilt)
    assert (rebuilt.status, rebuilt.agreement_in_force, rebuilt.acknowledged_by, rebuilt.version) == (
        relationship.status, relationship.agreement_in_force, relationship.acknowledged_by, relationship.version)
