"""Matching a whole program at once: every open request against every mentor seat.

Input is a sparse list of allowed (request, mentor, score) edges: hard rules have
already removed forbidden pairs, and each request keeps only its best `k` mentors,
which is what makes ten thousand requests tractable. Both objectives work on it:
- `stable`: mentee-proposing deferred acceptance with mentor capacities. With one
  compatibility score used by both sides it yields no blocking pair on the edges.
- `max_total_score`: an optimal assignment on the seat-expanded graph, where every
  request may also stay unmatched at no score.
"""

import heapq
from collections import defaultdict
from collections.abc import Callable
from typing import NamedTuple
from uuid import UUID

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching


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
    preferences: dict[UUID, list[Edge]] = defaultdict(list)
    for edge in edges:
        preferences[edge.request].append(edge)
    held: dict[UUID, list[tuple[float, str, UUID]]] = defaultdict(list)  # min-heap: worst held first
    next_choice: dict[UUID, int] = defaultdict(int)
    free = sort_and_list(preferences)
    while True:
        exhausted = propose_until_settled(free, preferences, next_choice, held, capacity)
        if extend is None or not exhausted:
            break
        floors = {m: heap[0][0] for m, heap in held.items() if len(heap) >= capacity.get(m, 0)}
        more: dict[UUID, list[Edge]] = defaultdict(list)
        for edge in extend(exhausted, floors):
            more[edge.request].append(edge)
        if not more:
            break
        for request, options in more.items():
            preferences[request] = preferences[request][:next_choice[request]] + sorted(
                options, key=lambda e: (-e.score, str(e.mentor)))
        free = list(more)
    return {request: mentor for mentor, heap in held.items() for _, _, request in heap}


def sort_and_list(preferences: dict[UUID, list[Edge]]) -> list[UUID]:
    for options in preferences.values():
        options.sort(key=lambda e: (-e.score, str(e.mentor)))
    return list(preferences)


def propose_until_settled(free: list[UUID], preferences: dict[UUID, list[Edge]], next_choice: dict[UUID, int],
                          held: dict[UUID, list[tuple[float, str, UUID]]], capacity: dict[UUID, int]) -> list[UUID]:
    """Runs proposals until every request holds a seat or has asked all it knows."""
    exhausted = []
    while free:
        request = free.pop()
        options = preferences[request]
        if next_choice[request] >= len(options):
            exhausted.append(request)
            continue
        edge = options[next_choice[request]]
        next_choice[request] += 1
        heap = held[edge.mentor]
        entry = (edge.score, str(request), request)
        if len(heap) < capacity.get(edge.mentor, 0):
            heapq.heappush(heap, entry)
        elif heap and entry > heap[0]:
            free.append(heapq.heapreplace(heap, entry)[2])
        else:
            free.append(request)
    return exhausted


def max_total_score(edges: list[Edge], capacity: dict[UUID, int]) -> dict[UUID, UUID]:
    """Optimal assignment on the seat-expanded graph; each request may stay unmatched."""
    if not edges:
        return {}
    requests = list(dict.fromkeys(e.request for e in edges))
    mentors = list(dict.fromkeys(e.mentor for e in edges))
    row_of = {request: i for i, request in enumerate(requests)}
    column_of = {mentor: j for j, mentor in enumerate(mentors)}
    seats_of = np.array([capacity.get(mentor, 0) for mentor in mentors])
    first_seat = np.concatenate([[0], np.cumsum(seats_of)[:-1]])
    rows = np.fromiter((row_of[e.request] for e in edges), dtype=np.int64, count=len(edges))
    mentor_columns = np.fromiter((column_of[e.mentor] for e in edges), dtype=np.int64, count=len(edges))
    scores = np.fromiter((e.score for e in edges), dtype=np.float64, count=len(edges))
    # Every edge becomes one edge per seat of its mentor.
    per_edge = seats_of[mentor_columns]
    edge_index = np.repeat(np.arange(len(edges)), per_edge)
    seat_offset = np.arange(len(edge_index)) - np.repeat(np.cumsum(per_edge) - per_edge, per_edge)
    seat_rows = rows[edge_index]
    seat_columns = first_seat[mentor_columns[edge_index]] + seat_offset
    # Costs must be positive for the sparse solver; a higher score is a lower cost.
    top = scores.max() + 1.0
    seat_costs = top - scores[edge_index]
    total_seats = int(seats_of.sum())
    unmatched = np.arange(len(requests))
    graph = csr_matrix(
        (np.concatenate([seat_costs, np.full(len(requests), top)]),
         (np.concatenate([seat_rows, unmatched]), np.concatenate([seat_columns, total_seats + unmatched]))),
        shape=(len(requests), total_seats + len(requests)),
    )
    matched_rows, matched_columns = min_weight_full_bipartite_matching(graph)
    seat_owner = np.repeat(np.arange(len(mentors)), seats_of)
    return {requests[r]: mentors[seat_owner[c]]
            for r, c in zip(matched_rows.tolist(), matched_columns.tolist(), strict=True) if c < total_seats}


def exact_max_total_score(scores: np.ndarray, capacity: list[int]) -> float:
    """Dense exact optimum, for checking on sizes it can handle: scores[request, mentor]."""
    seat_columns = np.repeat(np.arange(scores.shape[1]), capacity)
    expanded = np.concatenate([scores[:, seat_columns], np.zeros((scores.shape[0], scores.shape[0]))], axis=1)
    rows, cols = linear_sum_assignment(expanded, maximize=True)
    return float(expanded[rows, cols].sum())


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
