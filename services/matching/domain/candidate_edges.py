"""The sparse edge list a whole-pool run works on: allowed pairs, best k per request.

Candidates come from the topic index (candidate_search): no request is scored
against every mentor unless its bounds say it must be, so 100,000 requests by 30,000
mentors never make a dense score matrix. Each request keeps its k best mentors as
edges, a reserve of the next best, and a bound on every mentor it did not keep.

A request that runs out of its k (every one full with better-liked mentees) asks for
more, in its own order of preference: the reserve that beats the bound first; then,
once, every mentor whose floor is within the bound, re-scored and merged with the rest
of the reserve. Mentors above the bound would refuse it now and later (floors only
rise), so deferred acceptance gives what it gives on the whole score matrix. Each
answer stops at the first mentor with a free seat, who is sure to take the request.
"""

from collections.abc import Mapping
from functools import cached_property, partial
from uuid import UUID

import numpy as np

from services.matching.domain.candidate_search import KEPT, NONE_LEFT, SLACK, CandidateSearch, Found
from services.matching.domain.pool import Candidate, OpenRequest
from services.matching.domain.vectorised import REFUSED, VectorScorer
from services.matching.domain.whole_pool import Edge

DEFAULT_TOP_K = 40
BATCH = 2048  # requests searched together
SCAN_BATCH = 256  # exhausted requests re-scored together
SCORE_STEPS = 1 << 21  # more than 100 points in ten-thousandths
new_edge = partial(tuple.__new__, Edge)  # without the Python-level __new__: millions are made


class CandidatePool:
    def __init__(self, requests: list[tuple[OpenRequest, Candidate]], mentors: list[Candidate],
                 managers: Mapping[UUID, UUID | None], weights: dict[str, float],
                 top_k: int = DEFAULT_TOP_K) -> None:
        self.requests = requests
        self.mentor_ids = [m.participant_id for m in mentors]
        self.request_ids = [request.request_id for request, _ in requests]
        self.row_of = {ident: row for row, ident in enumerate(self.request_ids)}
        self.column_of = {ident: column for column, ident in enumerate(self.mentor_ids)}
        self.request_array = np.array(self.request_ids, dtype=object)  # ids, taken by index arrays
        self.mentor_array = np.array(self.mentor_ids, dtype=object)
        self.top_k = top_k
        self.scorer = VectorScorer(mentors, [mentee for _, mentee in requests], managers, weights)
        # Ties go to the lower mentor id, as in deferred acceptance's preferences.
        self.id_rank = id_ranks(self.mentor_ids)
        self.scored_pairs = 0
        starts, columns, scores, bounds, shortlists = [np.zeros(1, dtype=np.int64)], [], [], [], []
        if requests and mentors:
            search = CandidateSearch(self.scorer, top_k)
            for start in range(0, len(requests), BATCH):
                batch = requests[start:start + BATCH]
                found = search.find(self.scorer.encode(batch), len(batch))
                self.scored_pairs += found.scored
                kept, shortlist = self._keep(start, found, len(batch))
                shortlists.append(shortlist)
                starts.append(starts[-1][-1] + np.cumsum(np.bincount(found.rows[kept], minlength=len(batch))))
                columns.append(found.columns[kept].astype(np.int32))
                scores.append(found.scores[kept])
                bounds.append(found.unscored)
        # Every edge handed out, as integer rows, columns and scores: the shortlists, then each
        # extension. Edge tuples of ids are made only when asked for (4 million at full scale).
        self.shortlists = concatenated(shortlists)
        self.handed_out = [self.shortlists]
        self.starts = np.concatenate(starts)
        self.columns = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int32)
        self.scores = np.concatenate(scores) if scores else np.zeros(0, dtype=np.float32)
        self.bound = np.concatenate(bounds) if bounds else np.full(len(requests), NONE_LEFT)
        self.next = np.minimum(np.diff(self.starts), top_k)  # per request: its first kept pair not yet asked
        self.rest: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # after a re-score: all still worth asking
        self.rest_next: dict[int, int] = {}

    def _keep(self, start: int, found: Found,
              count: int) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Orders each row's allowed pairs best first and keeps k + reserve, the first k as the
        shortlist; the bound takes in the best of what was left out."""
        allowed = np.flatnonzero(found.scores > REFUSED)
        order = allowed[np.argsort(self._order_keys(found.rows[allowed], found.scores[allowed],
                                                    found.columns[allowed]))]
        found.rows, found.columns, found.scores = found.rows[order], found.columns[order], found.scores[order]
        per_row = np.bincount(found.rows, minlength=count)
        place = np.arange(len(order)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
        left_out = place == self.top_k * KEPT
        found.unscored[found.rows[left_out]] = np.maximum(found.unscored[found.rows[left_out]],
                                                          found.scores[left_out])
        first = place < self.top_k
        return place < self.top_k * KEPT, arrays(found.rows[first] + start, found.columns[first], found.scores[first])

    def _order_keys(self, rows: np.ndarray, scores: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """One integer per pair ordering by row, then best score, then lower mentor id: a single
        sort instead of a three-key lexsort. Scores carry four decimals within [0, 100]."""
        worse = SCORE_STEPS - np.rint(scores.astype(np.float64) * 10_000).astype(np.int64)
        return (rows.astype(np.int64) << 42) | (worse << 21) | self.id_rank[columns]

    @cached_property
    def edges(self) -> list[Edge]:
        """Each request's k best, best first."""
        return self.edges_of(*self.shortlists)

    @property
    def extra_edges(self) -> list[Edge]:
        """What extending handed out beyond the shortlists, in turn."""
        return [edge for part in self.handed_out[1:] for edge in self.edges_of(*part)]

    def edges_of(self, rows: np.ndarray, columns: np.ndarray, scores: np.ndarray) -> list[Edge]:
        return list(map(new_edge, zip(self.request_array[rows].tolist(), self.mentor_array[columns].tolist(),
                                      scores.tolist(), strict=True)))

    def edge_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows, columns and scores of every edge handed out."""
        return concatenated(self.handed_out)

    def extend(self, exhausted: list[UUID], floors: dict[UUID, float]) -> list[Edge]:
        """extend_rows for ids (see whole_pool.stable)."""
        floor = np.full(len(self.mentor_ids), -np.inf)
        for mentor, value in floors.items():
            floor[self.column_of[mentor]] = value
        return self.edges_of(*self.extend_rows([self.row_of[request] for request in exhausted], floor))

    def extend_rows(self, exhausted: list[int], floor: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mentors beyond a request's shortlist that could still take it: a full mentor whose
        floor is at most the request's score (a tie at the floor goes to the lower request id,
        the mentor's call), or any mentor with a free seat (floor -inf); each request's
        together, in its order of preference."""
        parts = []
        to_scan = []
        for row in exhausted:
            if row in self.rest:
                parts.append(self._ask_from_rest(row, floor))
                continue
            start, end = int(self.starts[row]), int(self.starts[row + 1])
            at = start + int(self.next[row])
            sure = end  # what beats everything left out is surely next in the request's order
            if self.bound[row] != NONE_LEFT:
                sure = at + int(np.count_nonzero(self.scores[at:end] > self.bound[row] + SLACK))
            asked, stop = next_asks(self.columns[at:sure], self.scores[at:sure], floor)
            self.next[row] = stop + at - start
            if len(asked):
                parts.append(arrays(np.full(len(asked), row), self.columns[at + asked], self.scores[at + asked]))
            elif self.bound[row] != NONE_LEFT:
                to_scan.append(row)
        for first in range(0, len(to_scan), SCAN_BATCH):
            rows = to_scan[first:first + SCAN_BATCH]
            self._rescore(rows, floor)
            for row in rows:
                parts.append(self._ask_from_rest(row, floor))
        handed = concatenated(parts)
        self.handed_out.append(handed)
        return handed

    def _rescore(self, rows: list[int], floor: np.ndarray) -> None:
        """Scores each request against every mentor it did not keep whose floor is within its
        bound; those, with the rest of its reserve, are all it will ever be worth asking."""
        by_floor = np.argsort(floor, kind="stable")
        floor_order = floor[by_floor]
        kept = np.zeros(len(self.mentor_ids), dtype=bool)
        pair_columns = []
        for row in rows:
            within = by_floor[:np.searchsorted(floor_order, self.bound[row] + SLACK, side="right")]
            mine = self.columns[self.starts[row]:self.starts[row + 1]]
            kept[mine] = True
            pair_columns.append(within[~kept[within]])
            kept[mine] = False
        lengths = np.array([len(columns) for columns in pair_columns], dtype=np.int64)
        r, c = np.repeat(np.arange(len(rows)), lengths), np.concatenate(pair_columns)
        scores = self.scorer.pair_scores(self.scorer.encode([self.requests[row] for row in rows]), r, c)
        worth = (scores > REFUSED) & (scores >= floor[c])
        ends = np.cumsum(lengths).tolist()
        for row, first, last in zip(rows, [0, *ends[:-1]], ends, strict=True):
            mine = first + np.flatnonzero(worth[first:last])
            at, end = int(self.starts[row] + self.next[row]), int(self.starts[row + 1])
            columns = np.concatenate([self.columns[at:end].astype(np.int64), c[mine]])
            scores_of = np.concatenate([self.scores[at:end], scores[mine]])
            order = np.argsort(self._order_keys(np.zeros(len(columns), dtype=np.int64), scores_of, columns))
            self.rest[row], self.rest_next[row] = (columns[order], scores_of[order]), 0

    def _ask_from_rest(self, row: int, floor: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        columns, scores = self.rest[row]
        at = self.rest_next[row]
        asked, stop = next_asks(columns[at:], scores[at:], floor)
        self.rest_next[row] = at + stop
        return arrays(np.full(len(asked), row), columns[at + asked], scores[at + asked])

    def all_edges(self) -> list[Edge]:
        return self.edges + self.extra_edges


def arrays(rows: np.ndarray, columns: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return rows.astype(np.int64), columns.astype(np.int64), scores.astype(np.float32)


def concatenated(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    rows, columns, scores = (np.concatenate(part) for part in zip(*parts, strict=True))
    return rows, columns, scores


def id_ranks(ids: list[UUID]) -> np.ndarray:
    """Each id's place in the order of ids (UUIDs order by their integer)."""
    by_id = np.array([ident.int for ident in ids], dtype=object)
    return np.argsort(np.argsort(by_id)).astype(np.int64)


def next_asks(columns: np.ndarray, scores: np.ndarray, floor: np.ndarray) -> tuple[np.ndarray, int]:
    """Of a request's next options, best first: those at or above their mentor's floor, up to
    the first with a free seat; and how far that went. Those below their floor now would be
    below it later too."""
    worth = scores >= floor[columns]
    sure = np.flatnonzero(worth & (floor[columns] == -np.inf))
    stop = int(sure[0]) + 1 if len(sure) else len(columns)
    return np.flatnonzero(worth[:stop]), stop


def candidate_edges(requests: list[tuple[OpenRequest, Candidate]], mentors: list[Candidate],
                    managers: Mapping[UUID, UUID | None], weights: dict[str, float],
                    top_k: int = DEFAULT_TOP_K) -> list[Edge]:
    return CandidatePool(requests, mentors, managers, weights, top_k).edges
