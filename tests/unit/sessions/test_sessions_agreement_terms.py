"""What an agreement may say, and what its terms change once in effect."""

from datetime import timedelta

import pytest

from tests.unit.sessions.sessions_domain_kit import (
    ACTIVATED, END_DATE, LATER, MENTEE, MENTOR, STARTED, STRANGER, acknowledge, agree, drain, forming, names,
    refused,
)

FULL_TERMS = {
    "goals": {str(MENTEE): [{"topic": "public speaking", "outcome": "give a keynote"}],
              str(MENTOR): [{"topic": "data analysis", "outcome": "read dashboards"}]},
    "end_date": END_DATE,
    "cadence_days": 14,
    "logistics": {"meeting_mode": "video", "channel_or_place": "team room", "time_zones": ["Europe/Paris"],
                  "regular_slot": "every other Tuesday 17:00"},
}


def test_full_terms_with_each_persons_own_goals_are_proposed_as_given():
    relationship = forming()
    assert relationship.propose_agreement(MENTEE, FULL_TERMS, STARTED) == 1
    [proposed] = drain(relationship)
    assert proposed.terms == FULL_TERMS
    assert relationship.terms_in_force == {}, "a proposal is not in force before every signature"


@pytest.mark.parametrize(("terms", "kind"), [
    ({"budget": 100}, "unknown-agreement-term"),
    ({"end_date": "next summer"}, "invalid-end-date"),
    ({"end_date": 20260601}, "invalid-end-date"),
    ({"end_date": STARTED.date().isoformat()}, "end-date-in-the-past"),
    ({"end_date": (STARTED - timedelta(days=30)).date().isoformat()}, "end-date-in-the-past"),
    ({"cadence_days": 0}, "cadence-out-of-range"),
    ({"cadence_days": 91}, "cadence-out-of-range"),
    ({"cadence_days": "7"}, "cadence-out-of-range"),
    ({"cadence_days": True}, "cadence-out-of-range"),
    ({"goals": {str(STRANGER): [{"topic": "x", "outcome": "y"}]}}, "goal-owner-not-a-party"),
    ({"goals": {str(MENTEE): [{"topic": "x"}]}}, "invalid-goal"),
    ({"goals": {str(MENTEE): [{"topic": " ", "outcome": "y"}]}}, "invalid-goal"),
    ({"goals": [{"topic": "x", "outcome": "y"}]}, "invalid-goal"),
    ({"logistics": "video"}, "invalid-logistics"),
    ({"logistics": {"meeting_mode": "carrier pigeon"}}, "unknown-meeting-mode"),
])
def test_a_proposal_with_terms_that_cannot_hold_is_refused(terms, kind):
    relationship = forming()
    refused(relationship, kind, lambda: relationship.propose_agreement(MENTEE, terms, STARTED))
    assert relationship.agreements == []


def test_an_end_date_from_tomorrow_on_is_accepted():
    relationship = forming()
    tomorrow = (STARTED + timedelta(days=1)).date().isoformat()
    relationship.propose_agreement(MENTEE, {"end_date": tomorrow}, STARTED)
    assert relationship.latest_version == 1


def test_the_agreed_cadence_applies_only_once_in_effect_and_falls_back_to_the_programs():
    relationship = forming(cadence_days=7)
    relationship.propose_agreement(MENTEE, {"cadence_days": 21}, STARTED)
    assert relationship.agreed_cadence_days == 7
    relationship.sign_agreement(MENTEE, 1, STARTED)
    relationship.sign_agreement(MENTOR, 1, STARTED)
    assert relationship.agreed_cadence_days == 21
    assert relationship.cadence_days == 7, "the program's cadence is kept as it was given"
    agree(relationship, {"end_date": END_DATE}, at=STARTED)
    assert relationship.agreed_cadence_days == 7, "a version that names no cadence leaves the program's"


def test_a_relationship_stalls_after_twice_the_agreed_cadence_not_the_programs():
    relationship = forming(cadence_days=7)
    agree(relationship, {"end_date": END_DATE, "cadence_days": 21})
    acknowledge(relationship, ACTIVATED)
    assert not relationship.is_stalled(ACTIVATED + timedelta(days=14))
    assert not relationship.is_stalled(ACTIVATED + timedelta(days=42) - timedelta(seconds=1))
    assert relationship.is_stalled(ACTIVATED + timedelta(days=42))


def test_an_amended_cadence_changes_the_stall_only_once_every_party_signed():
    relationship = forming(cadence_days=7)
    agree(relationship, {"end_date": END_DATE, "cadence_days": 7})
    acknowledge(relationship, ACTIVATED)
    amendment = relationship.propose_agreement(MENTOR, {"end_date": END_DATE, "cadence_days": 28}, LATER)
    relationship.sign_agreement(MENTOR, amendment, LATER)
    assert relationship.next_stall_moment() == ACTIVATED + timedelta(days=14)
    relationship.sign_agreement(MENTEE, amendment, LATER)
    assert relationship.next_stall_moment() == ACTIVATED + timedelta(days=56)


def test_an_amendment_is_checked_like_a_first_proposal():
    relationship = forming()
    agree(relationship)
    acknowledge(relationship, ACTIVATED)
    refused(relationship, "end-date-in-the-past",
            lambda: relationship.propose_agreement(MENTOR, {"end_date": "2026-03-01"}, LATER))
    assert relationship.agreement_in_force == 1 and relationship.latest_version == 1


def test_a_signature_that_completes_the_agreement_records_it_in_effect_right_after():
    relationship = forming()
    version = relationship.propose_agreement(MENTEE, FULL_TERMS, STARTED)
    relationship.sign_agreement(MENTEE, version, STARTED)
    relationship.sign_agreement(MENTOR, version, STARTED)
    assert names(drain(relationship)) == ["AgreementProposed", "AgreementSigned", "AgreementSigned",
                                          "AgreementInEffect"]
    assert relationship.terms_in_force == FULL_TERMS
