"""A reciprocal (co-mentoring) request names both people: matching checks and scores that pair,
both ways, and never looks for a third person (issue 8)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from services.matching.domain.no_fit import NoFit
from services.matching.domain.proposal import MatchProposal
from services.matching.domain.reciprocal_pair import (
    PAIR_RULES,
    check_named_pair,
    is_named_pair,
    names_the_pair,
    pair_refusal,
    refusing_pair_rule,
)
from services.matching.domain.scoring import score
from services.matching.domain.selection import Choice
from tests.unit.matching.people import WEIGHTS, candidate, mentee, open_request

PROGRAM = uuid4()


def leader(**changes):  # noqa: ANN003, ANN201
    defaults = dict(roles="both", program_id=PROGRAM, offers={"leadership": "expert"},
                    wants=frozenset({"social media"}),
                    years_experience=25, organization="acme", department="board")
    return candidate(**{**defaults, **changes})


def junior(**changes):  # noqa: ANN003, ANN201
    defaults = dict(program_id=PROGRAM, offers={"social media": "expert"}, wants=frozenset({"leadership"}),
                    years_experience=2, organization="acme", department="marketing")
    return mentee("both", **{**defaults, **changes})


def asks(requester, co_mentee, **changes):  # noqa: ANN001, ANN003, ANN201
    return open_request(requester, format="reciprocal", co_mentee_id=co_mentee.participant_id,
                        goals=(("leadership", "manage my first team"),), **changes)


def test_a_reciprocal_request_naming_a_co_mentee_is_a_named_pair():
    ada, bea = junior(), leader()
    assert is_named_pair(asks(ada, bea))
    assert not is_named_pair(open_request(ada, format="reciprocal"))
    assert not is_named_pair(open_request(ada))


def test_the_named_pair_is_proposed_with_the_co_mentee_on_the_other_side():
    ada, bea = junior(), leader()
    choice = check_named_pair(asks(ada, bea), ada, bea, {}, WEIGHTS)
    assert isinstance(choice, Choice)
    assert choice.mentor.participant_id == bea.participant_id


def test_only_the_named_co_mentee_may_be_paired_with_a_reciprocal_request():
    ada, bea, third = junior(), leader(), leader()
    request = asks(ada, bea)
    assert names_the_pair(request, bea.participant_id)
    assert not names_the_pair(request, third.participant_id)
    assert names_the_pair(open_request(ada), third.participant_id)  # one-to-one: anyone allowed


def test_the_co_mentee_need_not_be_enrolled_as_a_mentor():
    # Both mentor each other: the one-way rule "the mentor is enrolled as a mentor" does not apply.
    ada, bea = junior(), leader(roles="mentee")
    assert isinstance(check_named_pair(asks(ada, bea), ada, bea, {}, WEIGHTS), Choice)


def test_the_pair_is_not_refused_as_the_same_person():
    # The old path refused every reciprocal pair: "a person cannot mentor themself".
    ada, bea = junior(), leader()
    assert pair_refusal(asks(ada, bea), ada, bea, {}) is None


def test_the_score_counts_what_each_gains_from_the_other():
    ada, bea = junior(), leader()
    both_ways = check_named_pair(asks(ada, bea), ada, bea, {}, WEIGHTS)
    one_way = check_named_pair(asks(ada, replace(bea, wants=frozenset())), ada, replace(bea, wants=frozenset()),
                               {}, WEIGHTS)
    other_way = check_named_pair(asks(ada, bea), replace(ada, wants=frozenset()), replace(bea, offers={}),
                                 {}, WEIGHTS)
    assert isinstance(both_ways, Choice) and isinstance(one_way, Choice) and isinstance(other_way, Choice)
    assert both_ways.score.factors["learning"] == both_ways.score.factors["reciprocity"] == 1.0
    assert both_ways.score.total > one_way.score.total > 0
    assert both_ways.score.total > other_way.score.total > 0
    assert both_ways.score == score(asks(ada, bea), ada, bea, WEIGHTS)


def test_the_explanation_names_what_each_offers_that_the_other_wants():
    ada, bea = junior(), leader()
    choice = check_named_pair(asks(ada, bea), ada, bea, {}, WEIGHTS)
    assert isinstance(choice, Choice)
    assert "the co-mentee offers leadership at expert level, which the requester wants to learn" in choice.explanation
    assert "the requester offers social media at expert level, which the co-mentee wants to learn" in choice.explanation


def test_the_explanation_says_when_one_direction_gains_nothing():
    ada, bea = junior(), leader(wants=frozenset({"golf"}))
    choice = check_named_pair(asks(ada, bea), ada, bea, {}, WEIGHTS)
    assert isinstance(choice, Choice)
    assert "the requester offers nothing the co-mentee asked to learn" in choice.explanation


@pytest.mark.parametrize("rule", PAIR_RULES, ids=lambda rule: rule.__name__)
def test_every_pair_rule_allows_an_ordinary_pair(rule):
    ada, bea = junior(), leader()
    assert rule(asks(ada, bea), ada, bea, {}) is None


def test_a_pair_in_one_reporting_line_is_refused_and_the_refusal_names_the_rule():
    bea = leader()
    ada = junior(manager_id=bea.participant_id)
    refused = check_named_pair(asks(ada, bea), ada, bea, {}, WEIGHTS)
    assert isinstance(refused, NoFit) and not refused.can_wait
    assert refused.reason == "reciprocal request: the two are in the same reporting line (rule outside_reporting_line)"


def test_a_skip_level_reporting_line_is_found_through_the_managers_map():
    bea, middle = leader(), uuid4()
    ada = junior(manager_id=middle)
    assert refusing_pair_rule(asks(ada, bea), ada, bea, {middle: bea.participant_id})[0] == "outside_reporting_line"


def test_a_co_mentee_in_another_program_is_refused_for_good():
    ada, bea = junior(), leader(program_id=uuid4())
    refused = pair_refusal(asks(ada, bea), ada, bea, {})
    assert refused is not None and not refused.can_wait
    assert "(rule same_program)" in refused.reason


@pytest.mark.parametrize("who", ["requester", "co-mentee"])
def test_a_paused_person_makes_the_pair_wait(who):
    ada, bea = junior(), leader()
    if who == "requester":
        ada = replace(ada, active=False)
    else:
        bea = replace(bea, active=False)
    refused = pair_refusal(asks(ada, bea), ada, bea, {})
    assert refused is not None and refused.can_wait
    assert f"the {who} is paused" in refused.reason and "(rule both_active)" in refused.reason


def test_a_full_co_mentee_makes_the_pair_wait():
    ada, bea = junior(), leader(capacity=1, load=1)
    refused = pair_refusal(asks(ada, bea), ada, bea, {})
    assert refused is not None and refused.can_wait and "(rule both_have_room)" in refused.reason


def test_a_co_mentee_matching_has_not_learned_of_yet_makes_the_pair_wait():
    ada, bea = junior(), leader()
    refused = pair_refusal(asks(ada, bea), ada, None, {})
    assert refused is not None and refused.can_wait


def test_once_the_pair_was_not_agreed_it_is_not_proposed_again():
    ada, bea = junior(), leader()
    refused = pair_refusal(asks(ada, bea, declined_mentor_ids=frozenset({bea.participant_id})), ada, bea, {})
    assert refused is not None and not refused.can_wait and "(rule not_declined_before)" in refused.reason


# --- seats: on confirmation both people hold one, in each role they enrolled in ---------


def proposal(fmt: str, co_mentee_id):  # noqa: ANN001, ANN201
    at = datetime(2030, 1, 1, tzinfo=UTC)
    mentee_id, mentor_id = uuid4(), co_mentee_id or uuid4()
    return MatchProposal(
        id=uuid4(), request_id=uuid4(), program_id=PROGRAM, organization_id="acme", mentee_id=mentee_id,
        mentor_id=mentor_id, score=80.0, explanation="", provenance={}, proposed_at=at,
        expires_at=at + timedelta(hours=72), attempt=1, origin="on_demand",
        terms={"format": fmt, "co_mentee_id": str(co_mentee_id) if co_mentee_id else None})


def test_a_co_mentoring_proposal_takes_a_seat_for_each_person_in_both_roles():
    made = proposal("reciprocal", uuid4())
    assert made.is_co_mentoring
    assert set(made.seat_roles) == {(person, role) for person in (made.mentee_id, made.mentor_id)
                                    for role in ("mentor", "mentee")}


def test_a_one_way_proposal_takes_the_mentors_mentor_seat_and_the_mentees_mentee_seat():
    made = proposal("one_to_one", None)
    assert not made.is_co_mentoring
    assert made.seat_roles == [(made.mentor_id, "mentor"), (made.mentee_id, "mentee")]
