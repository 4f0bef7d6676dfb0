"""Scalar outcomes of one model run: the numbers comparisons, sweeps and sensitivity use.

Province values have plain names (``deaths``); region values carry a suffix
(``deaths__south``, ``deaths__central``, ``deaths__north``; 苏南/苏中/苏北).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.jurisdiction import REGION_ZH, REGIONS
from sim.metrics import ZH

#: Totals over the run (flows summed over months).
FLOW_OUTCOMES = {
    "deaths": "deaths",
    "accidents": "accidents",
    "accidents_general": "accidents_general",
    "accidents_larger": "accidents_larger",
    "accidents_major": "accidents_major",
    "accidents_especially_major": "accidents_especially_major",
    "larger_or_worse": "accidents_larger_or_worse",
    "accidents_human": "accidents_human",
    "accidents_combined": "accidents_combined",
    "accidents_unavoidable": "accidents_unavoidable",
    "inspections": "inspections",
    "penalty_cases": "penalty_cases",
    "enforcement_cost_10k_cny": "enforcement_cost_10k_cny",
    "compliance_cost_10k_cny": "compliance_cost_10k_cny",
}
#: Means over months of a monthly ratio.
MEAN_OUTCOMES = ("compliance_rate", "hazards_per_enterprise")

#: Every province-level outcome name, in display order.
OUTCOMES = (
    "deaths", "accidents", "accidents_general", "accidents_larger", "accidents_major",
    "accidents_especially_major", "larger_or_worse", "major_or_worse", "accidents_human",
    "accidents_combined", "accidents_unavoidable", "compliance_rate", "hazards_per_enterprise",
    "inspections", "penalty_cases", "zero_penalty_counties", "enforcement_cost_10k_cny",
    "compliance_cost_10k_cny",
)
REGION_SUFFIXES = tuple(f"__{r}" for r in REGIONS)

#: English label, Chinese label and unit of each outcome (reports and tables).
LABELS = {
    "deaths": ("Deaths", ZH["deaths"], "persons"),
    "accidents": ("Accidents", ZH["accidents"], "accidents"),
    "accidents_general": ("General accidents", ZH["accidents_general"], "accidents"),
    "accidents_larger": ("Larger accidents", ZH["accidents_larger"], "accidents"),
    "accidents_major": ("Major accidents", ZH["accidents_major"], "accidents"),
    "accidents_especially_major": ("Especially major accidents", ZH["accidents_especially_major"], "accidents"),
    "larger_or_worse": ("Larger-or-worse accidents", ZH["accidents_larger_or_worse"], "accidents"),
    "major_or_worse": ("Major-or-worse accidents", "重大及以上事故", "accidents"),
    "accidents_human": ("Human-cause accidents", ZH["accidents_human"], "accidents"),
    "accidents_combined": ("Combined-cause accidents", ZH["accidents_combined"], "accidents"),
    "accidents_unavoidable": ("Unavoidable accidents", ZH["accidents_unavoidable"], "accidents"),
    "compliance_rate": ("Compliance rate (mean over months)", "守法率(月均)", "share"),
    "hazards_per_enterprise": ("Hidden hazards per enterprise (mean)", "户均事故隐患(月均)", "hazards"),
    "inspections": ("Inspections", ZH["inspections"], "inspections"),
    "penalty_cases": ("Penalty cases", ZH["penalty_cases"], "cases"),
    "zero_penalty_counties": ("Zero-penalty counties per year", "有检查无处罚的县(年均)", "counties"),
    "enforcement_cost_10k_cny": ("Enforcement cost", "监管成本", "10k CNY"),
    "compliance_cost_10k_cny": ("Compliance cost", "企业安全投入", "10k CNY"),
}


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
        vals["major_or_worse"] = vals["accidents_major"] + vals["accidents_especially_major"]
        for name in MEAN_OUTCOMES:
            vals[name] = means.get((reg, name), np.nan)
        vals["zero_penalty_counties"] = zero_mean.get((reg, "zero_penalty_counties"), np.nan)
        for name in OUTCOMES:
            out[name + suffix] = vals[name]
    return out


def outcome_columns() -> list[str]:
    """Every scalar outcome column of a model run, province first then regions."""
    return [*OUTCOMES, *(n + s for s in REGION_SUFFIXES for n in OUTCOMES)]
