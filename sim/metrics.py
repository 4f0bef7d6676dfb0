"""Metrics, tallied per county and month, aggregated to city, region and province.

Counts are at real scale (agents x enterprises_per_agent; accidents are drawn per real firm).
``FLOW`` metrics add up over months; ``STOCK`` metrics are end-of-month levels (a year's value
is the mean of its months); ``MEAN`` metrics are averaged over counties; ``RATIO`` metrics are
derived from sums after aggregation, so that every level is consistent.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.jurisdiction import REGIONS
from sim.rollup import SegmentSum

FLOW = (
    "accidents",
    "deaths",
    "serious_injuries",
    "direct_loss_10k_cny",
    "deaths_saved",
    "accidents_general",
    "accidents_larger",
    "accidents_major",
    "accidents_especially_major",
    "accidents_larger_or_worse",
    "accidents_human",
    "accidents_combined",
    "accidents_unavoidable",
    "minor_injuries",
    "near_misses",
    "near_misses_reported",
    "inspections",
    "inspected_accident_risk",
    "inspections_formal",
    "inspections_cross_region",
    "violations_detected",
    "violations_let_off",
    "rectification_orders",
    "penalty_cases",
    "suspensions",
    "licence_revocations",
    "fines_10k_cny",
    "blacklistings",
    "grid_visits",
    "grid_reports",
    "trained",
    "collusion_exposed",
    "campaign_closures",
    "remediation_closures",
    "accident_closures",
    "exits",
    "entries",
    "enforcement_cost_10k_cny",
    "compliance_cost_10k_cny",
)
STOCK = (
    "enterprises",
    "compliant_enterprises",
    "hidden_hazards",
    "unregulated_enterprises",
    "blacklisted_enterprises",
    "chemical_enterprises",
    "major_hazard_enterprises",
)
MEAN = ("committee_priority",)
RATIO = {
    "compliance_rate": ("compliant_enterprises", "enterprises"),
    "hazards_per_enterprise": ("hidden_hazards", "enterprises"),
    # Targeting efficiency: expected accidents per month at the firms inspected, per inspection.
    "risk_per_inspection": ("inspected_accident_risk", "inspections"),
}
ANNUAL_ONLY = ("zero_penalty_counties",)
RAW = FLOW + STOCK + MEAN
INDEX = {name: i for i, name in enumerate(RAW)}

ZH = {
    "accidents": "事故起数",
    "deaths": "死亡人数",
    "serious_injuries": "重伤人数",
    "direct_loss_10k_cny": "直接经济损失(万元)",
    "deaths_saved": "救援挽救人数",
    "accidents_general": "一般事故",
    "accidents_larger": "较大事故",
    "accidents_major": "重大事故",
    "accidents_especially_major": "特别重大事故",
    "accidents_larger_or_worse": "较大及以上事故",
    "accidents_human": "纯人因事故",
    "accidents_combined": "人物综合因素事故",
    "accidents_unavoidable": "不可避免事故",
    "minor_injuries": "轻伤",
    "near_misses": "未遂事件",
    "near_misses_reported": "上报未遂事件",
    "inspections": "执法检查",
    "inspections_formal": "走过场检查",
    "inspections_cross_region": "异地执法检查",
    "inspected_accident_risk": "受检企业事故风险(期望事故/月)",
    "violations_detected": "发现违法行为",
    "violations_let_off": "人情放过",
    "rectification_orders": "责令整改",
    "penalty_cases": "立案处罚",
    "suspensions": "停产整顿",
    "licence_revocations": "吊销关闭",
    "fines_10k_cny": "罚款(万元)",
    "blacklistings": "列入黑名单",
    "grid_visits": "网格巡查",
    "grid_reports": "网格上报隐患",
    "trained": "培训企业",
    "collusion_exposed": "查处人情执法",
    "campaign_closures": "专项整治关停",
    "remediation_closures": "化工整治关停",
    "accident_closures": "事故后关停",
    "exits": "企业退出",
    "entries": "企业进入",
    "enforcement_cost_10k_cny": "监管成本(万元)",
    "compliance_cost_10k_cny": "企业安全投入(万元)",
    "enterprises": "企业数",
    "compliant_enterprises": "守法企业数",
    "hidden_hazards": "事故隐患存量",
    "unregulated_enterprises": "无监管部门企业",
    "blacklisted_enterprises": "黑名单企业",
    "chemical_enterprises": "危化品企业",
    "major_hazard_enterprises": "重大危险源企业",
    "committee_priority": "安委会安全重视度",
    "compliance_rate": "守法率",
    "hazards_per_enterprise": "户均隐患",
    "risk_per_inspection": "检查针对性(每次检查覆盖的事故风险)",
    "zero_penalty_counties": "有检查无处罚的县",
}


class Tally:
    """Accumulates one month's county-level metrics into a (months, counties, metrics) array.

    ``slot_county`` must be sorted (enterprise slots are laid out county by county), so that
    per-slot quantities are summed by county with one ``reduceat`` over contiguous segments.
    """

    def __init__(self, months: int, by_county: SegmentSum):
        self.n_counties = by_county.n_groups
        self.by_county = by_county
        self.data = np.zeros((months, self.n_counties, len(RAW)))
        self.month_index = -1  # -1 during warm-up: nothing is recorded

    def add_slots(self, metric: str, values: np.ndarray, scale: float = 1.0) -> None:
        """Add per-slot values (one per enterprise slot, any numeric or bool dtype) by county."""
        if self.month_index < 0:
            return
        self.data[self.month_index, :, INDEX[metric]] += scale * self.by_county(values)

    def add(self, metric: str, county: np.ndarray, weights: np.ndarray | float | None = None) -> None:
        if self.month_index < 0:
            return
        if np.isscalar(weights) or weights is None:
            counts = np.bincount(county, minlength=self.n_counties).astype(float)
            if weights is not None:
                counts *= weights
        else:
            counts = np.bincount(county, weights, minlength=self.n_counties)
        self.data[self.month_index, :, INDEX[metric]] += counts

    def set(self, metric: str, values: np.ndarray) -> None:
        if self.month_index >= 0:
            self.data[self.month_index, :, INDEX[metric]] = values


def _aggregate(county_data: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum (or mean, for MEAN metrics) county rows into groups. county_data: (T, C, M)."""
    onehot = np.zeros((len(groups), n_groups))
    onehot[np.arange(len(groups)), groups] = 1.0
    out = np.einsum("tcm,cg->tgm", county_data, onehot)
    counts = onehot.sum(axis=0)
    for name in MEAN:
        out[:, :, INDEX[name]] /= np.maximum(counts, 1)
    return out


def tidy_monthly(
    county_data: np.ndarray, county_city: np.ndarray, city_region: np.ndarray, cities: list[str], start_year: int
) -> pd.DataFrame:
    """Long table: month, year, region, city, metric, value (city rows, region rows with
    city = "all", province rows with region = city = "all")."""
    t, _, _ = county_data.shape
    city = _aggregate(county_data, county_city, len(cities))
    region = _aggregate(county_data, city_region[county_city], len(REGIONS))
    province = _aggregate(county_data, np.zeros(len(county_city), dtype=int), 1)
    blocks = []
    labels = [(REGIONS[city_region[i]], cities[i]) for i in range(len(cities))] + [(r, "all") for r in REGIONS] + [("all", "all")]
    values = np.concatenate([city, region, province], axis=1)  # (T, G, M)
    ratio_values = np.stack(
        [values[:, :, INDEX[num]] / np.maximum(values[:, :, INDEX[den]], 1e-12) for num, den in RATIO.values()], axis=2
    )
    values = np.concatenate([values, ratio_values], axis=2)
    names = list(RAW) + list(RATIO)
    g = len(labels)
    month = np.repeat(np.arange(1, t + 1), g * len(names))
    label_idx = np.tile(np.repeat(np.arange(g), len(names)), t)
    metric_idx = np.tile(np.arange(len(names)), t * g)
    regions = np.array([lab[0] for lab in labels])
    city_names = np.array([lab[1] for lab in labels])
    blocks = pd.DataFrame(
        {
            "month": month.astype(np.int32),
            "year": (start_year + (month - 1) // 12).astype(np.int32),
            "region": pd.Categorical(regions[label_idx]),
            "city": pd.Categorical(city_names[label_idx]),
            "metric": pd.Categorical(np.array(names)[metric_idx]),
            "value": values.reshape(-1),
        }
    )
    return blocks


def tidy_annual(
    monthly: pd.DataFrame,
    county_data: np.ndarray,
    county_city: np.ndarray,
    city_region: np.ndarray,
    cities: list[str],
    start_year: int,
) -> pd.DataFrame:
    """Annual table: flows summed, stocks and means averaged, ratios recomputed, plus
    zero_penalty_counties (counties with inspections but no penalty case in the year)."""
    df = monthly
    kind = df["metric"].astype(str)
    flows = df[kind.isin(FLOW)].groupby(["year", "region", "city", "metric"], observed=True)["value"].sum()
    levels = df[kind.isin(STOCK + MEAN)].groupby(["year", "region", "city", "metric"], observed=True)["value"].mean()
    annual = pd.concat([flows, levels]).reset_index()
    wide = annual.pivot_table(index=["year", "region", "city"], columns="metric", values="value", observed=True)
    for name, (num, den) in RATIO.items():
        wide[name] = wide[num] / wide[den].where(wide[den] > 0)
    # Zero-penalty counties (有检查无处罚), counted per year from county data.
    t = county_data.shape[0]
    years = start_year + np.arange(t) // 12
    insp = county_data[:, :, INDEX["inspections"]]
    pen = county_data[:, :, INDEX["penalty_cases"]]
    zero = {}
    for y in np.unique(years):
        sel = years == y
        flag = (insp[sel].sum(axis=0) > 0) & (pen[sel].sum(axis=0) == 0)
        per_city = np.bincount(county_city, flag.astype(float), minlength=len(cities))
        per_region = np.bincount(city_region, per_city, minlength=len(REGIONS))
        for i, c in enumerate(cities):
            zero[(int(y), REGIONS[city_region[i]], c)] = per_city[i]
        for r, name in enumerate(REGIONS):
            zero[(int(y), name, "all")] = per_region[r]
        zero[(int(y), "all", "all")] = per_city.sum()
    wide["zero_penalty_counties"] = pd.Series(zero)
    out = wide.reset_index().melt(id_vars=["year", "region", "city"], var_name="metric", value_name="value")
    return out.sort_values(["year", "region", "city", "metric"]).reset_index(drop=True)
