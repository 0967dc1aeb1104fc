"""On-demand rank(): one request against a program's mentors, scalar against vectorised.

    .venv/bin/python -m bench.rank_bench [--mentors 3000 --requests 40 --rounds 5]

The baseline, measured in the same run, is the rank() this replaced: every mentor
refused, scored and explained in Python, then sorted. The vectorised one is called as
the matchmaker calls it (limit=1, the same mentors list for every request of a pass),
so the mentor columns are built once (the first call, timed apart) and reused; and as
a pass really goes, the chosen mentor one seat fuller before the next request (an open
proposal counts in the load), which before 2026-12-04 rebuilt the columns every call.
Rounds alternate the two; figures are per request, min / median / max of the rounds.
"""

import argparse
import statistics
import time

from bench.matching_bench import WEIGHTS, pool
from services.matching.domain.explanation import explain
from services.matching.domain.hard_rules import refusal
from services.matching.domain.pool import Candidate, OpenRequest, with_one_more_open_proposal
from services.matching.domain.scoring import score
from services.matching.domain.selection import ARRAYS, Choice, rank


def scalar_rank(request: OpenRequest, mentee: Candidate, mentors: list[Candidate]) -> list[Choice]:
    choices = [Choice(mentor, result, explain(request, mentee, mentor, result)) for mentor in mentors
               if refusal(request, mentee, mentor, {}) is None for result in [score(request, mentee, mentor, WEIGHTS)]]
    return sorted(choices, key=lambda choice: (-choice.score.total, str(choice.mentor.participant_id)))


def per_request_ms(requests: list[tuple[OpenRequest, Candidate]], mentors: list[Candidate], vectorised: bool,
                   fuller: bool = False) -> float:
    started = time.perf_counter()
    for request, mentee in requests:
        if vectorised:
            chosen = rank(request, mentee, mentors, {}, WEIGHTS, limit=1)
            if fuller and chosen:
                mentors = with_one_more_open_proposal(mentors, chosen[0].mentor.participant_id)
        else:
            scalar_rank(request, mentee, mentors)
    return (time.perf_counter() - started) * 1000 / len(requests)


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):8.2f} ms ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentors", type=int, default=3_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    requests, mentors = pool(args.requests, args.mentors, seed=4)
    ARRAYS.built.clear()
    started = time.perf_counter()
    rank(*requests[0], mentors, {}, WEIGHTS, limit=1)
    first_call_ms = (time.perf_counter() - started) * 1000
    for request, mentee in requests:  # the same choice both ways, before timing either
        assert rank(request, mentee, mentors, {}, WEIGHTS, limit=1)[0].mentor == \
            scalar_rank(request, mentee, mentors)[0].mentor
    scalar, vectorised, pass_like = [], [], []
    for _ in range(args.rounds):
        scalar.append(per_request_ms(requests, mentors, vectorised=False))
        vectorised.append(per_request_ms(requests, mentors, vectorised=True))
        pass_like.append(per_request_ms(requests, mentors, vectorised=True, fuller=True))
    print(f"== rank(): one request against {args.mentors} mentors, {args.requests} requests x {args.rounds} rounds ==")
    print(f"  scalar (baseline)          {spread(scalar)}")
    print(f"  vectorised, columns reused {spread(vectorised)}")
    print(f"  vectorised, a pass (chosen mentor one seat fuller each time) {spread(pass_like)}")
    print(f"  vectorised, first call (builds the columns) {first_call_ms:.1f} ms")
    ratios = [s / v for s, v in zip(scalar, vectorised, strict=True)]
    print(f"  -> vectorised is {statistics.median(scalar) / statistics.median(vectorised):.1f}x the scalar speed "
          f"(per-round ratios {min(ratios):.1f}-{max(ratios):.1f})")


if __name__ == "__main__":
    main()
