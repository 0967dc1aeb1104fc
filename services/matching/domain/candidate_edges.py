"""The sparse edge list a whole-pool run works on: allowed pairs, best k per request.

Candidates come from the topic index (candidate_search): no request is scored
against every mentor unless its bounds say it must be, so 100,000 requests by 30,000
mentors never make a dense score matrix. Each request keeps its k best mentors as
edges, a reserve of the next best, and a bound on every mentor it did not keep. A
request that runs out of its k (every one full with better-liked mentees) asks for
more: the reserve first, then, once, every mentor whose floor is within its bound,
re-scored. Mentors above the bound would refuse it now and later (floors only rise),
so deferred acceptance stays stable against the whole score matrix.
"""

from collections.abc import Mapping
from uuid import UUID

import numpy as np

from services.matching.domain.candidate_search import NONE_LEFT, SLACK, CandidateSearch, Found
from services.matching.domain.pool import Candidate, OpenRequest
from services.matching.domain.vectorised import REFUSED, VectorScorer
from services.matching.domain.whole_pool import Edge

DEFAULT_TOP_K = 40
RESERVE = 1  # kept beyond the k, as a multiple of k
BATCH = 2048  # requests searched together
SCAN_BATCH = 256  # exhausted requests re-scored together


class CandidatePool:
    def __init__(self, requests: list[tuple[OpenRequest, Candidate]], mentors: list[Candidate],
                 managers: Mapping[UUID, UUID | None], weights: dict[str, float],
                 top_k: int = DEFAULT_TOP_K) -> None:
        self.requests = requests
        self.mentor_ids = [m.participant_id for m in mentors]
        self.request_ids = [request.request_id for request, _ in requests]
        self.row_of = {ident: row for row, ident in enumerate(self.request_ids)}
        self.top_k = top_k
        self.scorer = VectorScorer(mentors, [mentee for _, mentee in requests], managers, weights)
        # Ties go to the lower mentor id, as in deferred acceptance's preferences.
        self.id_rank = np.argsort(np.argsort(np.array([ident.int for ident in self.mentor_ids], dtype=object)))
        self.edges: list[Edge] = []
        self.extra_edges: list[Edge] = []
        self.scored_pairs = 0
        starts, columns, scores, bounds = [np.zeros(1, dtype=np.int64)], [], [], []
        if requests and mentors:
            search = CandidateSearch(self.scorer, top_k)
            for start in range(0, len(requests), BATCH):
                batch = requests[start:start + BATCH]
                found = search.find(self.scorer.encode(batch), len(batch))
                self.scored_pairs += len(found.scores)
                kept, bound = self._keep(start, found, len(batch))
                starts.append(starts[-1][-1] + np.cumsum(np.bincount(found.rows[kept], minlength=len(batch))))
                columns.append(found.columns[kept].astype(np.int32))
                scores.append(found.scores[kept])
                bounds.append(bound)
        self.starts = np.concatenate(starts)
        self.columns = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int32)
        self.scores = np.concatenate(scores) if scores else np.zeros(0, dtype=np.float32)
        self.offered = np.zeros(len(self.columns), dtype=bool)
        self.bound = np.concatenate(bounds) if bounds else np.full(len(requests), NONE_LEFT)
        self.offered[self._first_k()] = True
        self.scanned = np.zeros(len(requests), dtype=bool)

    def _keep(self, start: int, found: Found, count: int) -> tuple[np.ndarray, np.ndarray]:
        """Orders each row's allowed pairs best first, makes edges of the first k, and
        keeps k + reserve; the bound is the best of what was left out, scored or not."""
        allowed = np.flatnonzero(found.scores > REFUSED)
        rows, scores = found.rows[allowed], found.scores[allowed]
        order = allowed[np.lexsort((self.id_rank[found.columns[allowed]], -scores, rows))]
        found.rows, found.columns, found.scores = found.rows[order], found.columns[order], found.scores[order]
        per_row = np.bincount(found.rows, minlength=count)
        place = np.arange(len(order)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
        keep_count = self.top_k * (1 + RESERVE)
        bound = found.unscored.copy()
        left_out = place == keep_count
        bound[found.rows[left_out]] = np.maximum(bound[found.rows[left_out]], found.scores[left_out])
        first = np.flatnonzero(place < self.top_k)
        self.edges += [Edge(self.request_ids[start + r], self.mentor_ids[c], s) for r, c, s in zip(
            found.rows[first].tolist(), found.columns[first].tolist(), found.scores[first].tolist(), strict=True)]
        return place < keep_count, bound

    def _first_k(self) -> np.ndarray:
        per_row = np.diff(self.starts)
        place = np.arange(len(self.columns)) - np.repeat(self.starts[:-1], per_row)
        return place < self.top_k

    def extend(self, exhausted: list[UUID], floors: dict[UUID, float]) -> list[Edge]:
        """Mentors beyond a request's shortlist that could still take it (see whole_pool.stable):
        a full mentor whose floor is at most the request's score (ties go to the lower
        request id, the mentor's call), or any mentor with a free seat."""
        floor = np.full(len(self.mentor_ids), -np.inf)
        column_of = {ident: column for column, ident in enumerate(self.mentor_ids)}
        for mentor, value in floors.items():
            floor[column_of[mentor]] = value
        edges: list[Edge] = []
        to_scan = []
        for request in exhausted:
            row = self.row_of[request]
            start, end = int(self.starts[row]), int(self.starts[row + 1])
            worth = ~self.offered[start:end] & (self.scores[start:end] >= floor[self.columns[start:end]])
            if not self.scanned[row] and self.bound[row] != NONE_LEFT:
                # Only what beats everything left out is surely next in the request's order.
                ahead = worth & (self.scores[start:end] > self.bound[row] + SLACK)
                if not ahead.any():
                    to_scan.append(row)
                else:
                    worth = ahead
            edges += self._offer(request, start + np.flatnonzero(worth))
        for first in range(0, len(to_scan), SCAN_BATCH):
            edges += self._scan(to_scan[first:first + SCAN_BATCH], floor)
        self.extra_edges += edges
        return edges

    def _offer(self, request: UUID, positions: np.ndarray) -> list[Edge]:
        self.offered[positions] = True  # asked once; a refusal stands
        return [Edge(request, self.mentor_ids[c], s) for c, s in zip(
            self.columns[positions].tolist(), self.scores[positions].tolist(), strict=True)]

    def _scan(self, rows: list[int], floor: np.ndarray) -> list[Edge]:
        """Re-scores each request against every mentor, not kept, whose floor is within its bound."""
        by_floor = np.argsort(floor, kind="stable")
        pair_rows, pair_columns = [], []
        for local, row in enumerate(rows):
            within = by_floor[:np.searchsorted(floor[by_floor], self.bound[row] + SLACK, side="right")]
            kept = self.columns[self.starts[row]:self.starts[row + 1]]
            within = within[~np.isin(within, kept)]
            pair_rows.append(np.full(len(within), local))
            pair_columns.append(within)
            self.scanned[row] = True  # everything else has a floor above any score it could have
        r, c = np.concatenate(pair_rows), np.concatenate(pair_columns)
        scores = self.scorer.pair_scores(self.scorer.encode([self.requests[row] for row in rows]), r, c)
        worth = np.flatnonzero((scores > REFUSED) & (scores >= floor[c]))
        return [Edge(self.request_ids[rows[i]], self.mentor_ids[j], s) for i, j, s in zip(
            r[worth].tolist(), c[worth].tolist(), scores[worth].tolist(), strict=True)]

    def all_edges(self) -> list[Edge]:
        return self.edges + self.extra_edges


def candidate_edges(requests: list[tuple[OpenRequest, Candidate]], mentors: list[Candidate],
                    managers: Mapping[UUID, UUID | None], weights: dict[str, float],
                    top_k: int = DEFAULT_TOP_K) -> list[Edge]:
    return CandidatePool(requests, mentors, managers, weights, top_k).edges
