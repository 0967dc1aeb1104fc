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
from dataclasses import dataclass
from uuid import UUID

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching


@dataclass(frozen=True)
class Edge:
    request: UUID
    mentor: UUID
    score: float


@dataclass(frozen=True)
class Outcome:
    pairs: dict[UUID, UUID]  # request -> mentor
    summary: dict[str, float]


def stable(edges: list[Edge], capacity: dict[UUID, int]) -> dict[UUID, UUID]:
    preferences: dict[UUID, list[Edge]] = defaultdict(list)
    for edge in edges:
        preferences[edge.request].append(edge)
    for options in preferences.values():
        options.sort(key=lambda e: (-e.score, str(e.mentor)))
    next_choice = dict.fromkeys(preferences, 0)
    held: dict[UUID, list[tuple[float, str, UUID]]] = defaultdict(list)  # min-heap: worst held first
    free = [request for request in preferences]
    while free:
        request = free.pop()
        options = preferences[request]
        if next_choice[request] >= len(options):
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
    return {request: mentor for mentor, heap in held.items() for _, _, request in heap}


def max_total_score(edges: list[Edge], capacity: dict[UUID, int]) -> dict[UUID, UUID]:
    requests = sorted({e.request for e in edges}, key=str)
    if not requests:
        return {}
    row_of = {request: i for i, request in enumerate(requests)}
    seats: list[UUID] = []
    first_seat: dict[UUID, int] = {}
    for mentor in sorted({e.mentor for e in edges}, key=str):
        first_seat[mentor] = len(seats)
        seats += [mentor] * capacity.get(mentor, 0)
    rows, cols, costs = [], [], []
    top = max(e.score for e in edges) + 1.0
    for edge in edges:
        for seat in range(first_seat[edge.mentor], first_seat[edge.mentor] + capacity.get(edge.mentor, 0)):
            rows.append(row_of[edge.request])
            cols.append(seat)
            # Costs must be positive for the sparse solver; higher score, lower cost.
            costs.append(top - edge.score)
    unmatched = len(seats)
    for i in range(len(requests)):  # each request's own "stay unmatched" column
        rows.append(i)
        cols.append(unmatched + i)
        costs.append(top)
    graph = csr_matrix((costs, (rows, cols)), shape=(len(requests), unmatched + len(requests)))
    matched_rows, matched_cols = min_weight_full_bipartite_matching(graph)
    return {requests[r]: seats[c] for r, c in zip(matched_rows, matched_cols, strict=True) if c < unmatched}


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


def solve(objective: str, edges: list[Edge], capacity: dict[UUID, int], requests: int) -> Outcome:
    pairs = stable(edges, capacity) if objective == "stable" else max_total_score(edges, capacity)
    return Outcome(pairs, summarise(edges, pairs, capacity, requests))
