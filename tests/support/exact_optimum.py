"""The test oracle for whole-pool matching: a dense exact assignment by scipy's
Hungarian solver. Only tests and benchmarks use it, so scipy is a test dependency,
not part of the matching service's image."""

import numpy as np
from scipy.optimize import linear_sum_assignment


def exact_max_total_score(scores: np.ndarray, capacity: list[int]) -> float:
    """Dense exact optimum, for checking on sizes it can handle: scores[request, mentor]."""
    seat_columns = np.repeat(np.arange(scores.shape[1]), capacity)
    expanded = np.concatenate([scores[:, seat_columns], np.zeros((scores.shape[0], scores.shape[0]))], axis=1)
    rows, cols = linear_sum_assignment(expanded, maximize=True)
    return float(expanded[rows, cols].sum())
