"""A whole-pool run's figures (whole_pool.summarise's), from the candidate pool's arrays.

Counting blocking pairs over millions of edges one Python tuple at a time spends most of
its time hashing ids; the pool already holds every edge it handed out as integer rows,
columns and scores, so the count is a handful of array operations.
"""

from uuid import UUID

import numpy as np

from services.matching.domain.candidate_edges import CandidatePool


def matched_columns(pool: CandidatePool, pairs: dict[UUID, UUID]) -> np.ndarray:
    matched = np.full(len(pool.request_ids), -1)
    for request, mentor in pairs.items():
        matched[pool.row_of[request]] = pool.column_of[mentor]
    return matched


def pair_scores(pool: CandidatePool, pairs: dict[UUID, UUID]) -> dict[tuple[UUID, UUID], float]:
    rows, columns, scores = pool.edge_arrays()
    is_pair = matched_columns(pool, pairs)[rows] == columns
    held_score = dict(zip(rows[is_pair].tolist(), scores[is_pair].tolist(), strict=True))
    return {(request, mentor): held_score[pool.row_of[request]] for request, mentor in pairs.items()}


def pool_figures(pool: CandidatePool, pairs: dict[UUID, UUID], capacity: dict[UUID, int]) -> dict[str, float]:
    count_r, count_m = len(pool.request_ids), len(pool.mentor_ids)
    rows, columns, scores = pool.edge_arrays()
    matched = matched_columns(pool, pairs)
    is_pair = matched[rows] == columns
    held_score = np.full(count_r, -np.inf, dtype=np.float32)
    held_score[rows[is_pair]] = scores[is_pair]
    held = np.bincount(columns[is_pair], minlength=count_m)
    worst_held = np.full(count_m, np.inf, dtype=np.float32)
    np.minimum.at(worst_held, columns[is_pair], scores[is_pair])
    seats = np.array([capacity.get(mentor, 0) for mentor in pool.mentor_ids], dtype=np.int64)
    request_prefers = (matched[rows] < 0) | (scores > held_score[rows])
    mentor_prefers = (held[columns] < seats[columns]) | (scores > worst_held[columns])
    values = [float(held_score[pool.row_of[request]]) for request in pairs]
    return {
        "proposals": len(pairs),
        "matched_ratio": round(len(pairs) / count_r, 4) if count_r else 0.0,
        "mean_score": round(sum(values) / len(values), 4) if values else 0.0,
        "min_score": round(min(values), 4) if values else 0.0,
        "total_score": round(sum(values), 4),
        "blocking_pairs": int(np.count_nonzero(~is_pair & request_prefers & mentor_prefers)),
    }
