"""Whole-pool matching: deferred acceptance, the optimal assignment, their figures, and the edge lists."""

import random
from collections import Counter
from uuid import UUID, uuid4

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.matching.domain.candidate_edges import CandidatePool, candidate_edges
from services.matching.domain.hard_rules import refusal
from services.matching.domain.pool import Candidate, OpenRequest, Window
from services.matching.domain.scoring import score
from services.matching.domain.vectorised import REFUSED, VectorScorer
from services.matching.domain.whole_pool import (
    Edge,
    blocking_pairs,
    max_total_score,
    stable,
    summarise,
)
from tests.support.exact_optimum import exact_max_total_score
from tests.unit.matching.people import WEIGHTS

# Sorted ids, so the hand-checked answers do not depend on how ids compare.
R1, R2, R3, R4 = sorted(uuid4() for _ in range(4))
M1, M2, M3 = sorted(uuid4() for _ in range(3))

#            M1  M2
# R1         90  85
# R2         80  10
# R3         75   5
# M1 seats two, M2 one. Everyone asks M1 first; M1 keeps R1 and R2, R3 settles for M2: stable, total 175.
# Moving R1 to M2 frees a seat at M1 for R3: 85 + 80 + 75 = 240, the optimum, but R1 and M1 then block it.
TWO_SEATS = [Edge(R1, M1, 90), Edge(R1, M2, 85), Edge(R2, M1, 80), Edge(R2, M2, 10), Edge(R3, M1, 75),
             Edge(R3, M2, 5)]
TWO_SEATS_CAPACITY = {M1: 2, M2: 1}


def total(edges: list[Edge], pairs: dict[UUID, UUID]) -> float:
    score_of = {(e.request, e.mentor): e.score for e in edges}
    return sum(score_of[pair] for pair in pairs.items())


def within_capacity(pairs: dict[UUID, UUID], capacity: dict[UUID, int]) -> bool:
    return all(count <= capacity.get(mentor, 0) for mentor, count in Counter(pairs.values()).items())


def only_edges(pairs: dict[UUID, UUID], edges: list[Edge]) -> bool:
    allowed = {(e.request, e.mentor) for e in edges}
    return all(pair in allowed for pair in pairs.items())


# --- hand-checked pools --------------------------------------------------------------------


def test_stable_on_a_three_by_two_pool_with_a_two_seat_mentor():
    pairs = stable(TWO_SEATS, TWO_SEATS_CAPACITY)
    assert pairs == {R1: M1, R2: M1, R3: M2}
    assert blocking_pairs(TWO_SEATS, pairs, TWO_SEATS_CAPACITY) == 0


def test_max_total_score_on_a_three_by_two_pool_with_a_two_seat_mentor():
    pairs = max_total_score(TWO_SEATS, TWO_SEATS_CAPACITY)
    assert pairs == {R1: M2, R2: M1, R3: M1}
    assert total(TWO_SEATS, pairs) == 240
    assert exact_max_total_score(np.array([[90, 85], [80, 10], [75, 5]], dtype=float), [2, 1]) == 240


def test_the_optimal_assignment_may_leave_a_blocking_pair():
    pairs = max_total_score(TWO_SEATS, TWO_SEATS_CAPACITY)
    assert blocking_pairs(TWO_SEATS, pairs, TWO_SEATS_CAPACITY) == 1  # R1 and M1


def test_summary_figures_of_the_stable_answer():
    pairs = stable(TWO_SEATS, TWO_SEATS_CAPACITY)
    assert summarise(TWO_SEATS, pairs, TWO_SEATS_CAPACITY, requests=4) == {
        "proposals": 3, "matched_ratio": 0.75, "mean_score": 58.3333, "min_score": 5, "total_score": 175,
        "blocking_pairs": 0,
    }


def test_summary_figures_of_the_optimal_answer():
    pairs = max_total_score(TWO_SEATS, TWO_SEATS_CAPACITY)
    assert summarise(TWO_SEATS, pairs, TWO_SEATS_CAPACITY, requests=3) == {
        "proposals": 3, "matched_ratio": 1.0, "mean_score": 80.0, "min_score": 75, "total_score": 240,
        "blocking_pairs": 1,
    }


def test_summary_of_nothing_matched():
    assert summarise([], {}, {}, requests=0) == {"proposals": 0, "matched_ratio": 0.0, "mean_score": 0.0,
                                                 "min_score": 0.0, "total_score": 0, "blocking_pairs": 0}
    assert summarise(TWO_SEATS, {}, TWO_SEATS_CAPACITY, requests=3)["blocking_pairs"] == 6


#            M1  M2  M3
# R1         50   -  40      "-": a hard rule refused the pair, so there is no edge
# R2         60  30   -
# R3          -  70  20
# R4         10   -   -
# One seat each. Stable: R2-M1 (M1 prefers 60 to 50 and 10), R1-M3, R3-M2; R4 has nobody left.
# Optimal: the same, 60 + 40 + 70 = 170 (R1-M1 + R3-M2 + nothing else scores 120; R4-M1 + R1-M3 + R3-M2 = 120).
SPARSE = [Edge(R1, M1, 50), Edge(R1, M3, 40), Edge(R2, M1, 60), Edge(R2, M2, 30), Edge(R3, M2, 70), Edge(R3, M3, 20),
          Edge(R4, M1, 10)]
ONE_EACH = {M1: 1, M2: 1, M3: 1}


def test_stable_on_a_sparse_pool_uses_only_allowed_pairs_and_leaves_the_rest_unmatched():
    pairs = stable(SPARSE, ONE_EACH)
    assert pairs == {R2: M1, R1: M3, R3: M2}
    assert R4 not in pairs
    assert blocking_pairs(SPARSE, pairs, ONE_EACH) == 0


def test_max_total_score_on_a_sparse_pool():
    pairs = max_total_score(SPARSE, ONE_EACH)
    assert pairs == {R2: M1, R1: M3, R3: M2}
    assert total(SPARSE, pairs) == 170
    dense = np.array([[50, 0, 40], [60, 30, 0], [0, 70, 20], [10, 0, 0]], dtype=float)
    assert exact_max_total_score(dense, [1, 1, 1]) == 170


def test_a_request_prefers_staying_unmatched_to_nothing_in_the_optimum():
    # One seat, two requests: only the better scoring one is matched.
    edges = [Edge(R1, M1, 30.5), Edge(R2, M1, 30.25)]
    assert max_total_score(edges, {M1: 1}) == {R1: M1}
    assert stable(edges, {M1: 1}) == {R1: M1}


def test_a_mentor_without_capacity_is_never_chosen():
    assert stable(TWO_SEATS, {M1: 2}) == {R1: M1, R2: M1}
    assert max_total_score(TWO_SEATS, {M1: 2}) == {R1: M1, R2: M1}
    assert stable(TWO_SEATS, {M1: 0, M2: 0}) == {}
    assert max_total_score(TWO_SEATS, {M1: 0, M2: 0}) == {}


def test_no_edges_means_no_pairs():
    assert stable([], {M1: 1}) == {}
    assert max_total_score([], {M1: 1}) == {}
    assert blocking_pairs([], {}, {M1: 1}) == 0


def test_ties_are_broken_the_same_way_whatever_order_the_edges_come_in():
    edges = [Edge(R1, M1, 50), Edge(R2, M1, 50), Edge(R3, M1, 50), Edge(R1, M2, 50), Edge(R2, M2, 50),
             Edge(R3, M2, 50)]
    first = stable(edges, {M1: 1, M2: 1})
    assert len(first) == 2
    for seed in range(10):
        shuffled = edges[:]
        random.Random(seed).shuffle(shuffled)
        assert stable(shuffled, {M1: 1, M2: 1}) == first


# --- blocking pairs --------------------------------------------------------------------------


def test_a_request_and_a_mentor_with_a_free_seat_who_like_each_other_block():
    edges = [Edge(R1, M1, 40), Edge(R1, M2, 60)]
    assert blocking_pairs(edges, {R1: M1}, {M1: 1, M2: 1}) == 1
    assert blocking_pairs(edges, {R1: M2}, {M1: 1, M2: 1}) == 0


def test_an_unmatched_request_blocks_with_a_mentor_holding_someone_worse():
    edges = [Edge(R1, M1, 40), Edge(R2, M1, 60)]
    assert blocking_pairs(edges, {R1: M1}, {M1: 1}) == 1
    assert blocking_pairs(edges, {R2: M1}, {M1: 1}) == 0


def test_equal_scores_do_not_block():
    edges = [Edge(R1, M1, 50), Edge(R2, M1, 50)]
    assert blocking_pairs(edges, {R1: M1}, {M1: 1}) == 0


# --- random pools ----------------------------------------------------------------------------


def random_pool(seed: int, requests: int = 30, mentors: int = 12, density: float = 1.0, capacities=(1, 3)):
    rng = random.Random(seed)
    request_ids, mentor_ids = [uuid4() for _ in range(requests)], [uuid4() for _ in range(mentors)]
    capacity = {m: rng.randint(*capacities) for m in mentor_ids}
    scores = np.zeros((requests, mentors))
    edges = []
    for i, r in enumerate(request_ids):
        for j, m in enumerate(mentor_ids):
            if rng.random() < density:
                scores[i, j] = round(rng.uniform(0.01, 100), 4)
                edges.append(Edge(r, m, float(scores[i, j])))
    return request_ids, mentor_ids, capacity, scores, edges


@pytest.mark.parametrize("seed", range(12))
def test_stable_leaves_no_blocking_pair_on_random_full_pools(seed):
    *_, capacity, _, edges = random_pool(seed, requests=25 + seed, mentors=8 + seed % 5)
    pairs = stable(edges, capacity)
    assert blocking_pairs(edges, pairs, capacity) == 0
    assert within_capacity(pairs, capacity)


@pytest.mark.parametrize("seed", range(8))
def test_stable_leaves_no_blocking_pair_on_random_sparse_pools(seed):
    *_, capacity, _, edges = random_pool(100 + seed, requests=40, mentors=15, density=0.3, capacities=(0, 2))
    pairs = stable(edges, capacity)
    assert blocking_pairs(edges, pairs, capacity) == 0
    assert within_capacity(pairs, capacity) and only_edges(pairs, edges)


@pytest.mark.parametrize("seed", range(4))
def test_stable_gives_the_same_pairs_whatever_the_edge_order(seed):
    *_, capacity, _, edges = random_pool(200 + seed)
    shuffled = edges[:]
    random.Random(seed).shuffle(shuffled)
    assert stable(shuffled, capacity) == stable(edges, capacity)


def test_stable_fills_every_seat_when_requests_outnumber_seats_on_a_full_pool():
    *_, capacity, _, edges = random_pool(7, requests=40, mentors=5)
    pairs = stable(edges, capacity)
    assert len(pairs) == sum(capacity.values())


def test_stable_matches_everyone_when_seats_outnumber_requests_on_a_full_pool():
    request_ids, *_, edges = random_pool(8, requests=10, mentors=6, capacities=(2, 3))
    assert set(stable(edges, {m: 2 for m in {e.mentor for e in edges}})) == set(request_ids)


@pytest.mark.parametrize("seed", range(10))
def test_max_total_score_equals_the_exact_optimum_on_random_dense_pools(seed):
    request_ids, mentor_ids, capacity, scores, edges = random_pool(300 + seed)
    pairs = max_total_score(edges, capacity)
    assert within_capacity(pairs, capacity)
    assert total(edges, pairs) == pytest.approx(exact_max_total_score(scores, [capacity[m] for m in mentor_ids]),
                                                abs=1e-6)


@pytest.mark.parametrize("seed", range(6))
def test_max_total_score_equals_the_exact_optimum_on_random_sparse_pools(seed):
    request_ids, mentor_ids, capacity, scores, edges = random_pool(400 + seed, requests=20, mentors=10, density=0.35,
                                                                   capacities=(0, 2))
    pairs = max_total_score(edges, capacity)
    assert within_capacity(pairs, capacity) and only_edges(pairs, edges)
    assert total(edges, pairs) == pytest.approx(exact_max_total_score(scores, [capacity[m] for m in mentor_ids]),
                                                abs=1e-6)


@pytest.mark.parametrize("seed", range(6))
def test_the_optimum_is_never_below_the_stable_total(seed):
    *_, capacity, _, edges = random_pool(500 + seed, density=0.6)
    assert total(edges, max_total_score(edges, capacity)) >= total(edges, stable(edges, capacity)) - 1e-9


def test_each_request_gets_at_most_one_mentor():
    *_, capacity, _, edges = random_pool(9)
    for pairs in (stable(edges, capacity), max_total_score(edges, capacity)):
        assert len(pairs) == len(set(pairs))  # a dict: one mentor per request by construction
        assert set(pairs) <= {e.request for e in edges}


# --- candidate edges -----------------------------------------------------------------------


TOPICS = ["python", "sql", "public speaking", "negotiation", "design", "hiring"]
ZONES = ["Europe/Paris", "Europe/Helsinki", "America/New_York", "Asia/Kolkata"]


def person(rng: random.Random, roles: str) -> Candidate:
    start = rng.randrange(0, 20 * 4) * 15
    return Candidate(
        participant_id=uuid4(), program_id=uuid4(), profile_version=1, roles=roles,
        offers={t: rng.choice(["basic", "intermediate", "expert"]) for t in rng.sample(TOPICS, rng.randint(1, 3))},
        wants=frozenset(rng.sample(TOPICS, rng.randint(0, 2))), years_experience=rng.randint(0, 30),
        organization=rng.choice(["acme", "globex"]), department=rng.choice(["eng", "ops"]), manager_id=None,
        location=rng.choice(["", "paris"]), time_zone=rng.choice(ZONES),
        meeting_modes=frozenset(rng.sample(["in_person", "video", "phone"], rng.randint(1, 2))),
        availability=(Window(rng.randrange(7), start, start + 120),) if rng.random() < 0.8 else (),
        languages=frozenset(rng.sample(["en", "fr"], rng.randint(1, 2))),
        capacity=rng.randint(1, 3), active=rng.random() > 0.1, load=rng.choice([0, 0, 1]),
    )


def small_program(seed: int, requests: int = 25, mentors: int = 12):
    rng = random.Random(seed)
    mentor_people = [person(rng, rng.choice(["mentor", "both", "mentee"])) for _ in range(mentors)]
    pairs = []
    for _ in range(requests):
        mentee = person(rng, "mentee")
        request = OpenRequest(request_id=uuid4(), program_id=uuid4(), mentee_id=mentee.participant_id,
                              format=rng.choice(["one_to_one", "reciprocal"]),
                              goals=tuple((t, "o") for t in rng.sample(TOPICS, rng.randint(1, 2))),
                              meeting_modes=frozenset(), avoid=frozenset(rng.sample(["department:ops"],
                                                                                    rng.randint(0, 1))))
        pairs.append((request, mentee))
    # Some mentees report to some mentors: those pairs must never be edges.
    managers = {mentee.participant_id: rng.choice(mentor_people).participant_id if rng.random() < 0.2 else None
                for _, mentee in pairs}
    managers.update({m.participant_id: None for m in mentor_people})
    return pairs, mentor_people, managers


def allowed_scores(pairs, mentors, managers):  # noqa: ANN001, ANN201
    return {(request.request_id, mentor.participant_id): score(request, mentee, mentor, WEIGHTS).total
            for request, mentee in pairs for mentor in mentors if refusal(request, mentee, mentor, managers) is None}


def test_no_requests_or_no_mentors_give_no_edges():
    pairs, mentors, managers = small_program(1)
    assert candidate_edges([], mentors, managers, WEIGHTS) == []
    assert candidate_edges(pairs, [], managers, WEIGHTS) == []


@pytest.mark.parametrize("seed", range(4))
def test_with_a_large_k_the_edges_are_exactly_the_allowed_pairs_with_their_scores(seed):
    pairs, mentors, managers = small_program(seed)
    expected = allowed_scores(pairs, mentors, managers)
    edges = candidate_edges(pairs, mentors, managers, WEIGHTS, top_k=100)
    assert {(e.request, e.mentor) for e in edges} == set(expected)
    assert len(edges) == len(expected)
    for edge in edges:
        assert edge.score == pytest.approx(expected[(edge.request, edge.mentor)], abs=1e-3)


@pytest.mark.parametrize(("seed", "k"), [(0, 1), (1, 3), (2, 5)])
def test_each_request_keeps_only_its_k_best_allowed_mentors(seed, k):
    pairs, mentors, managers = small_program(seed)
    expected = allowed_scores(pairs, mentors, managers)
    edges = candidate_edges(pairs, mentors, managers, WEIGHTS, top_k=k)
    kept = Counter(e.request for e in edges)
    assert all(count <= k for count in kept.values())
    for request, _ in pairs:
        mine = [e for e in edges if e.request == request.request_id]
        allowed = [value for (r, _), value in expected.items() if r == request.request_id]
        assert len(mine) == min(k, len(allowed))
        if mine and len(allowed) > k:
            worst_kept = min(e.score for e in mine)
            assert sorted(allowed, reverse=True)[k] <= worst_kept + 1e-3


def test_refused_pairs_never_become_edges_however_well_they_score():
    pairs, mentors, managers = small_program(3)
    edges = candidate_edges(pairs, mentors, managers, WEIGHTS, top_k=100)
    people = {request.request_id: (request, mentee) for request, mentee in pairs}
    mentor_of = {m.participant_id: m for m in mentors}
    for edge in edges:
        request, mentee = people[edge.request]
        assert refusal(request, mentee, mentor_of[edge.mentor], managers) is None
        assert edge.score > REFUSED


def whole_matrix(pairs, mentors, managers) -> list[Edge]:  # noqa: ANN001
    rows = VectorScorer(mentors, [m for _, m in pairs], managers, WEIGHTS).scores_for(pairs)
    return [Edge(pairs[r][0].request_id, mentors[c].participant_id, float(rows[r, c]))
            for r, c in zip(*np.nonzero(rows > REFUSED), strict=True)]


@pytest.mark.parametrize("seed", range(5))
def test_stable_on_a_short_list_that_extends_has_no_blocking_pair_on_the_whole_matrix(seed):
    pairs, mentors, managers = small_program(10 + seed, requests=40, mentors=10)
    pool = CandidatePool(pairs, mentors, managers, WEIGHTS, top_k=2)
    capacity = {m.participant_id: max(0, m.capacity - m.load) for m in mentors}
    matched = stable(pool.edges, capacity, pool.extend)
    whole = whole_matrix(pairs, mentors, managers)
    assert blocking_pairs(whole, matched, capacity) == 0
    assert within_capacity(matched, capacity) and only_edges(matched, whole)
    assert set(pool.all_edges()) >= {Edge(r, m, next(e.score for e in whole if (e.request, e.mentor) == (r, m)))
                                     for r, m in matched.items()}


def test_extending_offers_in_turn_every_mentor_beyond_the_short_list_at_or_above_their_floor():
    pairs, mentors, managers = small_program(21, requests=10, mentors=10)
    pool = CandidatePool(pairs, mentors, managers, WEIGHTS, top_k=1)
    request = pool.request_ids[0]
    shortlisted = {e.mentor for e in pool.edges if e.request == request}
    row = VectorScorer(mentors, [m for _, m in pairs], managers, WEIGHTS).scores(*pairs[0])
    # Every mentor full with a floor of 50: only scores of 50 or more are worth asking (a tie
    # at the floor goes to whichever request id is lower, the mentor's call).
    floors = dict.fromkeys(pool.mentor_ids, 50.0)
    turns = []
    while extra := pool.extend([request], floors):
        turns.append(extra)
    offered = [e for turn in turns for e in turn]
    assert all(e.request == request and e.score >= 50 for e in offered)
    assert {e.mentor for e in offered} == {pool.mentor_ids[c] for c in np.flatnonzero(row >= 50)} - shortlisted
    assert len(offered) == len({e.mentor for e in offered})  # asked once
    for earlier, later in zip(turns, turns[1:], strict=False):  # each turn before the next in the request's order
        assert min(e.score for e in earlier) >= max(e.score for e in later)
    assert pool.all_edges() == pool.edges + offered


# --- any small pool ----------------------------------------------------------------------------


@st.composite
def small_pools(draw):  # noqa: ANN001, ANN201
    requests = draw(st.integers(min_value=1, max_value=7))
    mentors = draw(st.integers(min_value=1, max_value=4))
    request_ids, mentor_ids = sorted(uuid4() for _ in range(requests)), sorted(uuid4() for _ in range(mentors))
    capacity = {m: draw(st.integers(min_value=0, max_value=3)) for m in mentor_ids}
    # Few distinct scores, so ties are common; None is a refused pair.
    cells = draw(st.lists(st.one_of(st.none(), st.integers(min_value=1, max_value=5)),
                          min_size=requests * mentors, max_size=requests * mentors))
    scores = np.zeros((requests, mentors))
    edges = []
    for index, value in enumerate(cells):
        i, j = divmod(index, mentors)
        if value is not None:
            scores[i, j] = value * 10
            edges.append(Edge(request_ids[i], mentor_ids[j], float(value * 10)))
    return mentor_ids, capacity, scores, edges


@settings(max_examples=150, deadline=None)
@given(small_pools())
def test_stable_never_leaves_a_blocking_pair_even_with_ties(pool):
    _, capacity, _, edges = pool
    pairs = stable(edges, capacity)
    assert blocking_pairs(edges, pairs, capacity) == 0
    assert within_capacity(pairs, capacity) and only_edges(pairs, edges)


@settings(max_examples=150, deadline=None)
@given(small_pools())
def test_max_total_score_reaches_the_exact_optimum_on_any_small_pool(pool):
    mentor_ids, capacity, scores, edges = pool
    pairs = max_total_score(edges, capacity)
    assert within_capacity(pairs, capacity) and only_edges(pairs, edges)
    assert total(edges, pairs) == pytest.approx(exact_max_total_score(scores, [capacity[m] for m in mentor_ids]),
                                                abs=1e-6)
