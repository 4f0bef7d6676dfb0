"""Metrics, tallied per county and month, aggregated to city, region and province.

Counts are at real scale (agents x enterprises_per_agent; accidents are drawn per real firm).
The metrics are declared once in ``sim/outcomes.py``; this module derives its lists from there.
``FLOW`` metrics add up over months; ``STOCK`` metrics are end-of-month levels (a year's value
is the mean of its months); ``MEAN`` metrics are averaged over counties; ``RATIO`` metrics are
derived from sums after aggregation, so that every level is consistent.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim import outcomes as O
from sim.jurisdiction import REGIONS
from sim.rollup import SegmentSum

FLOW = O.names("flow")
STOCK = O.names("stock")
MEAN = O.names("mean")
RATIO = {o.name: (o.numerator, o.denominator) for o in O.DECLARED if o.kind == "ratio"}
ANNUAL_ONLY = O.names("annual")
RAW = FLOW + STOCK + MEAN
INDEX = {name: i for i, name in enumerate(RAW)}
#: Chinese label of every declared outcome (sim/outcomes.py).
ZH = {o.name: o.zh for o in O.DECLARED}


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
        self.add_county(metric, scale * self.by_county(values))

    def add_county(self, metric: str, values: np.ndarray) -> None:
        """Add values already summed by county."""
        if self.month_index < 0:
            return
        self.data[self.month_index, :, INDEX[metric]] += values

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
