"""One whole-pool run: the program's objective applied to its candidate pool."""

from dataclasses import dataclass
from uuid import UUID

from services.matching.domain.candidate_edges import CandidatePool
from services.matching.domain.pool_figures import pair_scores, pool_figures
from services.matching.domain.pool_objectives import max_total_score, stable

ALGORITHMS = {"stable": "capacitated-deferred-acceptance/v1", "max_total_score": "min-cost-flow-assignment/v1"}


@dataclass(frozen=True)
class Outcome:
    pairs: dict[UUID, UUID]  # request -> mentor
    scores: dict[tuple[UUID, UUID], float]
    summary: dict[str, float]


def solve(objective: str, candidates: CandidatePool, capacity: dict[UUID, int]) -> Outcome:
    if objective == "stable":
        pairs = stable(candidates, capacity)
    else:
        pairs = max_total_score(candidates, capacity)
    summary = pool_figures(candidates, pairs, capacity)
    return Outcome(pairs, pair_scores(candidates, pairs), summary)

