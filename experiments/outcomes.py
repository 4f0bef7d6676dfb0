"""Scalar outcomes of one model run: the numbers comparisons, sweeps and sensitivity use.

Province values have plain names (``deaths``); region values carry a suffix
(``deaths__south``, ``deaths__central``, ``deaths__north``; 苏南/苏中/苏北).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim import outcomes as O
from sim.jurisdiction import REGION_ZH, REGIONS

#: Scalar outcomes that are totals over the run (flows summed over months): name -> metric.
FLOW_OUTCOMES = {name: metric for name, metric in O.RUN_OUTCOMES.items() if O.get(metric).kind == "flow"}
#: Means over months of a monthly ratio.
MEAN_OUTCOMES = tuple(name for name, metric in O.RUN_OUTCOMES.items() if O.get(metric).kind == "ratio")

#: Every province-level outcome name, in display order (sim/outcomes.py: RUN_OUTCOMES).
OUTCOMES = tuple(O.RUN_OUTCOMES)
REGION_SUFFIXES = tuple(f"__{r}" for r in REGIONS)


def _label(name: str) -> tuple[str, str, str]:
    o = O.run_outcome(name)
    if o.kind == "ratio":
        return f"{o.label} (mean over months)", f"{o.zh}(月均)", o.unit
    if o.kind == "annual":
        return f"{o.label} per year", f"{o.zh}(年均)", o.unit
    return o.label, o.zh, o.unit


#: English label, Chinese label and unit of each outcome (reports and tables).
LABELS = {name: _label(name) for name in OUTCOMES}
#: +1 when more is better, -1 when less is better, 0 when neither (sim/outcomes.py).
DIRECTIONS = {name: O.run_outcome(name).direction for name in OUTCOMES}


def split_name(name: str) -> tuple[str, str]:
    """'deaths__south' -> ('deaths', 'south'); 'deaths' -> ('deaths', 'province')."""
    base, sep, region = name.partition("__")
    return (base, region) if sep else (name, "province")


def region_label(region: str) -> str:
    return "Jiangsu 江苏全省" if region == "province" else f"{region.capitalize()} {REGION_ZH[region]}"


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
