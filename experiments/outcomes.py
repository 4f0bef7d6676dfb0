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
    "deaths": ("Deaths", "死亡人数", "persons"),
    "accidents": ("Accidents", "事故起数", "accidents"),
    "accidents_general": ("General accidents", "一般事故", "accidents"),
    "accidents_larger": ("Larger accidents", "较大事故", "accidents"),
    "accidents_major": ("Major accidents", "重大事故", "accidents"),
    "accidents_especially_major": ("Especially major accidents", "特别重大事故", "accidents"),
    "larger_or_worse": ("Larger-or-worse accidents", "较大及以上事故", "accidents"),
    "major_or_worse": ("Major-or-worse accidents", "重大及以上事故", "accidents"),
    "accidents_human": ("Human-cause accidents", ZH["accidents_human"], "accidents"),
    "accidents_combined": ("Combined-cause accidents", ZH["accidents_combined"], "accidents"),
    "accidents_unavoidable": ("Unavoidable accidents", ZH["accidents_unavoidable"], "accidents"),
    "compliance_rate": ("Compliance rate (mean over months)", "守法率(月均)", "share"),
    "hazards_per_enterprise": ("Hidden hazards per enterprise (mean)", "户均事故隐患(月均)", "hazards"),
    "inspections": ("Inspections", "执法检查", "inspections"),
    "penalty_cases": ("Penalty cases", "立案处罚", "cases"),
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


def scalar_outcomes(result) -> dict[str, float]:
    """Province and region scalar outcomes of a ``sim.run.RunResult``."""
    monthly = result.monthly
    top = monthly[monthly["city"] == "all"]
    metric = top["metric"].astype(str).to_numpy()
    region = top["region"].astype(str).to_numpy()
    values = top["value"].to_numpy(dtype=float)
    wanted = set(FLOW_OUTCOMES.values()) | set(MEAN_OUTCOMES)
    keep = np.isin(metric, list(wanted))
    frame = pd.DataFrame({"region": region[keep], "metric": metric[keep], "value": values[keep]})
    sums = frame.groupby(["region", "metric"])["value"].sum()
    means = frame.groupby(["region", "metric"])["value"].mean()
    annual = result.annual
    zero = annual[(annual["city"] == "all") & (annual["metric"].astype(str) == "zero_penalty_counties")]
    zero_mean = zero.groupby(zero["region"].astype(str))["value"].mean()

    out: dict[str, float] = {}
    for reg, suffix in (("all", ""), *((r, f"__{r}") for r in REGIONS)):
        vals: dict[str, float] = {}
        for name, source in FLOW_OUTCOMES.items():
            vals[name] = float(sums.get((reg, source), 0.0))
        vals["major_or_worse"] = vals["accidents_major"] + vals["accidents_especially_major"]
        for name in MEAN_OUTCOMES:
            vals[name] = float(means.get((reg, name), np.nan))
        vals["zero_penalty_counties"] = float(zero_mean.get(reg, np.nan))
        for name in OUTCOMES:
            out[name + suffix] = vals[name]
    return out


def outcome_columns() -> list[str]:
    """Every scalar outcome column of a model run, province first then regions."""
    return [*OUTCOMES, *(n + s for s in REGION_SUFFIXES for n in OUTCOMES)]
