"""Matching a whole program at once: every open request against every mentor seat.

Input is a sparse list of allowed (request, mentor, score) edges: hard rules have
already removed forbidden pairs, and each request keeps only its best `k` mentors,
which is what makes ten thousand requests tractable. Both objectives work on it:
- `stable`: mentee-proposing deferred acceptance with mentor capacities. With one
  compatibility score used by both sides it yields no blocking pair on the edges.
- `max_total_score`: an optimal assignment, solved as a min-cost flow (OR-tools), where
  every request may also stay unmatched at no score.
"""

from collections import defaultdict
from collections.abc import Callable
from typing import NamedTuple
from uuid import UUID

import numpy as np
from ortools.graph.python import min_cost_flow

from services.matching.domain.deferred_acceptance import Options, deferred_acceptance


class Edge(NamedTuple):
    """A tuple, not a dataclass: whole-pool runs build hundreds of thousands."""

    request: UUID
    mentor: UUID
    score: float


Extend = Callable[[list[UUID], dict[UUID, float]], list[Edge]]


def stable(edges: list[Edge], capacity: dict[UUID, int], extend: Extend | None = None) -> dict[UUID, UUID]:
    """Mentee-proposing deferred acceptance; ties broken by id, so it is reproducible.

    `extend(exhausted, floors)` gives requests that ran out of options the mentors
    still worth asking: those whose lowest held score (their floor) is below the
    request's score, or who have a free seat. A full mentor's floor only rises, so
    a mentor below it now would refuse later too, and rounds end.
    """
    requests = list(dict.fromkeys(e.request for e in edges))
    row_of = {request: row for row, request in enumerate(requests)}
    mentors: list[UUID] = []
    column_of: dict[UUID, int] = {}
    seats: list[int] = []

    def as_rows(found: list[Edge]) -> tuple[list[int], list[int], list[float]]:
        """Each request's options together, in its order of preference, mentors numbered as they come."""
        by_request: dict[UUID, list[Edge]] = defaultdict(list)
        for edge in found:
            by_request[edge.request].append(edge)
        rows, columns, scores = [], [], []
        for request, options in by_request.items():
            for edge in sorted(options, key=preference):
                if edge.mentor not in column_of:
                    column_of[edge.mentor] = len(mentors)
                    mentors.append(edge.mentor)
                    seats.append(capacity.get(edge.mentor, 0))
                rows.append(row_of[request])
                columns.append(column_of[edge.mentor])
                scores.append(edge.score)
        return rows, columns, scores

    def row_extend(exhausted: list[int], floor: np.ndarray) -> tuple[list[int], list[int], list[float]]:
        assert extend is not None
        floors = {mentors[column]: float(floor[column]) for column in np.flatnonzero(floor != -np.inf)}
        return as_rows(extend([requests[row] for row in exhausted], floors))

    options = Options(len(requests))
    options.add(*as_rows(edges))
    # UUIDs order by value, which breaks a mentor's score ties the same way on every run.
    by_id = sorted(range(len(requests)), key=requests.__getitem__)
    rank = [0] * len(requests)
    for place, row in enumerate(by_id):
        rank[row] = place
    pairs = deferred_acceptance(options, rank, seats, row_extend if extend is not None else None)
    return {requests[row]: mentors[column] for row, column in pairs}


def preference(edge: Edge) -> tuple[float, UUID]:
    return -edge.score, edge.mentor


def max_total_score(edges: list[Edge], capacity: dict[UUID, int]) -> dict[UUID, UUID]:
    """Optimal assignment as a min-cost flow (see optimal_edges)."""
    if not edges:
        return {}
    requests = {request: row for row, request in enumerate(dict.fromkeys(e.request for e in edges))}
    mentors = {mentor: column for column, mentor in enumerate(dict.fromkeys(e.mentor for e in edges))}
    count = len(edges)
    used = optimal_edges(np.fromiter((requests[e.request] for e in edges), dtype=np.int64, count=count),
                         np.fromiter((mentors[e.mentor] for e in edges), dtype=np.int64, count=count),
                         np.fromiter((e.score for e in edges), dtype=np.float64, count=count),
                         np.array([capacity.get(m, 0) for m in mentors], dtype=np.int64))
    return {edges[i].request: edges[i].mentor for i in used.tolist()}


def optimal_edges(rows: np.ndarray, columns: np.ndarray, scores: np.ndarray, seats: np.ndarray) -> np.ndarray:
    """The edges (positions) of an optimal assignment, as a min-cost flow: source -> request
    -> mentor -> sink, where a mentor's arc to the sink carries its seats (per column) and
    each request may instead flow straight to the sink (stay unmatched) at no score.
    Nodes are numbered in the order requests and mentors first come: the solver's answer
    among equal optima depends on it."""
    request_nodes, _ = numbered_as_they_come(rows)
    mentor_nodes, mentor_columns = numbered_as_they_come(columns)
    count_r, count_m, count_e = int(request_nodes.max()) + 1, len(mentor_columns), len(rows)
    source, sink = count_r + count_m, count_r + count_m + 1
    # Scores carry four decimals, so integer costs in ten-thousandths are exact.
    pair_costs = -np.round(np.asarray(scores, dtype=np.float64) * 10_000)
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([np.full(count_r, source), request_nodes, count_r + np.arange(count_m), np.arange(count_r)]),
        np.concatenate([np.arange(count_r), count_r + mentor_nodes, np.full(count_m, sink), np.full(count_r, sink)]),
        np.concatenate([np.ones(count_r + count_e, dtype=np.int64), seats[mentor_columns].astype(np.int64),
                        np.ones(count_r, dtype=np.int64)]),
        np.concatenate([np.zeros(count_r, dtype=np.int64), pair_costs.astype(np.int64),
                        np.zeros(count_m + count_r, dtype=np.int64)]),
    )
    flow.set_nodes_supplies(np.array([source, sink]), np.array([count_r, -count_r]))
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError("the assignment has no optimal flow")
    return np.flatnonzero(flow.flows(arcs[count_r:count_r + count_e]))


def numbered_as_they_come(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each value's number, 0 for the first distinct value to come, 1 for the next...; and
    the distinct values in that order."""
    distinct, first, inverse = np.unique(values, return_index=True, return_inverse=True)
    order = np.argsort(first)
    number = np.empty(len(distinct), dtype=np.int64)
    number[order] = np.arange(len(distinct))
    return number[inverse], distinct[order]


def blocking_pairs(edges: list[Edge], pairs: dict[UUID, UUID], capacity: dict[UUID, int]) -> int:
    """Pairs who would both rather have each other than what they got."""
    score_of = {(e.request, e.mentor): e.score for e in edges}
    held: dict[UUID, list[float]] = defaultdict(list)
    for request, mentor in pairs.items():
        held[mentor].append(score_of[(request, mentor)])
    worst_held = {mentor: min(scores) for mentor, scores in held.items()}
    count = 0
    for edge in edges:
        current = pairs.get(edge.request)
        if current == edge.mentor:
            continue
        request_prefers = current is None or edge.score > score_of[(edge.request, current)]
        mentor_prefers = len(held[edge.mentor]) < capacity.get(edge.mentor, 0) or \
            edge.score > worst_held.get(edge.mentor, float("inf"))
        count += request_prefers and mentor_prefers
    return count


def summarise(edges: list[Edge], pairs: dict[UUID, UUID], capacity: dict[UUID, int],
              requests: int) -> dict[str, float]:
    score_of = {(e.request, e.mentor): e.score for e in edges}
    scores = [score_of[pair] for pair in pairs.items()]
    return {
        "proposals": len(pairs),
        "matched_ratio": round(len(pairs) / requests, 4) if requests else 0.0,
        "mean_score": round(sum(scores) / len(scores), 4) if scores else 0.0,
        "min_score": round(min(scores), 4) if scores else 0.0,
        "total_score": round(sum(scores), 4),
        "blocking_pairs": blocking_pairs(edges, pairs, capacity),
    }
