"""The whole-pool objectives on pools small enough to check by hand or exactly."""

import random
from collections import Counter
from uuid import uuid4

import numpy as np
import pytest

from services.matching.domain.whole_pool import Edge, blocking_pairs, max_total_score, stable
from tests.support.exact_optimum import exact_max_total_score

R1, R2, R3 = (uuid4() for _ in range(3))
M1, M2 = uuid4(), uuid4()
#            M1  M2
# R1         90  80
# R2         85  10
# R3         70  60
HAND = [Edge(R1, M1, 90), Edge(R1, M2, 80), Edge(R2, M1, 85), Edge(R2, M2, 10), Edge(R3, M1, 70), Edge(R3, M2, 60)]


def test_stable_on_a_hand_checked_pool():
    assert stable(HAND, {M1: 1, M2: 1}) == {R1: M1, R3: M2}


def test_max_total_score_on_a_hand_checked_pool():
    # R1-M2 + R2-M1 = 165 beats R1-M1 + R3-M2 = 150.
    assert max_total_score(HAND, {M1: 1, M2: 1}) == {R1: M2, R2: M1}


def test_capacity_two_takes_the_two_best_liked():
    assert stable(HAND, {M1: 2, M2: 0}) == {R1: M1, R2: M1}


def random_pool(seed: int, requests: int = 30, mentors: int = 12):
    rng = random.Random(seed)
    request_ids, mentor_ids = [uuid4() for _ in range(requests)], [uuid4() for _ in range(mentors)]
    capacity = {m: rng.randint(1, 3) for m in mentor_ids}
    scores = np.array([[round(rng.random() * 100, 3) for _ in mentor_ids] for _ in request_ids])
    edges = [Edge(r, m, float(scores[i, j])) for i, r in enumerate(request_ids) for j, m in enumerate(mentor_ids)]
    return request_ids, mentor_ids, capacity, scores, edges


@pytest.mark.parametrize("seed", range(6))
def test_stable_leaves_no_blocking_pair(seed):
    *_, capacity, _, edges = random_pool(seed)
    pairs = stable(edges, capacity)
    assert blocking_pairs(edges, pairs, capacity) == 0
    assert all(count <= capacity[m] for m, count in Counter(pairs.values()).items())


@pytest.mark.parametrize("seed", range(6))
def test_max_total_score_reaches_the_exact_optimum_within_capacities(seed):
    request_ids, mentor_ids, capacity, scores, edges = random_pool(seed)
    pairs = max_total_score(edges, capacity)
    total = sum(scores[request_ids.index(r), mentor_ids.index(m)] for r, m in pairs.items())
    assert total == pytest.approx(exact_max_total_score(scores, [capacity[m] for m in mentor_ids]), abs=1e-6)
    assert all(count <= capacity[m] for m, count in Counter(pairs.values()).items())


def test_a_pool_with_fewer_seats_than_requests_leaves_the_rest_unmatched():
    assert len(stable(HAND, {M1: 1, M2: 0})) == 1
    assert len(max_total_score(HAND, {M1: 1, M2: 0})) == 1


def test_a_mentor_with_no_seat_left_is_asked_by_nobody_and_does_not_stop_the_run():
    full, free, first, second = uuid4(), uuid4(), uuid4(), uuid4()
    edges = [Edge(first, full, 0.9), Edge(second, full, 0.8)]
    more = [Edge(first, free, 0.5)]
    asked_beyond = []

    def extend(exhausted, floors):  # noqa: ANN001, ANN202
        asked_beyond.append(dict(floors))
        return more if not len(asked_beyond) > 1 else []

    assert stable(edges, {full: 0, free: 1}, extend) == {first: free}
    assert asked_beyond[0][full] == float("inf")
