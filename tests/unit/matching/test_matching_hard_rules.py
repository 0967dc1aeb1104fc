"""Hard rules: never overridden by any weight."""

from dataclasses import replace

import pytest

from services.matching.domain.hard_rules import refusal
from services.matching.domain.selection import check_pair, rank
from tests.unit.matching.people import WEIGHTS, candidate, mentee, open_request


def test_a_well_suited_pair_is_allowed():
    ada, grace = mentee(), candidate()
    assert refusal(open_request(ada), ada, grace, {}) is None


def test_nobody_mentors_themself():
    ada = mentee(roles="both")
    assert "themself" in refusal(open_request(ada), ada, ada, {})


def test_a_mentee_only_participant_is_not_a_mentor():
    ada = mentee()
    assert "not enrolled as a mentor" in refusal(open_request(ada), ada, mentee(), {})


@pytest.mark.parametrize("who", ["mentor", "mentee"])
def test_paused_or_withdrawn_people_are_not_paired(who):
    ada, grace = mentee(), candidate()
    if who == "mentor":
        grace = replace(grace, active=False)
    else:
        ada = replace(ada, active=False)
    assert "paused or has withdrawn" in refusal(open_request(ada), ada, grace, {})


@pytest.mark.parametrize("chain", ["manager", "managers-manager", "reports-to-mentee"])
def test_the_same_reporting_line_is_banned(chain):
    ada, grace, boss = mentee(), candidate(), candidate()
    managers = {
        "manager": {ada.participant_id: grace.participant_id},
        "managers-manager": {ada.participant_id: boss.participant_id, boss.participant_id: grace.participant_id},
        "reports-to-mentee": {grace.participant_id: ada.participant_id},
    }[chain]
    assert "reporting line" in refusal(open_request(ada), ada, grace, managers)


def test_colleagues_under_different_managers_may_pair():
    ada, grace = mentee(), candidate()
    managers = {ada.participant_id: candidate().participant_id, grace.participant_id: candidate().participant_id}
    assert refusal(open_request(ada), ada, grace, managers) is None


@pytest.mark.parametrize("attribute", ["organization:globex", "department:sales", "language:en", "mode:video",
                                       "location:paris"])
def test_what_the_mentee_asked_to_avoid_is_never_proposed(attribute):
    ada, grace = mentee(), candidate()
    assert attribute in refusal(open_request(ada, avoid=frozenset({attribute})), ada, grace, {})


def test_a_mentor_with_no_capacity_left_is_not_proposed():
    ada = mentee()
    assert "no capacity" in refusal(open_request(ada), ada, candidate(capacity=2, load=2), {})


def test_a_pair_declined_for_this_request_is_not_proposed_again():
    ada, grace = mentee(), candidate()
    request = open_request(ada, declined_mentor_ids=frozenset({grace.participant_id}))
    assert "already declined" in refusal(request, ada, grace, {})


def test_weights_cannot_override_a_hard_rule():
    ada, grace = mentee(), candidate()
    request = open_request(ada, avoid=frozenset({"organization:globex"}))
    assert rank(request, ada, [grace], {}, {"outside_circle": 1000}) == []
    assert isinstance(check_pair(request, ada, grace, {}, WEIGHTS), str)
