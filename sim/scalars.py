"""Scalar outcomes of one model run: the numbers comparisons, sweeps, sensitivity analysis,
calibration, EMA Workbench and ``sim.evaluate`` use.

Province values have plain names (``deaths``); region values carry a suffix (``deaths__south``,
``deaths__central``, ``deaths__north``; 苏南/苏中/苏北). Which metric each name aggregates, and
how, is declared once in ``sim/outcomes.py`` (``RUN_OUTCOMES``): flows are summed over the run,
ratios are the mean over months of the monthly ratio, annual metrics the mean per year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim import outcomes as O
from sim.jurisdiction import REGIONS

#: Scalar outcomes that are totals over the run (flows summed over months): name -> metric.
FLOW_OUTCOMES = {name: metric for name, metric in O.RUN_OUTCOMES.items() if O.get(metric).kind == "flow"}
#: Means over months of a monthly ratio.
MEAN_OUTCOMES = tuple(name for name, metric in O.RUN_OUTCOMES.items() if O.get(metric).kind == "ratio")

#: Every province-level outcome name, in display order (sim/outcomes.py: RUN_OUTCOMES).
OUTCOMES = tuple(O.RUN_OUTCOMES)
REGION_SUFFIXES = tuple(f"__{r}" for r in REGIONS)


def _codes(col: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Integer codes and their labels of a (categorical or string) column."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy(), [str(c) for c in col.cat.categories]
    codes, uniques = pd.factorize(col)
    return codes, [str(u) for u in uniques]


def _by_region_metric(table: pd.DataFrame, metrics: list[str], how: str) -> dict[tuple[str, str], float]:
    """Sum or mean of ``value`` per (region, metric) over rows with city == "all"."""
    city, city_names = _codes(table["city"])
    region, region_names = _codes(table["region"])
    metric, metric_names = _codes(table["metric"])
    if "all" not in city_names:
        return {}
    keep = city == city_names.index("all")
    wanted = np.array([m in metrics for m in metric_names] + [False])  # code -1 (missing) -> False
    keep &= wanted[metric]
    r, m, v = region[keep], metric[keep], table["value"].to_numpy(dtype=float)[keep]
    n_m = len(metric_names)
    key = r.astype(np.int64) * n_m + m
    size = len(region_names) * n_m
    sums = np.bincount(key, v, minlength=size)
    counts = np.bincount(key, minlength=size)
    values = sums if how == "sum" else sums / np.maximum(counts, 1)
    return {(region_names[k // n_m], metric_names[k % n_m]): float(values[k]) for k in np.flatnonzero(counts)}


def scalar_outcomes(result) -> dict[str, float]:
    """Province and region scalar outcomes of a ``sim.run.RunResult``."""
    sums = _by_region_metric(result.monthly, list(FLOW_OUTCOMES.values()), "sum")
    means = _by_region_metric(result.monthly, list(MEAN_OUTCOMES), "mean")
    zero_mean = _by_region_metric(result.annual, ["zero_penalty_counties"], "mean")

    out: dict[str, float] = {}
    for reg, suffix in (("all", ""), *((r, f"__{r}") for r in REGIONS)):
        vals: dict[str, float] = {}
        for name, source in FLOW_OUTCOMES.items():
            vals[name] = sums.get((reg, source), 0.0)
        for name in MEAN_OUTCOMES:
            vals[name] = means.get((reg, name), np.nan)
        vals["zero_penalty_counties"] = zero_mean.get((reg, "zero_penalty_counties"), np.nan)
        for name in OUTCOMES:
            out[name + suffix] = vals[name]
    return out


def outcome_columns() -> list[str]:
    """Every scalar outcome column of a model run, province first then regions."""
    return [*OUTCOMES, *(n + s for s in REGION_SUFFIXES for n in OUTCOMES)]
