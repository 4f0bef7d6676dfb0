"""How much of an output's variance is replicate noise (the seed), not the factors.

Replicate r of every design point runs with the same seed (common random numbers), so the
seed's effect splits into a part shared by all points of a replicate (it moves every point up
or down together and cancels in any comparison) and a part specific to each point. With
Y[i, r] the output of design point i, replicate r, a two-way decomposition (ANOVA without
replication, points x replicates)

    Y[i, r] = m + a_i + b_r + e_ir,   variances  s2_a (factors), s2_b (shared seed), s2_e (own seed)

gives:

* ``noise_share_runs`` = (s2_b + s2_e) / (s2_a + s2_b + s2_e): the share of the variance of a single
  run due to the seed (ten Broeke et al. 2016's share due to stochasticity);
* ``noise_share_means`` = (s2_e / R) / Var_i(mean_r Y[i, r]): the share of the variance of the
  *replicate means* the indices are computed on that is still seed noise (the shared part b does
  not enter it). Variance-based indices of the means cannot sum to more than 1 - this share;
* ``crn_share`` = s2_b / (s2_b + s2_e): the part of the seed noise that common random numbers
  remove from comparisons between design points;
* ``replicates_for_5pct``: replicates needed to bring ``noise_share_means`` to 5%
  (R >= 19 s2_e / s2_a; Lee et al. 2015 on choosing the number of replicates); inf when the
  factors' signal s2_a is not detectable above the noise.

Only design points with every replicate present enter the decomposition.
"""

from __future__ import annotations

import math
import warnings

import numpy as np


def replicate_means(Y: np.ndarray) -> np.ndarray:
    """Mean over replicates (axis 1), ignoring failed runs (NaN)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all replicates of a point failed: NaN
        return np.nanmean(Y, axis=1)


def decompose(Y: np.ndarray) -> dict[str, float]:
    """Noise decomposition of a (points, replicates) array of one output."""
    Y = np.asarray(Y, dtype=float)
    R = Y.shape[1]
    full = Y[np.isfinite(Y).all(axis=1)]
    n = len(full)
    nan = float("nan")
    out = {"replicates": R, "var_points": nan, "var_shared_seed": nan, "var_own_seed": nan,
           "var_means": nan, "noise_share_runs": nan, "noise_share_means": nan, "crn_share": nan,
           "replicates_for_5pct": nan}
    if n >= 2:
        out["var_means"] = float(np.var(full.mean(axis=1), ddof=1))
    if R < 2 or n < 2:
        return out
    grand = full.mean()
    row = full.mean(axis=1, keepdims=True)
    col = full.mean(axis=0, keepdims=True)
    ms_points = R * float(np.sum((row - grand) ** 2)) / (n - 1)
    ms_reps = n * float(np.sum((col - grand) ** 2)) / (R - 1)
    ms_resid = float(np.sum((full - row - col + grand) ** 2)) / ((n - 1) * (R - 1))
    s2_e = ms_resid
    s2_b = max(0.0, (ms_reps - ms_resid) / n)
    s2_a = max(0.0, (ms_points - ms_resid) / R)
    out.update(var_points=s2_a, var_shared_seed=s2_b, var_own_seed=s2_e)
    total = s2_a + s2_b + s2_e
    if total <= 0:
        out.update(noise_share_runs=0.0, noise_share_means=0.0, crn_share=nan, replicates_for_5pct=1)
        return out
    out["noise_share_runs"] = (s2_b + s2_e) / total
    var_means = out["var_means"]
    out["noise_share_means"] = min(1.0, (s2_e / R) / var_means) if var_means > 0 else 0.0
    out["crn_share"] = s2_b / (s2_b + s2_e) if s2_b + s2_e > 0 else nan
    if s2_e == 0:
        out["replicates_for_5pct"] = 1
    elif s2_a > 0:
        out["replicates_for_5pct"] = max(1, math.ceil(19.0 * s2_e / s2_a))
    else:
        out["replicates_for_5pct"] = float("inf")
    return out
