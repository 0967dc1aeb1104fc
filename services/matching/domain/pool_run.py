"""One whole-pool run: the program's objective applied to its candidate pool."""

from dataclasses import dataclass
from uuid import UUID

from services.matching.domain.candidate_edges import CandidatePool
from services.matching.domain.whole_pool import max_total_score, stable, summarise

ALGORITHMS = {"stable": "capacitated-deferred-acceptance/v1", "max_total_score": "min-cost-flow-assignment/v1"}


@dataclass(frozen=True)
class Outcome:
    pairs: dict[UUID, UUID]  # request -> mentor
    scores: dict[tuple[UUID, UUID], float]
    summary: dict[str, float]


def solve(objective: str, candidates: CandidatePool, capacity: dict[UUID, int]) -> Outcome:
    if objective == "stable":
        pairs = stable(candidates.edges, capacity, candidates.extend)
    else:
        pairs = max_total_score(candidates.edges, capacity)
    edges = candidates.all_edges()
    scores = {(e.request, e.mentor): e.score for e in edges}
    return Outcome(pairs, {pair: scores[pair] for pair in pairs.items()},
                   summarise(edges, pairs, capacity, len(candidates.request_ids)))
