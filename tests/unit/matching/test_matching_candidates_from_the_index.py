"""Candidates found from the topic index give exactly what scoring every pair gives.

The reference scores the whole matrix with the same vectorised scorer, keeps each
request's k best by (score, mentor id) and runs deferred acceptance on every allowed
pair. The index must leave out only mentors that could not change either result.
"""

import random
from dataclasses import replace
from uuid import uuid4

import numpy as np
import pytest

from services.matching.domain.candidate_edges import CandidatePool
from services.matching.domain.pool import Candidate, OpenRequest, ProgramRules, Window
from services.matching.domain.vectorised import REFUSED, VectorScorer
from services.matching.domain import pool_objectives
from services.matching.domain.pool_figures import pair_scores, pool_figures
from services.matching.domain.whole_pool import Edge, blocking_pairs, max_total_score, stable, summarise
from tests.unit.matching.people import WEIGHTS
from tests.unit.matching.test_matching_vectorised_equals_scalar import random_rules

TOPICS = [f"topic-{n}" for n in range(14)]
ZONES = ["Europe/Paris", "Europe/London", "America/New_York", "Asia/Kolkata"]


def person(rng: random.Random, roles: str, managers: list) -> Candidate:
    start = rng.randrange(8 * 4, 20 * 4) * 15
    return Candidate(
        participant_id=uuid4(), program_id=uuid4(), profile_version=1, roles=roles,
        offers={t: rng.choice(["basic", "intermediate", "expert"]) for t in rng.sample(TOPICS, rng.randint(0, 3))},
        wants=frozenset(rng.sample(TOPICS, rng.randint(0, 2))), years_experience=rng.randint(0, 30),
        organization=rng.choice(["acme", "globex", "initech"]), department=rng.choice(["eng", "ops"]),
        manager_id=rng.choice(managers) if managers and rng.random() < 0.1 else None,
        location=rng.choice(["", "paris", "london"]), time_zone=rng.choice(ZONES),
        meeting_modes=frozenset(rng.sample(["in_person", "video", "phone", "chat"], rng.randint(1, 2))),
        availability=tuple(Window(rng.randrange(7), start, start + 120) for _ in range(rng.randint(0, 2))),
        languages=frozenset(rng.sample(["en", "fr", "de"], rng.randint(1, 2))), capacity=rng.randint(1, 3),
        active=rng.random() > 0.05, load=rng.choice([0, 0, 0, 1]),
    )


def program(seed: int, requests: int, mentors: int):
    rng = random.Random(seed)
    mentor_people: list[Candidate] = []
    for _ in range(mentors):
        mentor_people.append(person(rng, rng.choice(["mentor", "mentor", "both"]),
                                    [m.participant_id for m in mentor_people]))
    pairs = []
    for _ in range(requests):
        mentee = person(rng, "mentee", [m.participant_id for m in mentor_people])
        request = OpenRequest(
            request_id=uuid4(), program_id=uuid4(), mentee_id=mentee.participant_id,
            format=rng.choice(["one_to_one"] * 8 + ["reciprocal", "peer"]),
            goals=tuple((t, "o") for t in rng.choices(TOPICS + ["nobody's topic"], k=rng.randint(1, 3))),
            meeting_modes=frozenset(rng.sample(["video", "in_person"], rng.randint(0, 1))),
            must_have=frozenset(rng.sample(["language:fr", "organization:acme"], rng.randint(0, 1))),
            avoid=frozenset(rng.sample(["department:ops", "location:london"], rng.choice([0, 0, 0, 1]))),
            declined_mentor_ids=frozenset({rng.choice(mentor_people).participant_id}),
            rules=random_rules(rng) if rng.random() < 0.3 else ProgramRules(),
        )
        pairs.append((request, mentee))
    managers = {p.participant_id: p.manager_id for p in [*mentor_people, *(m for _, m in pairs)]}
    return pairs, mentor_people, managers


def whole_matrix(pairs, mentors, managers) -> list[Edge]:  # noqa: ANN001
    rows = VectorScorer(mentors, [m for _, m in pairs], managers, WEIGHTS).scores_for(pairs)
    return [Edge(pairs[i][0].request_id, mentors[j].participant_id, float(rows[i, j]))
            for i, j in zip(*np.nonzero(rows > REFUSED), strict=True)]


def best_k(edges: list[Edge], k: int) -> set[Edge]:
    by_request: dict = {}
    for edge in edges:
        by_request.setdefault(edge.request, []).append(edge)
    return {e for options in by_request.values() for e in sorted(options, key=lambda e: (-e.score, e.mentor))[:k]}


CASES = [(seed, k) for seed in range(6) for k in (1, 3, 8)]


@pytest.mark.parametrize(("seed", "k"), CASES)
def test_the_shortlists_are_the_k_best_of_the_whole_matrix(seed, k):
    pairs, mentors, managers = program(seed, requests=160, mentors=90)
    pool = CandidatePool(pairs, mentors, managers, WEIGHTS, top_k=k)
    assert set(pool.edges) == best_k(whole_matrix(pairs, mentors, managers), k)
    assert len(pool.edges) == len(set(pool.edges))


@pytest.mark.parametrize(("seed", "k"), CASES)
def test_deferred_acceptance_on_the_shortlists_equals_it_on_the_whole_matrix(seed, k):
    # Three requests per seat: most mentors fill, many requests run out of their k and extend.
    pairs, mentors, managers = program(100 + seed, requests=240, mentors=60)
    capacity = {m.participant_id: max(0, m.capacity - m.load) for m in mentors}
    whole = whole_matrix(pairs, mentors, managers)
    pool = CandidatePool(pairs, mentors, managers, WEIGHTS, top_k=k)
    matched = stable(pool.edges, capacity, pool.extend)
    assert matched == stable(whole, capacity)
    assert blocking_pairs(whole, matched, capacity) == 0
    assert pool.extra_edges  # the extension was exercised


@pytest.mark.parametrize(("seed", "k"), CASES)
def test_the_objectives_on_the_pools_arrays_give_what_they_give_on_its_edges(seed, k):
    pairs, mentors, managers = program(100 + seed, requests=240, mentors=60)
    capacity = {m.participant_id: max(0, m.capacity - m.load) for m in mentors}
    on_edges, on_arrays = (CandidatePool(pairs, mentors, managers, WEIGHTS, top_k=k) for _ in range(2))
    # The same pairs in the same order, and the same extensions handed out in the same turns.
    assert list(pool_objectives.stable(on_arrays, capacity).items()) == \
        list(stable(on_edges.edges, capacity, on_edges.extend).items())
    assert on_arrays.extra_edges == on_edges.extra_edges
    assert list(pool_objectives.max_total_score(on_arrays, capacity).items()) == \
        list(max_total_score(on_edges.edges, capacity).items())


def test_the_index_scores_far_fewer_pairs_than_the_whole_matrix():
    # A program shaped like the bench's: many topics, a few offered and wanted by each.
    rng = random.Random(7)
    topics = [f"skill-{n}" for n in range(40)]

    def focused(roles: str) -> Candidate:
        return replace(person(rng, roles, []), offers={t: "expert" for t in rng.sample(topics, 4)},
                       wants=frozenset(rng.sample(topics, 2)), active=True, load=0)

    mentors = [focused("mentor") for _ in range(400)]
    mentees = [focused("mentee") for _ in range(200)]
    pairs = [(OpenRequest(request_id=uuid4(), program_id=uuid4(), mentee_id=mentee.participant_id,
                          format="one_to_one", goals=tuple((t, "o") for t in rng.sample(topics, 2)),
                          meeting_modes=frozenset()), mentee) for mentee in mentees]
    pool = CandidatePool(pairs, mentors, {}, WEIGHTS, top_k=5)
    assert set(pool.edges) == best_k(whole_matrix(pairs, mentors, {}), 5)
    assert pool.scored_pairs < 0.2 * len(pairs) * len(mentors)


@pytest.mark.parametrize("seed", range(3))
def test_the_pool_figures_equal_the_edge_list_summary(seed):
    pairs, mentors, managers = program(200 + seed, requests=200, mentors=50)
    capacity = {m.participant_id: max(0, m.capacity - m.load) for m in mentors}
    pool = CandidatePool(pairs, mentors, managers, WEIGHTS, top_k=3)
    for matched in (stable(pool.edges, capacity, pool.extend), max_total_score(pool.edges, capacity)):
        assert pool_figures(pool, matched, capacity) == summarise(pool.all_edges(), matched, capacity, len(pairs))
        scores = {(e.request, e.mentor): e.score for e in pool.all_edges()}
        assert pair_scores(pool, matched) == {pair: scores[pair] for pair in matched.items()}
