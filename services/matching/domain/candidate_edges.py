"""The sparse edge list a whole-pool run works on: allowed pairs, best k per request."""

import heapq
from collections.abc import Mapping
from uuid import UUID

from services.matching.domain.hard_rules import refusal
from services.matching.domain.pool import Candidate, OpenRequest
from services.matching.domain.scoring import score
from services.matching.domain.whole_pool import Edge

DEFAULT_TOP_K = 40


def candidate_edges(requests: list[tuple[OpenRequest, Candidate]], mentors: list[Candidate],
                    managers: Mapping[UUID, UUID | None], weights: dict[str, float],
                    top_k: int = DEFAULT_TOP_K) -> list[Edge]:
    edges: list[Edge] = []
    for request, mentee in requests:
        allowed = (
            Edge(request.request_id, mentor.participant_id, score(request, mentee, mentor, weights).total)
            for mentor in mentors if refusal(request, mentee, mentor, managers) is None
        )
        edges += heapq.nlargest(top_k, allowed, key=lambda e: (e.score, str(e.mentor)))
    return edges
