"""Cells of a table for many (row, column) pairs, through one flat `take`.

numpy's indexing with two index arrays, or with an index array and a column number, is
two to three times slower than `take` on the flat table (or on the column): whole-pool
runs gather some hundreds of millions of cells this way. The values are the same cells.
"""

import numpy as np


def cells(table: np.ndarray, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """table[rows, columns]."""
    return table.ravel().take(rows * table.shape[1] + columns)


def in_column(table: np.ndarray, column: int, rows: np.ndarray) -> np.ndarray:
    """table[rows, column]."""
    return table[:, column].take(rows)
