"""Each hard rule on its own, `refusal` as their union, and choosing among mentors."""

from dataclasses import replace
from uuid import uuid4

import pytest

from services.matching.domain.hard_rules import (
    HARD_RULES,
    both_available,
    mentor_has_room,
    mentor_mentors,
    not_avoided,
    not_declined_before,
    not_the_same_person,
    outside_reporting_line,
    refusal,
)
from services.matching.domain.selection import Choice, check_pair, rank
from services.matching.domain.scoring import score
from tests.unit.matching.people import WEIGHTS, candidate, mentee, open_request


@pytest.fixture
def pair():
    ada = mentee()
    return open_request(ada), ada, candidate()


# --- every rule allows an ordinary, well-suited pair -------------------------------------


@pytest.mark.parametrize("rule", HARD_RULES, ids=lambda rule: rule.__name__)
def test_every_rule_allows_an_ordinary_pair(pair, rule):
    request, ada, grace = pair
    assert rule(request, ada, grace, {}) is None


def test_refusal_is_none_for_an_ordinary_pair(pair):
    request, ada, grace = pair
    assert refusal(request, ada, grace, {}) is None


# --- the same person --------------------------------------------------------------------


def test_a_person_cannot_be_their_own_mentor():
    ada = mentee(roles="both")
    assert not_the_same_person(open_request(ada), ada, ada, {}) == "a person cannot mentor themself"


def test_the_co_mentee_of_a_request_cannot_be_its_mentor():
    ada, bea = mentee(), candidate(roles="both")
    request = open_request(ada, co_mentee_id=bea.participant_id)
    assert "themself" in not_the_same_person(request, ada, bea, {})
    assert "themself" in refusal(request, ada, bea, {})


def test_a_request_without_co_mentee_only_excludes_the_mentee():
    ada, grace = mentee(), candidate()
    assert not_the_same_person(open_request(ada, co_mentee_id=None), ada, grace, {}) is None


# --- only mentors mentor ----------------------------------------------------------------


def test_a_mentee_only_participant_is_refused_as_mentor():
    ada, other = mentee(), mentee()
    assert mentor_mentors(open_request(ada), ada, other, {}) == "the person is not enrolled as a mentor"
    assert refusal(open_request(ada), ada, other, {}) == "the person is not enrolled as a mentor"


@pytest.mark.parametrize("roles", ["mentor", "both"])
def test_mentors_and_people_in_both_roles_may_mentor(roles):
    ada = mentee()
    assert mentor_mentors(open_request(ada), ada, candidate(roles=roles), {}) is None


# --- paused or withdrawn ------------------------------------------------------------------


def test_a_paused_mentor_is_refused():
    ada, grace = mentee(), candidate(active=False)
    assert both_available(open_request(ada), ada, grace, {}) == "the mentor is paused or has withdrawn"
    assert refusal(open_request(ada), ada, grace, {}) == "the mentor is paused or has withdrawn"


def test_a_paused_mentee_is_refused():
    ada, grace = mentee(active=False), candidate()
    assert both_available(open_request(ada), ada, grace, {}) == "the mentee is paused or has withdrawn"
    assert refusal(open_request(ada), ada, grace, {}) == "the mentee is paused or has withdrawn"


def test_when_both_are_paused_the_mentor_is_named_first():
    ada, grace = mentee(active=False), candidate(active=False)
    assert "mentor" in both_available(open_request(ada), ada, grace, {})


# --- reporting line ---------------------------------------------------------------------


def test_a_mentees_direct_manager_cannot_mentor_them():
    ada, grace = mentee(), candidate()
    managers = {ada.participant_id: grace.participant_id}
    assert outside_reporting_line(open_request(ada), ada, grace, managers) == "the two are in the same reporting line"


def test_a_mentees_managers_manager_cannot_mentor_them():
    ada, grace, middle = mentee(), candidate(), candidate()
    managers = {ada.participant_id: middle.participant_id, middle.participant_id: grace.participant_id}
    assert "reporting line" in outside_reporting_line(open_request(ada), ada, grace, managers)


def test_a_mentor_cannot_mentor_their_own_manager():
    ada, grace = mentee(), candidate()
    managers = {grace.participant_id: ada.participant_id}
    assert "reporting line" in outside_reporting_line(open_request(ada), ada, grace, managers)


def test_a_mentor_cannot_mentor_their_managers_manager():
    ada, grace, middle = mentee(), candidate(), candidate()
    managers = {grace.participant_id: middle.participant_id, middle.participant_id: ada.participant_id}
    assert "reporting line" in outside_reporting_line(open_request(ada), ada, grace, managers)
    assert "reporting line" in refusal(open_request(ada), ada, grace, managers)


def test_three_levels_up_is_still_the_same_reporting_line():
    # The line is followed as far as the partners declared it, not two steps only (issue 8).
    ada, grace, first, second = mentee(), candidate(), candidate(), candidate()
    managers = {ada.participant_id: first.participant_id, first.participant_id: second.participant_id,
                second.participant_id: grace.participant_id}
    assert outside_reporting_line(open_request(ada), ada, grace, managers) == "the two are in the same reporting line"


def test_two_people_sharing_a_manager_may_pair():
    ada, grace, boss = mentee(), candidate(), candidate()
    managers = {ada.participant_id: boss.participant_id, grace.participant_id: boss.participant_id}
    assert outside_reporting_line(open_request(ada), ada, grace, managers) is None


def test_people_with_no_known_manager_are_outside_each_others_line():
    ada, grace = mentee(), candidate()
    managers = {ada.participant_id: None, grace.participant_id: None}
    assert outside_reporting_line(open_request(ada), ada, grace, managers) is None


# --- avoid preferences ------------------------------------------------------------------


@pytest.mark.parametrize("attribute", ["organization:globex", "department:sales", "location:paris", "language:en",
                                       "mode:video"])
def test_an_avoided_attribute_of_the_mentor_refuses_the_pair(attribute):
    ada, grace = mentee(), candidate()
    request = open_request(ada, avoid=frozenset({attribute}))
    assert not_avoided(request, ada, grace, {}) == f"the mentee asked to avoid {attribute}"


def test_avoiding_a_named_participant_refuses_only_that_participant():
    ada, grace, other = mentee(), candidate(), candidate()
    request = open_request(ada, avoid=frozenset({f"participant:{grace.participant_id}"}))
    assert "avoid" in refusal(request, ada, grace, {})
    assert refusal(request, ada, other, {}) is None


def test_avoiding_something_the_mentor_lacks_allows_the_pair():
    ada, grace = mentee(), candidate()
    request = open_request(ada, avoid=frozenset({"organization:initech", "language:fr", "mode:in_person"}))
    assert not_avoided(request, ada, grace, {}) is None


def test_every_avoided_attribute_hit_is_named_in_sorted_order():
    ada, grace = mentee(), candidate()
    request = open_request(ada, avoid=frozenset({"organization:globex", "department:sales", "language:de"}))
    assert not_avoided(request, ada, grace, {}) == "the mentee asked to avoid department:sales, organization:globex"


# --- capacity -----------------------------------------------------------------------------


@pytest.mark.parametrize(("capacity", "load"), [(2, 2), (1, 1), (1, 3), (0, 0)])
def test_a_mentor_at_or_over_capacity_is_refused(capacity, load):
    ada, grace = mentee(), candidate(capacity=capacity, load=load)
    assert mentor_has_room(open_request(ada), ada, grace, {}) == "the mentor has no capacity left"


def test_a_mentor_with_one_free_seat_is_allowed():
    ada, grace = mentee(), candidate(capacity=3, load=2)
    assert mentor_has_room(open_request(ada), ada, grace, {}) is None


# --- declined before ------------------------------------------------------------------------


def test_a_mentor_declined_for_this_request_is_refused():
    ada, grace = mentee(), candidate()
    request = open_request(ada, declined_mentor_ids=frozenset({grace.participant_id}))
    assert not_declined_before(request, ada, grace, {}) == "this pair was already declined for this request"


def test_declining_one_mentor_leaves_the_others_allowed():
    ada, grace, other = mentee(), candidate(), candidate()
    request = open_request(ada, declined_mentor_ids=frozenset({grace.participant_id}))
    assert not_declined_before(request, ada, other, {}) is None


# --- refusal as a whole ---------------------------------------------------------------------


def test_refusal_gives_the_first_rule_that_refuses():
    ada = mentee()
    grace = candidate(roles="mentee", active=False, capacity=1, load=1)
    # not a mentor, paused and full: the first rule in HARD_RULES order speaks.
    assert refusal(open_request(ada), ada, grace, {}) == "the person is not enrolled as a mentor"


def test_the_hard_rules_are_all_applied_in_a_fixed_order():
    assert [rule.__name__ for rule in HARD_RULES] == [
        "not_the_same_person", "mentor_mentors", "both_available", "outside_reporting_line",
        "same_organization_allowed", "shared_language", "time_zone_window",
        "not_avoided", "mentor_has_room", "not_declined_before",
    ]


# --- rank and check_pair ------------------------------------------------------------------


def test_rank_orders_allowed_mentors_best_score_first():
    ada = mentee()
    basic = candidate(offers={"public speaking": "basic"})
    intermediate = candidate(offers={"public speaking": "intermediate"})
    expert = candidate(offers={"public speaking": "expert"})
    ranked = rank(open_request(ada), ada, [basic, expert, intermediate], {}, WEIGHTS)
    assert [choice.mentor for choice in ranked] == [expert, intermediate, basic]
    totals = [choice.score.total for choice in ranked]
    assert totals == sorted(totals, reverse=True)


def test_rank_breaks_score_ties_by_participant_id():
    ada = mentee()
    twins = [candidate() for _ in range(5)]
    ranked = rank(open_request(ada), ada, twins, {}, WEIGHTS)
    assert len({choice.score.total for choice in ranked}) == 1
    assert [choice.mentor for choice in ranked] == sorted(twins, key=lambda c: str(c.participant_id))


def test_rank_is_the_same_whatever_order_the_mentors_come_in():
    ada = mentee()
    mentors = [candidate(offers={"public speaking": level}, years_experience=years)
               for level in ("basic", "intermediate", "expert") for years in (5, 10, 30)]
    forward = rank(open_request(ada), ada, mentors, {}, WEIGHTS)
    backward = rank(open_request(ada), ada, list(reversed(mentors)), {}, WEIGHTS)
    assert [c.mentor.participant_id for c in forward] == [c.mentor.participant_id for c in backward]


def test_rank_leaves_out_every_refused_mentor():
    ada = mentee()
    allowed = candidate()
    boss = candidate()
    refused = [
        candidate(roles="mentee"), candidate(active=False), candidate(capacity=1, load=1), boss,
        candidate(organization="initech"),
    ]
    request = open_request(ada, avoid=frozenset({"organization:initech"}))
    ranked = rank(request, ada, [*refused, allowed], {ada.participant_id: boss.participant_id}, WEIGHTS)
    assert [choice.mentor for choice in ranked] == [allowed]


def test_rank_of_nobody_allowed_is_empty():
    ada = mentee()
    assert rank(open_request(ada), ada, [candidate(active=False)], {}, WEIGHTS) == []
    assert rank(open_request(ada), ada, [], {}, WEIGHTS) == []


def test_each_ranked_choice_carries_its_score_and_an_explanation():
    ada = mentee()
    grace = candidate()
    (choice,) = rank(open_request(ada), ada, [grace], {}, WEIGHTS)
    assert choice.score == score(open_request(ada), ada, grace, WEIGHTS)
    assert "goal 1" in choice.explanation


def test_check_pair_gives_a_choice_for_an_allowed_pair():
    ada, grace = mentee(), candidate()
    outcome = check_pair(open_request(ada), ada, grace, {}, WEIGHTS)
    assert isinstance(outcome, Choice)
    assert outcome.mentor == grace
    assert outcome.score == score(open_request(ada), ada, grace, WEIGHTS)
    assert outcome.explanation


def test_check_pair_gives_the_reason_for_a_refused_pair():
    ada, grace = mentee(), candidate()
    outcome = check_pair(open_request(ada), ada, grace, {ada.participant_id: grace.participant_id}, WEIGHTS)
    assert outcome == "the two are in the same reporting line"


def test_check_pair_applies_the_hard_rules_even_to_a_perfect_score():
    ada = mentee()
    grace = candidate(capacity=1, load=1)
    assert check_pair(open_request(ada), ada, grace, {}, {"language": 1}) == "the mentor has no capacity left"
    assert check_pair(open_request(ada), ada, replace(grace, load=0), {}, {"language": 1}).score.total == 100


def test_an_unknown_participant_in_the_managers_map_changes_nothing():
    ada, grace = mentee(), candidate()
    managers = {uuid4(): ada.participant_id, uuid4(): grace.participant_id}
    assert refusal(open_request(ada), ada, grace, managers) is None
