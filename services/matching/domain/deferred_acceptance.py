"""Mentee-proposing deferred acceptance on integer rows (requests) and columns (mentors).

whole_pool.stable's algorithm, run on small integers instead of ids: a whole pool makes
millions of proposals, and keying dicts by UUID spent most of them in UUID.__hash__,
which is Python code. Preferences sit end to end in two typed arrays (a few bytes an
option instead of an Edge tuple); each row reads its own stretch, best first.

A mentor holds a min-heap of (score, rank, row), where rank orders the requests by id:
its worst-liked holder on top, a score tie going to the higher id, as it did on ids.
"""

import heapq
import math
from array import array
from collections import defaultdict
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

# (exhausted rows, floor per column) -> (rows, columns, scores) of more options: each row's
# options together and best first. A floor is -inf where the mentor has a seat to give.
RowExtend = Callable[[list[int], np.ndarray], tuple[ArrayLike, ArrayLike, ArrayLike]]


class Options:
    """Each row's options, best first, as stretches of two flat arrays."""

    def __init__(self, rows: int) -> None:
        self.columns, self.scores = array("q"), array("d")
        self.next, self.end = [0] * rows, [0] * rows  # per row: its next option to ask; the end of its stretch

    def add(self, rows: ArrayLike, columns: ArrayLike, scores: ArrayLike) -> list[int]:
        """Makes the given options (grouped by row, best first) each row's whole remaining
        list; the rows in the order they came."""
        rows = np.asarray(rows, dtype=np.int64)
        if not len(rows):
            return []
        offset = len(self.columns)
        self.columns.frombytes(np.asarray(columns, dtype=np.int64).tobytes())
        self.scores.frombytes(np.asarray(scores, dtype=np.float64).tobytes())
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        ends = np.r_[starts[1:], len(rows)]
        grouped = rows[starts].tolist()
        for row, start, end in zip(grouped, (starts + offset).tolist(), (ends + offset).tolist(), strict=True):
            self.next[row], self.end[row] = start, end
        return grouped


def deferred_acceptance(options: Options, rank: list[int], capacity: list[int],
                        extend: RowExtend | None = None) -> list[tuple[int, int]]:
    """The (row, column) pairs held when every row holds a seat or has asked all it may.

    Rows with options start free, the lowest first added, proposing from the last. When
    all are settled, `extend` gives exhausted rows more (see whole_pool.stable)."""
    held: dict[int, list[tuple[float, int, int]]] = defaultdict(list)
    free = [row for row in range(len(rank)) if options.next[row] < options.end[row]]
    while True:
        exhausted = propose_until_settled(free, options, rank, capacity, held)
        if extend is None or not exhausted:
            break
        # A mentor with no seat this run (full already, or taken by a group) has no floor to beat.
        floor = np.full(len(capacity), -np.inf)
        for column, heap in held.items():
            if len(heap) >= capacity[column]:
                floor[column] = heap[0][0] if heap else math.inf
        free = options.add(*extend(exhausted, floor))
        if not free:
            break
    return [(row, column) for column, heap in held.items() for *_, row in heap]


def propose_until_settled(free: list[int], options: Options, rank: list[int], capacity: list[int],
                          held: dict[int, list[tuple[float, int, int]]]) -> list[int]:
    """Runs proposals until every free row holds a seat or has asked all it knows."""
    exhausted = []
    columns, scores, next_option, end = options.columns, options.scores, options.next, options.end
    while free:
        row = free.pop()
        at = next_option[row]
        if at >= end[row]:
            exhausted.append(row)
            continue
        next_option[row] = at + 1
        column = columns[at]
        heap = held[column]
        entry = (scores[at], rank[row], row)
        if len(heap) < capacity[column]:
            heapq.heappush(heap, entry)
        elif heap and entry > heap[0]:
            free.append(heapq.heapreplace(heap, entry)[2])
        else:
            free.append(row)
    return exhausted
