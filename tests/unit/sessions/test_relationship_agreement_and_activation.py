"""Forming a relationship: agreement versions, ground rules and activation."""

from datetime import date, timedelta

import pytest

from tests.unit.sessions.sessions_domain_kit import (
    ACTIVATED, END_DATE, LATER, MENTEE, MENTOR, STARTED, acknowledge, active, agree, closed, drain, forming, names,
    paused, refused,
)


# --- a new relationship --------------------------------------------------------------

def test_a_new_relationship_is_forming_with_nothing_agreed_and_records_only_its_start():
    relationship = forming()
    assert names(relationship.history) == ["RelationshipStarted"]
    assert relationship.status == "forming"
    assert relationship.agreement_in_force is None
    assert relationship.agreements == []
    assert relationship.acknowledged_by == []
    assert relationship.activated_at is None
    assert relationship.held_count == 0
    assert relationship.party_ids == [MENTEE, MENTOR]
    assert relationship.role_of(MENTEE) == "mentee" and relationship.role_of(MENTOR) == "mentor"


def test_a_new_relationship_lists_both_the_agreement_and_every_acknowledgement_as_missing():
    relationship = forming()
    assert relationship.missing_for_activation() == [
        "an agreement signed by both", f"ground rules acknowledged by {MENTEE}, {MENTOR}"]


# --- proposing and signing -----------------------------------------------------------

def test_proposing_returns_the_next_version_number_and_records_the_terms():
    relationship = forming()
    assert relationship.propose_agreement(MENTEE, {"end_date": END_DATE}, STARTED) == 1
    assert relationship.propose_agreement(MENTOR, {"end_date": "2026-07-01"}, STARTED) == 2
    events = drain(relationship)
    assert names(events) == ["AgreementProposed", "AgreementProposed"]
    assert [(e.version, e.proposed_by) for e in events] == [(1, MENTEE), (2, MENTOR)]
    assert relationship.agreements[1] == {"version": 2, "terms": {"end_date": "2026-07-01"},
                                          "proposed_by": str(MENTOR), "signed_by": []}


def test_one_signature_does_not_put_an_agreement_in_effect():
    relationship = forming()
    version = relationship.propose_agreement(MENTEE, {"end_date": END_DATE}, STARTED)
    relationship.sign_agreement(MENTOR, version, STARTED)
    assert relationship.agreement_in_force is None
    assert relationship.agreements[0]["signed_by"] == [str(MENTOR)]
    assert names(drain(relationship)) == ["AgreementProposed", "AgreementSigned"]


def test_the_last_signature_puts_the_agreement_in_effect():
    relationship = forming()
    version = relationship.propose_agreement(MENTEE, {"end_date": END_DATE}, STARTED)
    relationship.sign_agreement(MENTEE, version, STARTED)
    relationship.sign_agreement(MENTOR, version, STARTED)
    events = drain(relationship)
    assert names(events) == ["AgreementProposed", "AgreementSigned", "AgreementSigned", "AgreementInEffect"]
    assert events[-1].version == 1
    assert relationship.agreement_in_force == 1
    assert relationship.missing_for_activation() == [f"ground rules acknowledged by {MENTEE}, {MENTOR}"]


def test_signing_an_outdated_agreement_version_is_refused():
    relationship = forming()
    relationship.propose_agreement(MENTEE, {"end_date": END_DATE}, STARTED)
    relationship.propose_agreement(MENTOR, {"end_date": "2026-07-01"}, STARTED)
    refusal = refused(relationship, "agreement-version-outdated",
                      lambda: relationship.sign_agreement(MENTEE, 1, STARTED))
    assert "latest is 2" in refusal.detail


def test_signing_a_version_nobody_proposed_is_refused():
    relationship = forming()
    relationship.propose_agreement(MENTEE, {"end_date": END_DATE}, STARTED)
    refused(relationship, "agreement-version-outdated", lambda: relationship.sign_agreement(MENTEE, 2, STARTED))


def test_signing_before_any_proposal_is_refused():
    relationship = forming()
    refused(relationship, "agreement-version-outdated", lambda: relationship.sign_agreement(MENTEE, 0, STARTED))
    refused(relationship, "agreement-version-outdated", lambda: relationship.sign_agreement(MENTEE, 1, STARTED))


def test_signing_the_same_version_twice_is_refused():
    relationship = forming()
    version = relationship.propose_agreement(MENTEE, {"end_date": END_DATE}, STARTED)
    relationship.sign_agreement(MENTEE, version, STARTED)
    refused(relationship, "already-signed", lambda: relationship.sign_agreement(MENTEE, version, STARTED))
    assert relationship.agreements[0]["signed_by"] == [str(MENTEE)]


def test_signing_again_an_agreement_already_in_effect_is_refused():
    relationship = active()
    refused(relationship, "already-signed", lambda: relationship.sign_agreement(MENTOR, 1, LATER))


def test_a_new_proposal_supersedes_a_half_signed_one():
    relationship = forming()
    relationship.propose_agreement(MENTEE, {"end_date": END_DATE}, STARTED)
    relationship.sign_agreement(MENTEE, 1, STARTED)
    relationship.propose_agreement(MENTOR, {"end_date": "2026-07-01"}, STARTED)
    refused(relationship, "agreement-version-outdated", lambda: relationship.sign_agreement(MENTOR, 1, STARTED))
    relationship.sign_agreement(MENTOR, 2, STARTED)
    assert relationship.agreement_in_force is None, "version 2 still lacks the mentee's signature"
    relationship.sign_agreement(MENTEE, 2, STARTED)
    assert relationship.agreement_in_force == 2


# --- amendments ------------------------------------------------------------------------

def test_an_amendment_needs_every_signature_again_and_the_earlier_version_stays_in_force_until_then():
    relationship = active()
    amendment = relationship.propose_agreement(MENTOR, {"end_date": "2026-09-01"}, LATER)
    assert amendment == 2
    assert relationship.agreement_in_force == 1
    relationship.sign_agreement(MENTOR, amendment, LATER)
    assert relationship.agreement_in_force == 1, "one signature does not amend"
    assert relationship.end_date == date(2026, 6, 1), "the earlier terms still apply"
    assert "AgreementInEffect" not in names(drain(relationship))
    relationship.sign_agreement(MENTEE, amendment, LATER)
    events = drain(relationship)
    assert names(events) == ["AgreementSigned", "AgreementInEffect"], "already active: no second activation"
    assert relationship.agreement_in_force == 2
    assert relationship.end_date == date(2026, 9, 1)
    assert relationship.status == "active"
    assert [a["version"] for a in relationship.agreements] == [1, 2], "earlier versions stay in the history"


def test_an_amendment_signed_by_its_proposer_alone_leaves_the_relationship_running_on_the_earlier_version():
    relationship = active()
    amendment = relationship.propose_agreement(MENTEE, {"end_date": "2026-12-01"}, LATER)
    relationship.sign_agreement(MENTEE, amendment, LATER)
    assert (relationship.status, relationship.agreement_in_force) == ("active", 1)
    refused(relationship, "agreement-version-outdated", lambda: relationship.sign_agreement(MENTOR, 1, LATER))


def test_a_paused_relationship_can_still_be_amended():
    relationship = paused()
    agree(relationship, {"end_date": "2026-08-01"}, at=LATER)
    assert relationship.agreement_in_force == 2
    assert relationship.status == "paused", "an amendment does not resume it"


def test_a_closed_relationship_takes_no_proposal_or_signature():
    relationship = forming()
    relationship.propose_agreement(MENTEE, {"end_date": END_DATE}, STARTED)
    relationship.close(MENTEE, "ended_early", "changed my mind", STARTED)
    refused(relationship, "relationship-closed",
            lambda: relationship.propose_agreement(MENTOR, {"end_date": END_DATE}, STARTED))
    refused(relationship, "relationship-closed", lambda: relationship.sign_agreement(MENTEE, 1, STARTED))


# --- end date -------------------------------------------------------------------------

def test_the_end_date_follows_the_length_in_weeks_until_an_agreement_names_one():
    relationship = forming(length_weeks=12)
    assert relationship.end_date == (STARTED + timedelta(weeks=12)).date() == date(2026, 5, 25)
    agree(relationship, {"end_date": END_DATE})
    assert relationship.end_date == date(2026, 6, 1)


def test_an_agreement_without_an_end_date_keeps_the_length_in_weeks():
    relationship = forming(length_weeks=10)
    agree(relationship, {"cadence_days": 7})
    assert relationship.end_date == date(2026, 5, 11)


def test_a_proposed_end_date_does_not_apply_before_it_is_in_effect():
    relationship = forming(length_weeks=12)
    relationship.propose_agreement(MENTEE, {"end_date": "2027-01-01"}, STARTED)
    assert relationship.end_date == date(2026, 5, 25)


# --- ground rules -----------------------------------------------------------------------

def test_acknowledging_the_ground_rules_is_recorded_per_person():
    relationship = forming()
    relationship.acknowledge_ground_rules(MENTOR, STARTED)
    events = drain(relationship)
    assert names(events) == ["GroundRulesAcknowledged"]
    assert events[0].acknowledged_by == MENTOR
    assert relationship.acknowledged_by == [str(MENTOR)]
    assert relationship.missing_for_activation() == ["an agreement signed by both",
                                                     f"ground rules acknowledged by {MENTEE}"]


def test_acknowledging_twice_is_refused():
    relationship = forming()
    relationship.acknowledge_ground_rules(MENTEE, STARTED)
    refused(relationship, "already-acknowledged", lambda: relationship.acknowledge_ground_rules(MENTEE, STARTED))


def test_acknowledging_again_once_active_is_refused():
    relationship = active()
    refused(relationship, "already-acknowledged", lambda: relationship.acknowledge_ground_rules(MENTOR, LATER))


def test_a_closed_relationship_takes_no_acknowledgement():
    relationship = forming()
    relationship.close(MENTOR, "ended_early", "no time", STARTED)
    refused(relationship, "relationship-closed", lambda: relationship.acknowledge_ground_rules(MENTEE, STARTED))


def test_adding_a_ground_rule_while_forming_asks_everyone_to_acknowledge_again():
    relationship = forming()
    acknowledge(relationship)
    relationship.add_ground_rule(MENTOR, "phones away", STARTED)
    events = drain(relationship)
    assert names(events)[-1] == "GroundRuleAdded"
    assert (events[-1].rule, events[-1].added_by) == ("phones away", MENTOR)
    assert relationship.added_rules == ["phones away"]
    assert relationship.acknowledged_by == []
    assert f"ground rules acknowledged by {MENTEE}, {MENTOR}" in relationship.missing_for_activation()


def test_a_ground_rule_added_after_the_agreement_holds_back_activation_until_acknowledged_again():
    relationship = forming()
    agree(relationship)
    relationship.acknowledge_ground_rules(MENTEE, STARTED)
    relationship.add_ground_rule(MENTOR, "camera on", STARTED)
    relationship.acknowledge_ground_rules(MENTOR, STARTED)
    assert relationship.status == "forming", "the mentee has not acknowledged the changed rules"
    relationship.acknowledge_ground_rules(MENTEE, ACTIVATED)
    assert relationship.status == "active"


@pytest.mark.parametrize("state", ["active", "paused", "closed"])
def test_ground_rules_cannot_be_added_once_the_relationship_started(state):
    relationship = {"active": active, "paused": paused, "closed": closed}[state]()
    refused(relationship, "ground-rules-settled", lambda: relationship.add_ground_rule(MENTEE, "be on time", LATER))
    assert relationship.added_rules == []


# --- activation ------------------------------------------------------------------------

def test_the_agreement_in_effect_alone_does_not_activate_the_relationship():
    relationship = forming()
    agree(relationship)
    assert relationship.agreement_in_force == 1
    assert relationship.status == "forming"
    assert "RelationshipActivated" not in names(drain(relationship))
    assert relationship.missing_for_activation() == [f"ground rules acknowledged by {MENTEE}, {MENTOR}"]


def test_every_party_acknowledging_the_ground_rules_alone_does_not_activate_the_relationship():
    relationship = forming()
    acknowledge(relationship)
    assert relationship.status == "forming"
    assert "RelationshipActivated" not in names(drain(relationship))
    assert relationship.missing_for_activation() == ["an agreement signed by both"]


def test_the_agreement_and_one_acknowledgement_do_not_activate_the_relationship():
    relationship = forming()
    agree(relationship)
    relationship.acknowledge_ground_rules(MENTEE, STARTED)
    assert relationship.status == "forming"
    assert relationship.missing_for_activation() == [f"ground rules acknowledged by {MENTOR}"]


def test_acknowledgements_and_a_half_signed_agreement_do_not_activate_the_relationship():
    relationship = forming()
    acknowledge(relationship)
    relationship.propose_agreement(MENTEE, {"end_date": END_DATE}, STARTED)
    relationship.sign_agreement(MENTEE, 1, STARTED)
    assert relationship.status == "forming"


def test_the_last_acknowledgement_after_the_agreement_activates_the_relationship_at_that_moment():
    relationship = forming()
    agree(relationship)
    relationship.acknowledge_ground_rules(MENTEE, STARTED)
    relationship.acknowledge_ground_rules(MENTOR, ACTIVATED)
    events = drain(relationship)
    assert names(events)[-2:] == ["GroundRulesAcknowledged", "RelationshipActivated"]
    assert events[-1].activated_at == ACTIVATED
    assert (relationship.status, relationship.activated_at) == ("active", ACTIVATED)
    assert relationship.missing_for_activation() == []


def test_the_last_signature_after_the_acknowledgements_activates_the_relationship_at_that_moment():
    relationship = forming()
    acknowledge(relationship)
    relationship.propose_agreement(MENTOR, {"end_date": END_DATE}, STARTED)
    relationship.sign_agreement(MENTOR, 1, STARTED)
    relationship.sign_agreement(MENTEE, 1, ACTIVATED)
    events = drain(relationship)
    assert names(events)[-3:] == ["AgreementSigned", "AgreementInEffect", "RelationshipActivated"]
    assert (relationship.status, relationship.activated_at) == ("active", ACTIVATED)


def test_activation_happens_once():
    relationship = active()
    agree(relationship, {"end_date": "2026-07-01"}, at=LATER)
    assert "RelationshipActivated" not in names(drain(relationship))
    assert relationship.activated_at == ACTIVATED


def test_a_forming_relationship_neither_pauses_nor_resumes():
    relationship = forming()
    refused(relationship, "relationship-not-active", lambda: relationship.pause(MENTEE, "busy", STARTED))
    refused(relationship, "relationship-not-paused", lambda: relationship.resume(MENTEE, STARTED))
