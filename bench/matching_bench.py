"""Whole-pool matching at program scale: wall time and quality for both objectives.

    .venv/bin/python -m bench.matching_bench [--mentees 10000 --mentors 3000]

Figures are printed as ratios against baselines measured in the same run (the
machine is shared and noisy): the dense exact assignment, and the scalar scorer.
"""

import argparse
import random
import time
from uuid import uuid4

import numpy as np

from services.matching.domain.candidate_edges import CandidatePool, candidate_edges
from services.matching.domain.pool import Candidate, OpenRequest, Window
from services.matching.domain.scoring import score
from services.matching.domain.vectorised import REFUSED, VectorScorer
from services.matching.domain.whole_pool import (
    blocking_pairs, max_total_score, stable, summarise,
)
from tests.support.exact_optimum import exact_max_total_score

TOPICS = [f"topic-{n}" for n in range(60)]
ZONES = ["Europe/Paris", "Europe/London", "Europe/Helsinki", "America/New_York", "Asia/Kolkata", "UTC"]
WEIGHTS = {"learning": 40, "reciprocity": 20, "logistics": 20, "language": 10, "career_gap": 5, "outside_circle": 5}


def person(rng: random.Random, roles: str, capacity: int) -> Candidate:
    start = rng.randrange(8 * 4, 20 * 4) * 15
    return Candidate(
        participant_id=uuid4(), program_id=uuid4(), profile_version=1, roles=roles,
        offers={t: rng.choice(["basic", "intermediate", "expert"]) for t in rng.sample(TOPICS, 4)},
        wants=frozenset(rng.sample(TOPICS, 2)), years_experience=rng.randint(0, 30),
        organization=f"org-{rng.randrange(20)}", department=f"dept-{rng.randrange(5)}", manager_id=None,
        location=rng.choice(["paris", "london", "remote"]), time_zone=rng.choice(ZONES),
        meeting_modes=frozenset(rng.sample(["in_person", "video", "phone", "chat"], 2)),
        availability=(Window(rng.randrange(7), start, start + 120),),
        languages=frozenset(rng.sample(["en", "fr", "de", "es"], 2)), capacity=capacity,
    )


def pool(mentees: int, mentors: int, seed: int) -> tuple[list[tuple[OpenRequest, Candidate]], list[Candidate]]:
    rng = random.Random(seed)
    mentor_list = [person(rng, "mentor", rng.randint(1, 5)) for _ in range(mentors)]
    requests = []
    for _ in range(mentees):
        mentee = person(rng, "mentee", 1)
        request = OpenRequest(request_id=uuid4(), program_id=uuid4(), mentee_id=mentee.participant_id,
                              format="one_to_one", goals=tuple((t, "o") for t in rng.sample(TOPICS, 2)),
                              meeting_modes=frozenset())
        requests.append((request, mentee))
    return requests, mentor_list


def timed(label: str, work):  # noqa: ANN001, ANN201
    started = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - started
    print(f"  {label:<44} {elapsed:8.2f} s")
    return result, elapsed


def full_scale(mentees: int, mentors: int) -> None:
    print(f"\n== whole pool: {mentees} mentees x {mentors} mentors (capacity 1-5) ==")
    requests, mentor_list = pool(mentees, mentors, seed=1)
    capacity = {m.participant_id: m.capacity for m in mentor_list}
    candidates, t_edges = timed("candidate edges (vectorised, top 40)", lambda: CandidatePool(
        requests, mentor_list, {}, WEIGHTS))
    edges = candidates.edges
    solvers = (("stable", lambda: stable(edges, capacity, candidates.extend)),
               ("max_total_score", lambda: max_total_score(edges, capacity)))
    for objective, solve in solvers:
        pairs, t_solve = timed(f"{objective} assignment", solve)
        figures = summarise(candidates.all_edges(), pairs, capacity, len(requests))
        print(f"  -> {objective}: total {t_edges + t_solve:.2f} s, matched {figures['matched_ratio']:.1%}, "
              f"mean {figures['mean_score']:.1f}, min {figures['min_score']:.1f}, "
              f"blocking pairs on the edges {figures['blocking_pairs']}")
    sample = requests[:200]
    _, t_scalar = timed("scalar scorer, 200 mentees x all mentors", lambda: [
        score(r, m, mentor, WEIGHTS) for r, m in sample for mentor in mentor_list])
    scorer = VectorScorer(mentor_list, [m for _, m in sample], {}, WEIGHTS)
    _, t_vector = timed("vectorised scorer, same 200 mentees", lambda: [scorer.scores(r, m) for r, m in sample])
    print(f"  -> vectorised scoring is {t_scalar / t_vector:.0f}x the scalar scorer's speed")


def quality_against_exact(mentees: int, mentors: int) -> None:
    print(f"\n== quality against exact solvers: {mentees} x {mentors} ==")
    requests, mentor_list = pool(mentees, mentors, seed=2)
    capacity = {m.participant_id: m.capacity for m in mentor_list}
    scorer = VectorScorer(mentor_list, [m for _, m in requests], {}, WEIGHTS)
    dense = np.stack([scorer.scores(r, m) for r, m in requests]).clip(min=0)
    exact, t_exact = timed("dense exact assignment (baseline)", lambda: exact_max_total_score(
        dense, [m.capacity for m in mentor_list]))
    edges, t_edges = timed("sparse edges (top 40)", lambda: candidate_edges(requests, mentor_list, {}, WEIGHTS))
    pairs, t_sparse = timed("sparse max_total_score", lambda: max_total_score(edges, capacity))
    column = {m.participant_id: c for c, m in enumerate(mentor_list)}
    row = {r.request_id: i for i, (r, _) in enumerate(requests)}
    total = sum(dense[row[r], column[m]] for r, m in pairs.items())
    print(f"  -> sparse total {total:.1f} vs exact {exact:.1f}: gap {(exact - total) / exact:.3%}; "
          f"time {(t_edges + t_sparse) / t_exact:.2f}x the dense baseline")
    full_edges = [type(edges[0])(r.request_id, m.participant_id, float(dense[i, j]))
                  for i, (r, _) in enumerate(requests) for j, m in enumerate(mentor_list) if dense[i, j] > REFUSED]
    shortlist = CandidatePool(requests, mentor_list, {}, WEIGHTS)
    stable_pairs = stable(shortlist.edges, capacity, shortlist.extend)
    print(f"  -> stable on top-40 edges: blocking pairs over the FULL score matrix: "
          f"{blocking_pairs(full_edges, stable_pairs, capacity)} "
          f"(without extending exhausted lists: "
          f"{blocking_pairs(full_edges, stable(edges, capacity), capacity)})")


def sparse_against_dense(mentees: int, mentors: int) -> None:
    print(f"\n== sparse pipeline against the dense exact assignment: {mentees} x {mentors} ==")
    requests, mentor_list = pool(mentees, mentors, seed=3)
    capacity = {m.participant_id: m.capacity for m in mentor_list}

    def dense() -> float:
        scorer = VectorScorer(mentor_list, [m for _, m in requests], {}, WEIGHTS)
        rows = np.concatenate([scorer.scores_for(requests[i:i + 256]) for i in range(0, len(requests), 256)])
        return exact_max_total_score(rows.clip(min=0), [m.capacity for m in mentor_list])

    def sparse() -> float:
        candidates = CandidatePool(requests, mentor_list, {}, WEIGHTS)
        pairs = max_total_score(candidates.edges, capacity)
        scores = {(e.request, e.mentor): e.score for e in candidates.edges}
        return sum(scores[pair] for pair in pairs.items())

    exact, t_dense = timed("dense: score everything, exact assignment (baseline)", dense)
    total, t_sparse = timed("sparse: top-40 edges, min-cost flow", sparse)
    print(f"  -> sparse takes {t_sparse / t_dense:.2f}x the dense time; total within "
          f"{(exact - total) / exact:.4%} of the exact optimum")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentees", type=int, default=10_000)
    parser.add_argument("--mentors", type=int, default=3_000)
    args = parser.parse_args()
    quality_against_exact(800, 300)
    sparse_against_dense(3000, 1000)
    full_scale(args.mentees, args.mentors)


if __name__ == "__main__":
    main()
