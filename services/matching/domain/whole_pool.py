"""Matching a whole program at once: every open request against every mentor seat.

Input is a sparse list of allowed (request, mentor, score) edges: hard rules have
already removed forbidden pairs, and each request keeps only its best `k` mentors,
which is what makes ten thousand requests tractable. Both objectives work on it:
- `stable`: mentee-proposing deferred acceptance with mentor capacities. With one
  compatibility score used by both sides it yields no blocking pair on the edges.
- `max_total_score`: an optimal assignment, solved as a min-cost flow (OR-tools), where
  every request may also stay unmatched at no score.
"""

import heapq
import math
from collections import defaultdict
from collections.abc import Callable
from typing import NamedTuple
from uuid import UUID

import numpy as np
from ortools.graph.python import min_cost_flow


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
    # Per mentor, a min-heap of (score, request): its worst-liked holder on top. UUIDs
    # order by value, which breaks score ties the same way on every run.
    held: dict[UUID, list[tuple[float, UUID]]] = defaultdict(list)
    next_choice: dict[UUID, int] = defaultdict(int)
    free = sort_and_list(preferences)
    while True:
        exhausted = propose_until_settled(free, preferences, next_choice, held, capacity)
        if extend is None or not exhausted:
            break
        # A mentor with no seat this run (full already, or taken by a group) has no floor to beat.
        floors = {m: heap[0][0] if heap else math.inf for m, heap in held.items() if len(heap) >= capacity.get(m, 0)}
        more: dict[UUID, list[Edge]] = defaultdict(list)
        for edge in extend(exhausted, floors):
            more[edge.request].append(edge)
        if not more:
            break
        for request, options in more.items():
            preferences[request] = preferences[request][:next_choice[request]] + sorted(options, key=preference)
        free = list(more)
    return {request: mentor for mentor, heap in held.items() for _, request in heap}


def preference(edge: Edge) -> tuple[float, UUID]:
    return -edge.score, edge.mentor


def sort_and_list(preferences: dict[UUID, list[Edge]]) -> list[UUID]:
    for options in preferences.values():
        options.sort(key=preference)
    return list(preferences)


def propose_until_settled(free: list[UUID], preferences: dict[UUID, list[Edge]], next_choice: dict[UUID, int],
                          held: dict[UUID, list[tuple[float, UUID]]], capacity: dict[UUID, int]) -> list[UUID]:
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
        entry = (edge.score, request)
        if len(heap) < capacity.get(edge.mentor, 0):
            heapq.heappush(heap, entry)
        elif heap and entry > heap[0]:
            free.append(heapq.heapreplace(heap, entry)[1])
        else:
            free.append(request)
    return exhausted


def max_total_score(edges: list[Edge], capacity: dict[UUID, int]) -> dict[UUID, UUID]:
    """Optimal assignment as a min-cost flow: source -> request -> mentor -> sink, where
    a mentor's arc to the sink carries its capacity and each request may instead flow
    straight to the sink (stay unmatched) at no score."""
    if not edges:
        return {}
    requests = list(dict.fromkeys(e.request for e in edges))
    mentors = list(dict.fromkeys(e.mentor for e in edges))
    row_of = {request: i for i, request in enumerate(requests)}
    column_of = {mentor: j for j, mentor in enumerate(mentors)}
    count_r, count_m, count_e = len(requests), len(mentors), len(edges)
    source, sink = count_r + count_m, count_r + count_m + 1
    pair_tails = np.fromiter((row_of[e.request] for e in edges), dtype=np.int64, count=count_e)
    pair_heads = count_r + np.fromiter((column_of[e.mentor] for e in edges), dtype=np.int64, count=count_e)
    # Scores carry four decimals, so integer costs in ten-thousandths are exact.
    pair_costs = -np.round(np.fromiter((e.score for e in edges), dtype=np.float64, count=count_e) * 10_000)
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([np.full(count_r, source), pair_tails, count_r + np.arange(count_m), np.arange(count_r)]),
        np.concatenate([np.arange(count_r), pair_heads, np.full(count_m, sink), np.full(count_r, sink)]),
        np.concatenate([np.ones(count_r + count_e, dtype=np.int64),
                        np.array([capacity.get(m, 0) for m in mentors], dtype=np.int64),
                        np.ones(count_r, dtype=np.int64)]),
        np.concatenate([np.zeros(count_r, dtype=np.int64), pair_costs.astype(np.int64),
                        np.zeros(count_m + count_r, dtype=np.int64)]),
    )
    flow.set_nodes_supplies(np.array([source, sink]), np.array([count_r, -count_r]))
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError("the assignment has no optimal flow")
    used = np.flatnonzero(flow.flows(arcs[count_r:count_r + count_e]))
    return {edges[i].request: edges[i].mentor for i in used.tolist()}


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
