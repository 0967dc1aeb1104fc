"""Both objectives run on a candidate pool's own arrays: integer rows, columns and scores.

whole_pool's functions take Edge tuples of ids; at program scale making four million of
them, and hashing their ids in the solvers, cost more than solving. These read the pool's
shortlists as they are and turn rows and columns into ids only for the answer; the
solvers are the same ones, so the answers are too.
"""

from uuid import UUID

import numpy as np

from services.matching.domain.candidate_edges import CandidatePool, id_ranks
from services.matching.domain.deferred_acceptance import Options, deferred_acceptance
from services.matching.domain.whole_pool import optimal_edges


def stable(pool: CandidatePool, capacity: dict[UUID, int]) -> dict[UUID, UUID]:
    """whole_pool.stable(pool.edges, capacity, pool.extend)."""
    options = Options(len(pool.request_ids))
    options.add(*pool.shortlists)
    pairs = deferred_acceptance(options, id_ranks(pool.request_ids).tolist(), seats(pool, capacity).tolist(),
                                pool.extend_rows)
    return {pool.request_ids[row]: pool.mentor_ids[column] for row, column in pairs}


def max_total_score(pool: CandidatePool, capacity: dict[UUID, int]) -> dict[UUID, UUID]:
    """whole_pool.max_total_score(pool.edges, capacity)."""
    rows, columns, scores = pool.shortlists
    if not len(rows):
        return {}
    used = optimal_edges(rows, columns, scores, seats(pool, capacity))
    return {pool.request_ids[row]: pool.mentor_ids[column]
            for row, column in zip(rows[used].tolist(), columns[used].tolist(), strict=True)}


def seats(pool: CandidatePool, capacity: dict[UUID, int]) -> np.ndarray:
    return np.array([capacity.get(mentor, 0) for mentor in pool.mentor_ids], dtype=np.int64)
