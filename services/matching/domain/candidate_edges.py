"""The sparse edge list a whole-pool run works on: allowed pairs, best k per request.

Keeping each request's k best mentors is what makes ten thousand requests
tractable. The full rows are kept, so a request that runs out of its k (every one
of them full with better-liked mentees) can ask for the rest: deferred acceptance
then stays stable against the whole score matrix, not just the shortlist.
"""

from collections.abc import Mapping
from uuid import UUID

import numpy as np

from services.matching.domain.pool import Candidate, OpenRequest
from services.matching.domain.vectorised import REFUSED, VectorScorer
from services.matching.domain.whole_pool import Edge

DEFAULT_TOP_K = 40
BATCH = 256


class CandidatePool:
    def __init__(self, requests: list[tuple[OpenRequest, Candidate]], mentors: list[Candidate],
                 managers: Mapping[UUID, UUID | None], weights: dict[str, float],
                 top_k: int = DEFAULT_TOP_K) -> None:
        self.mentor_ids = [m.participant_id for m in mentors]
        self.request_ids = [request.request_id for request, _ in requests]
        self.row_of = {ident: row for row, ident in enumerate(self.request_ids)}
        self.top_k = top_k
        if not requests or not mentors:
            self.rows = np.zeros((len(requests), len(mentors)), dtype=np.float32)
        else:
            scorer = VectorScorer(mentors, [mentee for _, mentee in requests], managers, weights)
            self.rows = np.concatenate([scorer.scores_for(requests[start:start + BATCH]).astype(np.float32)
                                        for start in range(0, len(requests), BATCH)])
        self.edges = self._shortlists()

    def _shortlists(self) -> list[Edge]:
        self.extra_edges: list[Edge] = []
        if self.rows.size == 0:
            self.shortlisted = np.zeros(self.rows.shape, dtype=bool)
            return []
        k = min(self.top_k, self.rows.shape[1])
        best = np.argpartition(-self.rows, k - 1, axis=1)[:, :k]
        self.shortlisted = np.zeros(self.rows.shape, dtype=bool)
        np.put_along_axis(self.shortlisted, best, True, axis=1)
        return self._edges_where(self.shortlisted & (self.rows > REFUSED), np.arange(len(self.request_ids)))

    def _edges_where(self, mask: np.ndarray, rows: np.ndarray) -> list[Edge]:
        found_rows, found_columns = np.nonzero(mask)
        scores = self.rows[rows[found_rows], found_columns]
        return [Edge(self.request_ids[rows[r]], self.mentor_ids[c], float(v))
                for r, c, v in zip(found_rows.tolist(), found_columns.tolist(), scores.tolist(), strict=True)]

    def extend(self, exhausted: list[UUID], floors: dict[UUID, float]) -> list[Edge]:
        """Mentors beyond a request's shortlist that could still take it (see whole_pool.stable)."""
        floor = np.full(len(self.mentor_ids), REFUSED, dtype=np.float32)
        column_of = {ident: column for column, ident in enumerate(self.mentor_ids)}
        for mentor, value in floors.items():
            floor[column_of[mentor]] = value
        rows = np.array([self.row_of[request] for request in exhausted])
        worth_asking = (self.rows[rows] > floor[None, :]) & ~self.shortlisted[rows]
        self.shortlisted[rows] |= worth_asking  # asked once; a refusal stands
        edges = self._edges_where(worth_asking, rows)
        self.extra_edges += edges
        return edges

    def all_edges(self) -> list[Edge]:
        return self.edges + self.extra_edges


def candidate_edges(requests: list[tuple[OpenRequest, Candidate]], mentors: list[Candidate],
                    managers: Mapping[UUID, UUID | None], weights: dict[str, float],
                    top_k: int = DEFAULT_TOP_K) -> list[Edge]:
    return CandidatePool(requests, mentors, managers, weights, top_k).edges
