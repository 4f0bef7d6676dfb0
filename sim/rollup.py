"""Sums of per-slot values by county or grid, using the slots' sorted layout.

Enterprise slots are laid out county by county and grid by grid (population.py), so a group
sum is one ``np.add.reduceat`` over contiguous segments, several times faster than
``np.bincount`` with weights (ENGINEERING_NOTES: CSR/bincount vs graph walks).
"""

from __future__ import annotations

import numpy as np


class SegmentSum:
    """Group sums for a sorted group index (groups may be empty)."""

    def __init__(self, sorted_group: np.ndarray, n_groups: int):
        if np.any(np.diff(sorted_group) < 0):
            raise ValueError("group index must be sorted")
        self.n_groups = n_groups
        self.counts = np.bincount(sorted_group, minlength=n_groups)
        self.present = np.flatnonzero(self.counts > 0)
        self.starts = np.concatenate(([0], np.cumsum(self.counts)[:-1]))[self.present]
        self.all_present = len(self.present) == n_groups

    def __call__(self, values: np.ndarray) -> np.ndarray:
        """Group sums (float64) along the last axis; bool and integer input is cast on the fly."""
        values = np.asarray(values)
        sums = np.add.reduceat(values, self.starts, axis=-1, dtype=np.float64)
        if self.all_present:
            return sums
        out = np.zeros((*values.shape[:-1], self.n_groups))
        out[..., self.present] = sums
        return out

    def mean(self, values: np.ndarray) -> np.ndarray:
        return self(values) / np.maximum(self.counts, 1)
