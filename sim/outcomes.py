"""The one declaration of the model's outcomes (what a run measures), like ``sim.params`` for inputs.

Every metric the model records, every ratio derived from them and every scalar outcome that
comparisons, sweeps, sensitivity analysis, calibration and the dashboard use is declared here
once, with its kind, unit, English and Chinese label and which direction is better. Metric
lists (``sim.metrics.FLOW`` ...), labels, ratios such as the compliance rate and the
dashboard's colour directions are derived from this table; nothing else declares an outcome.

Kinds:
    flow    counts that add up over months (accidents, deaths, inspections)
    stock   end-of-month levels (enterprises, hidden hazards); a year's value is the mean
    mean    levels averaged over counties (committee priority)
    ratio   numerator / denominator of two recorded metrics, computed after aggregation so
            that every level (county, city, region, province, year) is consistent
    annual  computed per year from county data (zero-penalty counties)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

Kind = Literal["flow", "stock", "mean", "ratio", "annual"]
Better = Literal["lower", "higher"] | None


@dataclass(frozen=True)
class Outcome:
    """One declared outcome.

    Attributes:
        name: metric name in tidy tables (``metric`` column) and ``Tally``.
        kind: flow | stock | mean | ratio | annual (see the module docstring).
        unit: unit of one value (persons, accidents, 10k CNY, share ...).
        label, zh: English and Chinese labels.
        better: "lower" or "higher" when one direction is better for safety; None otherwise.
        numerator, denominator: for ratios, the recorded metrics divided.
        resolution_sensitive: the value depends on ``enterprises_per_agent`` (it counts whether
            something happened in a county, and an agent stands for several firms); compare
            such outcomes only at the same resolution, and reports say so.
    """

    name: str
    kind: Kind
    unit: str
    label: str
    zh: str
    better: Better = None
    numerator: str | None = None
    denominator: str | None = None
    resolution_sensitive: bool = False

    @property
    def direction(self) -> int:
        """+1 when more is better, -1 when less is better, 0 when neither."""
        return {"higher": 1, "lower": -1, None: 0}[self.better]


def _f(name, unit, label, zh, better=None) -> Outcome:
    return Outcome(name, "flow", unit, label, zh, better)


def _s(name, unit, label, zh, better=None) -> Outcome:
    return Outcome(name, "stock", unit, label, zh, better)


# fmt: off
DECLARED: tuple[Outcome, ...] = (
    # ----------------------------------------------------------------- accidents and harm
    _f("accidents", "accidents", "Accidents", "事故起数", "lower"),
    _f("deaths", "persons", "Deaths", "死亡人数", "lower"),
    _f("accident_risk", "expected accidents", "Accident risk (expected accidents)", "事故风险(期望事故起数)", "lower"),
    _f("chemical_accident_risk", "expected accidents", "Accident risk of hazardous-chemicals firms", "危化品企业事故风险",
       "lower"),
    _f("accidents_reported", "accidents", "Accidents in the statistics", "统计上报事故起数"),
    _f("deaths_reported", "persons", "Deaths in the statistics", "统计上报死亡人数"),
    _f("serious_injuries", "persons", "Serious injuries", "重伤人数", "lower"),
    _f("direct_loss_10k_cny", "10k CNY", "Direct economic loss", "直接经济损失(万元)", "lower"),
    _f("deaths_saved", "persons", "Lives saved by rescue", "救援挽救人数", "higher"),
    _f("accidents_general", "accidents", "General accidents", "一般事故", "lower"),
    _f("accidents_larger", "accidents", "Larger accidents", "较大事故", "lower"),
    _f("accidents_major", "accidents", "Major accidents", "重大事故", "lower"),
    _f("accidents_especially_major", "accidents", "Especially major accidents", "特别重大事故", "lower"),
    _f("accidents_larger_or_worse", "accidents", "Larger-or-worse accidents", "较大及以上事故", "lower"),
    _f("accidents_major_or_worse", "accidents", "Major-or-worse accidents", "重大及以上事故", "lower"),
    _f("accidents_human", "accidents", "Human-cause accidents", "纯人因事故", "lower"),
    _f("accidents_combined", "accidents", "Combined-cause accidents", "人物综合因素事故", "lower"),
    _f("accidents_unavoidable", "accidents", "Unavoidable accidents", "不可避免事故", "lower"),
    _f("minor_injuries", "persons", "Minor injuries", "轻伤", "lower"),
    _f("near_misses", "events", "Near misses", "未遂事件", "lower"),
    _f("near_misses_reported", "events", "Near misses reported", "上报未遂事件"),
    # --------------------------------------------------------------------- enforcement
    _f("inspections", "inspections", "Inspections", "执法检查"),
    _f("inspected_accident_risk", "expected accidents / month", "Accident risk of inspected firms",
       "受检企业事故风险(期望事故/月)"),
    _f("inspections_formal", "inspections", "Formal-only inspections", "走过场检查", "lower"),
    _f("inspections_cross_region", "inspections", "Cross-region inspections", "异地执法检查"),
    _f("violations_detected", "cases", "Violations detected", "发现违法行为"),
    _f("violations_let_off", "cases", "Violations let off", "人情放过", "lower"),
    _f("rectification_orders", "orders", "Rectification orders", "责令整改"),
    _f("penalty_cases", "cases", "Penalty cases", "立案处罚"),
    _f("suspensions", "firms", "Suspensions", "停产整顿"),
    _f("licence_revocations", "firms", "Licence revocations", "吊销关闭"),
    _f("fines_10k_cny", "10k CNY", "Fines", "罚款(万元)"),
    _f("blacklistings", "firms", "Blacklistings", "列入黑名单"),
    _f("grid_visits", "visits", "Grid visits", "网格巡查"),
    _f("grid_reports", "reports", "Grid hazard reports", "网格上报隐患"),
    _f("trained", "firms", "Firms trained", "培训企业"),
    _f("collusion_exposed", "cases", "Collusion exposed", "查处人情执法"),
    # ----------------------------------------------------------------------- demography
    _f("campaign_closures", "firms", "Campaign closures", "专项整治关停"),
    _f("remediation_closures", "firms", "Remediation closures", "化工整治关停"),
    _f("accident_closures", "firms", "Closures after accidents", "事故后关停"),
    _f("exits", "firms", "Exits", "企业退出"),
    _f("entries", "firms", "Entries", "企业进入"),
    # ---------------------------------------------------------------------------- costs
    _f("enforcement_cost_10k_cny", "10k CNY", "Enforcement cost", "监管成本(万元)", "lower"),
    _f("compliance_cost_10k_cny", "10k CNY", "Compliance cost", "企业安全投入(万元)"),
    # ---------------------------------------------------------------------------- stocks
    _s("enterprises", "firms", "Enterprises", "企业数"),
    _s("compliant_enterprises", "firms", "Compliant enterprises", "守法企业数", "higher"),
    _s("hidden_hazards", "hazards", "Hidden hazards", "事故隐患存量", "lower"),
    _s("unregulated_enterprises", "firms", "Enterprises with no regulator", "无监管部门企业", "lower"),
    _s("blacklisted_enterprises", "firms", "Blacklisted enterprises", "黑名单企业"),
    _s("chemical_enterprises", "firms", "Hazardous-chemicals enterprises", "危化品企业"),
    _s("major_hazard_enterprises", "firms", "Major hazard sources", "重大危险源企业"),
    # ----------------------------------------------------------------------------- means
    Outcome("committee_priority", "mean", "index", "Committee safety priority", "安委会安全重视度", "higher"),
    # ---------------------------------------------------------------------------- ratios
    Outcome("compliance_rate", "ratio", "share", "Compliance rate", "守法率", "higher",
            "compliant_enterprises", "enterprises"),
    Outcome("hazards_per_enterprise", "ratio", "hazards per firm", "Hidden hazards per enterprise", "户均隐患", "lower",
            "hidden_hazards", "enterprises"),
    # Targeting efficiency: expected accidents per month at the firms inspected, per inspection.
    Outcome("risk_per_inspection", "ratio", "expected accidents / month", "Risk per inspection (targeting)",
            "检查针对性(每次检查覆盖的事故风险)", "higher", "inspected_accident_risk", "inspections"),
    # --------------------------------------------------------------------------- annual
    Outcome("zero_penalty_counties", "annual", "counties", "Counties with inspections but no penalty case",
            "有检查无处罚的县", "lower", resolution_sensitive=True),
)
# fmt: on

BY_NAME: dict[str, Outcome] = {o.name: o for o in DECLARED}


def names(*kinds: Kind) -> tuple[str, ...]:
    """Names of the declared outcomes of the given kinds, in declaration order."""
    return tuple(o.name for o in DECLARED if o.kind in kinds)


def get(name: str) -> Outcome:
    """Look an outcome up by name (KeyError if it is not declared)."""
    return BY_NAME[name]


def ratio(name: str, values: Mapping[str, np.ndarray | float]) -> np.ndarray | float:
    """A declared ratio from its numerator and denominator (``values`` maps metric -> value).

    A zero denominator gives NaN for arrays and 0.0 for scalars (no enterprises, no rate).
    """
    o = BY_NAME[name]
    if o.kind != "ratio":
        raise KeyError(f"{name!r} is not a ratio outcome")
    num, den = values[o.numerator], values[o.denominator]
    if np.ndim(den) == 0:
        return float(num) / float(den) if den else 0.0
    den = np.asarray(den, dtype=float)
    return np.divide(num, den, out=np.full(den.shape, np.nan), where=den > 0)


# --------------------------------------------------------------------- scalar outcomes of a run
#: Scalar outcomes of one run (experiments, sensitivity, calibration, dashboard): name -> the
#: metric it aggregates. Flows are summed over the run, ratios are the mean over months of the
#: monthly ratio, annual metrics the mean per year. Two names keep their short historical form.
RUN_OUTCOMES: dict[str, str] = {
    "deaths": "deaths",
    "accidents": "accidents",
    "accidents_general": "accidents_general",
    "accidents_larger": "accidents_larger",
    "accidents_major": "accidents_major",
    "accidents_especially_major": "accidents_especially_major",
    "larger_or_worse": "accidents_larger_or_worse",
    "major_or_worse": "accidents_major_or_worse",
    "accidents_human": "accidents_human",
    "accidents_combined": "accidents_combined",
    "accidents_unavoidable": "accidents_unavoidable",
    "serious_injuries": "serious_injuries",
    "accident_risk": "accident_risk",
    "deaths_reported": "deaths_reported",
    "accidents_reported": "accidents_reported",
    "compliance_rate": "compliance_rate",
    "hazards_per_enterprise": "hazards_per_enterprise",
    "inspections": "inspections",
    "penalty_cases": "penalty_cases",
    "violations_let_off": "violations_let_off",
    "zero_penalty_counties": "zero_penalty_counties",
    "enforcement_cost_10k_cny": "enforcement_cost_10k_cny",
    "compliance_cost_10k_cny": "compliance_cost_10k_cny",
}


def run_outcome(name: str) -> Outcome:
    """The declared metric behind a scalar run outcome (``larger_or_worse`` -> its metric)."""
    return BY_NAME[RUN_OUTCOMES.get(name, name)]
