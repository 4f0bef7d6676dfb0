"""Seeded SALib designs and their first halves (for the convergence check).

* Morris: ``samples`` = r trajectories of k + 1 points each on a ``num_levels`` grid.
* Sobol': ``samples`` = base N (a power of two) -> N (k + 2) points, first-order and total
  indices only (``sobol.sample`` with ``calc_second_order=False``; not the deprecated saltelli).
* PAWN: ``samples`` rows of a Latin hypercube.

Every design is a pure function of (problem, method, samples, seed); the seed is recorded in
the manifest and ``design.csv``.
"""

from __future__ import annotations

import warnings

import numpy as np
from SALib.sample import latin, morris, sobol


def points_per_sample(method: str, k: int) -> int:
    """Rows of the design per unit of ``samples``."""
    return {"morris": k + 1, "sobol": k + 2, "pawn": 1}[method]


def sample(method: str, problem: dict, samples: int, seed: int, num_levels: int = 4) -> np.ndarray:
    """The design matrix (rows = design points, columns = factors in problem order)."""
    seed = int(seed) % (2**32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib's notices on sample sizes; we validate those ourselves
        if method == "morris":
            return morris.sample(problem, samples, num_levels=num_levels, seed=seed)
        if method == "sobol":
            return sobol.sample(problem, samples, calc_second_order=False, seed=seed)
        if method == "pawn":
            return latin.sample(problem, samples, seed=seed)
    raise ValueError(f"unknown method {method!r}")


def first_half(method: str, k: int, n_rows: int) -> int:
    """Rows making up the first half of the samples (whole trajectories / Sobol' blocks)."""
    per = points_per_sample(method, k)
    units = n_rows // per
    return (units // 2) * per
