"""The compatibility score: explainable, reproducible, two-way."""

from dataclasses import replace

import pytest

from services.matching.domain.explanation import explain
from services.matching.domain.scoring import score
from services.matching.domain.selection import rank
from tests.unit.matching.people import WEIGHTS, candidate, mentee, open_request


def test_the_score_is_between_0_and_100_and_reproducible():
    ada, grace = mentee(), candidate()
    first, second = score(open_request(ada), ada, grace, WEIGHTS), score(open_request(ada), ada, grace, WEIGHTS)
    assert 0 <= first.total <= 100
    assert first == second
    assert sum(first.contributions.values()) == pytest.approx(first.total, abs=1e-3)


def test_all_weight_on_one_factor_makes_the_score_that_factor():
    ada, grace = mentee(), candidate(languages=frozenset({"en"}))
    assert score(open_request(ada), ada, grace, {"language": 1}).total == 100
    assert score(open_request(ada), ada, replace(grace, languages=frozenset({"fr"})), {"language": 1}).total == 0


def test_learning_follows_the_mentors_level_on_each_goal():
    ada = mentee()
    levels = [score(open_request(ada), ada, candidate(offers={"public speaking": level}), WEIGHTS).factors["learning"]
              for level in ("basic", "intermediate", "expert")]
    assert levels == sorted(levels) and levels[-1] == 1.0
    assert score(open_request(ada), ada, candidate(offers={}), WEIGHTS).factors["learning"] == 0


def test_reciprocity_counts_only_when_the_mentee_offers_what_the_mentor_wants():
    ada = mentee()
    wanting = score(open_request(ada), ada, candidate(wants=frozenset({"data analysis"})), WEIGHTS)
    not_wanting = score(open_request(ada), ada, candidate(wants=frozenset({"cooking"})), WEIGHTS)
    assert wanting.factors["reciprocity"] == 1.0 and not_wanting.factors["reciprocity"] == 0.0
    assert wanting.total > not_wanting.total


def test_co_mentoring_scores_both_directions_symmetrically():
    ada = mentee(roles="both", offers={"data analysis": "expert"}, wants=frozenset({"public speaking"}))
    bea = candidate(roles="both", offers={"public speaking": "intermediate"}, wants=frozenset({"data analysis"}))
    one_way = score(open_request(ada, format="reciprocal"), ada, bea, WEIGHTS)
    other_way = score(open_request(bea, format="reciprocal", goals=(("data analysis", "x"),)), bea, ada, WEIGHTS)
    assert one_way.factors["learning"] == one_way.factors["reciprocity"]
    assert one_way.factors["learning"] == pytest.approx(other_way.factors["learning"])


def test_distant_time_zones_lower_logistics():
    ada = mentee(availability=())
    near = score(open_request(ada), ada, candidate(time_zone="Europe/Helsinki", availability=()), WEIGHTS)
    far = score(open_request(ada), ada, candidate(time_zone="Asia/Tokyo", availability=()), WEIGHTS)
    assert near.factors["logistics"] > far.factors["logistics"]


def test_meeting_in_person_counts_only_in_the_same_place():
    ada = mentee(meeting_modes=frozenset({"in_person"}), location="paris")
    request = open_request(ada, meeting_modes=frozenset({"in_person"}))
    here = candidate(meeting_modes=frozenset({"in_person"}), location="paris")
    there = candidate(meeting_modes=frozenset({"in_person"}), location="berlin")
    assert score(request, ada, here, WEIGHTS).factors["logistics"] > score(request, ada, there, WEIGHTS).factors[
        "logistics"]


def test_overlapping_weekly_availability_raises_logistics():
    ada = mentee()
    same_evening = candidate()
    other_day = candidate(availability=(replace(candidate().availability[0], weekday=4),))
    assert score(open_request(ada), ada, same_evening, WEIGHTS).factors["logistics"] > score(
        open_request(ada), ada, other_day, WEIGHTS).factors["logistics"]


@pytest.mark.parametrize(("mentor_years", "expected"), [(4, 0.0), (5, 1 / 3), (7, 1.0), (19, 1.0), (34, 0.0)])
def test_the_career_gap_is_best_a_few_to_fifteen_years(mentor_years, expected):
    ada = mentee(years_experience=4)
    factor = score(open_request(ada), ada, candidate(years_experience=mentor_years), WEIGHTS).factors["career_gap"]
    assert factor == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize(("organization", "department", "expected"),
                         [("globex", "eng", 1.0), ("acme", "sales", 0.5), ("acme", "eng", 0.0)])
def test_reaching_outside_ones_circle_earns_a_bonus(organization, department, expected):
    ada = mentee(organization="acme", department="eng")
    mentor = candidate(organization=organization, department=department)
    assert score(open_request(ada), ada, mentor, WEIGHTS).factors["outside_circle"] == expected


def test_an_unmet_must_have_halves_the_score():
    ada, grace = mentee(), candidate()
    met = score(open_request(ada, must_have=frozenset({"language:en"})), ada, grace, WEIGHTS)
    unmet = score(open_request(ada, must_have=frozenset({"language:fr"})), ada, grace, WEIGHTS)
    assert unmet.total == pytest.approx(met.total / 2, abs=1e-3)
    assert unmet.unmet_must_haves == ("language:fr",)


def test_the_explanation_says_what_each_side_gains_and_the_time_zones():
    ada = mentee(time_zone="Europe/Paris")
    grace = candidate(time_zone="Europe/Helsinki")
    result = score(open_request(ada), ada, grace, WEIGHTS)
    text = explain(open_request(ada), ada, grace, result)
    assert "both work across time zones UTC+1/UTC+2" in text
    assert "mentor offers public speaking at expert level, which is goal 1" in text
    assert "mentee offers data analysis, which the mentor wants to learn" in text


def test_ranking_puts_the_best_first_and_breaks_ties_by_id():
    ada = mentee()
    good, better = candidate(offers={"public speaking": "basic"}), candidate()
    twin_a, twin_b = sorted([candidate(), candidate()], key=lambda c: str(c.participant_id))
    ranked = rank(open_request(ada), ada, [good, twin_b, better, twin_a], {}, WEIGHTS)
    assert ranked[-1].mentor == good
    first_twins = [c.mentor for c in ranked[:3] if c.mentor in (twin_a, twin_b)]
    assert first_twins == [twin_a, twin_b]
