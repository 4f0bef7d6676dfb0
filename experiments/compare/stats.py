"""Statistics of a paired comparison: effects with 95% intervals that are valid for what is measured.

Replicate r of every scenario runs on the same seed (common random numbers), so the effect of a
scenario is estimated from the pairs (base_r, scenario_r). Two methods, chosen per outcome:

* **Paired t** (large counts, rates, costs): the difference d_r = y_k,r - y_0,r has mean
  and interval mean(d) ± t_{0.975, R-1} sd(d)/sqrt(R). The relative change is the ratio of the
  means minus one, with its interval from the paired log-ratio
  (log(ȳ_k/ȳ_0) ± t · sd(y_k,r/ȳ_k - y_0,r/ȳ_0)/sqrt(R), the delta method), so it can never
  fall below −100% for a non-negative outcome.
* **Exact Poisson** (rare counts: accidents or persons with fewer than ``RARE_MEAN`` per run in
  both arms, e.g. major accidents at 0–2 per run): the totals S_0, S_k over R runs are
  Poisson; conditional on S_0 + S_k, S_k is binomial, and the Clopper–Pearson interval of its
  share gives an exact interval for the rate ratio λ_k/λ_0 (so the relative change is in
  [−100%, ∞)). The difference of the means has the MOVER interval (Li, Tang & Wong 2011)
  built from the exact (Garwood) interval of each mean. Over-dispersion beyond Poisson is
  estimated from the replicates (Pearson φ, used when a χ² test rejects Poisson variation) and
  widens both (quasi-Poisson: counts and exposure divided by φ). The arms are treated as independent: the positive
  correlation common random numbers induce only makes the interval conservative.
  The t interval is wrong here: with 0–2 events per run it is symmetric, can go below −100%
  and covers far less than 95% (tests/test_compare_statistics.py measures both).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import special, stats

LEVEL = 0.95
#: Counts below this mean per run (in both arms) get the exact Poisson method.
RARE_MEAN = 30.0
#: Units whose flows are counts of discrete events (sim/outcomes.py).
COUNT_UNITS = frozenset({"accidents", "persons", "events", "cases", "firms", "inspections", "orders"})
PAIRED_T = "paired t"
EXACT_POISSON = "exact Poisson"


def paired_ci(d: np.ndarray, level: float = LEVEL) -> tuple[float, float, float, float, float]:
    """Mean, CI low, CI high, sd and two-sided p-value of paired differences ``d`` (t-based)."""
    d = np.asarray(d, dtype=float)
    d = d[~np.isnan(d)]
    n = len(d)
    if n == 0:
        return (math.nan,) * 5
    mean = float(d.mean())
    if n < 2:
        return mean, math.nan, math.nan, math.nan, math.nan
    sd = float(d.std(ddof=1))
    se = sd / math.sqrt(n)
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * se
    p = float(2 * stats.t.sf(abs(mean) / se, n - 1)) if se > 0 else float(mean == 0)
    return mean, mean - half, mean + half, sd, p


def log_ratio_ci(base: np.ndarray, other: np.ndarray, level: float = LEVEL) -> tuple[float, float, float]:
    """Relative change ȳ_o/ȳ_b - 1 of paired non-negative samples, with its delta-method interval
    on the log scale (always above −1). NaN when a mean is not positive or a value is negative."""
    b, o = np.asarray(base, float), np.asarray(other, float)
    n = len(b)
    mb, mo = (float(b.mean()), float(o.mean())) if n else (math.nan, math.nan)
    if n == 0 or not (mb > 0) or (b < 0).any() or (o < 0).any():
        return math.nan, math.nan, math.nan
    if mo == 0:
        return -1.0, math.nan, math.nan
    rel = mo / mb - 1.0
    if n < 2:
        return rel, math.nan, math.nan
    z = o / mo - b / mb
    se = float(z.std(ddof=1)) / math.sqrt(n)
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * se
    log_r = math.log(mo / mb)
    return rel, math.exp(log_r - half) - 1.0, math.exp(log_r + half) - 1.0


def dispersion(*arms: np.ndarray, level: float = LEVEL) -> float:
    """Over-dispersion φ of counts pooled over arms: Pearson's variance / mean when the replicates
    reject Poisson variation (χ² test at 1 - ``level``), else 1 (an estimate above 1 by chance
    would only widen every interval)."""
    num, df = 0.0, 0
    for y in arms:
        y = np.asarray(y, float)
        m = y.mean() if len(y) else 0.0
        if len(y) > 1 and m > 0:
            num += float(((y - m) ** 2).sum() / m)
            df += len(y) - 1
    if not df or stats.chi2.sf(num, df) >= 1 - level:
        return 1.0
    return max(1.0, num / df)


def poisson_mean_ci(total: float, runs: float, level: float = LEVEL, phi: float = 1.0) -> tuple[float, float]:
    """Exact (Garwood) interval of a Poisson mean per run from ``total`` events in ``runs`` runs;
    ``phi`` > 1 widens it for over-dispersion (counts and exposure divided by phi)."""
    a = (1 - level) / 2
    s, n = total / phi, runs / phi
    low = 0.0 if s <= 0 else float(stats.gamma.ppf(a, s)) / n
    high = float(stats.gamma.ppf(1 - a, s + 1)) / n
    return low, high


def rate_ratio_ci(s_other: float, s_base: float, level: float = LEVEL, phi: float = 1.0) -> tuple[float, float, float]:
    """Exact conditional (Clopper–Pearson) interval of λ_o/λ_b for equal exposure; returns
    (ratio, low, high); high may be inf (no base events), all NaN without any event."""
    a = (1 - level) / 2
    so, sb = s_other / phi, s_base / phi
    if so + sb <= 0:
        return math.nan, math.nan, math.nan
    p_low = 0.0 if so <= 0 else float(stats.beta.ppf(a, so, sb + 1))
    p_high = 1.0 if sb <= 0 else float(stats.beta.ppf(1 - a, so + 1, sb))
    ratio = math.inf if sb <= 0 else so / sb

    def odds(p: float) -> float:
        return math.inf if p >= 1 else p / (1 - p)

    return ratio, odds(p_low), odds(p_high)


def rate_ratio_p(s_other: float, s_base: float, phi: float = 1.0) -> float:
    """Two-sided exact conditional p-value of λ_o = λ_b (binomial with p = 1/2, continuous in n)."""
    so, sb = s_other / phi, s_base / phi
    n = so + sb
    if n <= 0:
        return 1.0
    below = float(special.betainc(max(n - so, 1e-12), so + 1, 0.5))  # P(X <= so)
    above = float(special.betainc(max(so, 1e-12), n - so + 1, 0.5))  # P(X >= so)
    return min(1.0, 2 * min(below, above))


def is_count(values: np.ndarray) -> bool:
    v = np.asarray(values, float)
    v = v[~np.isnan(v)]
    return bool(len(v)) and bool((v >= 0).all()) and bool(np.allclose(v, np.round(v)))


@dataclass(frozen=True)
class Effect:
    """The effect of a scenario on one outcome, from paired replicates."""

    n_pairs: int
    base_mean: float
    scenario_mean: float
    diff: float
    ci_low: float
    ci_high: float
    sd_diff: float
    p_value: float
    rel_change: float
    rel_ci_low: float
    rel_ci_high: float
    method: str
    dispersion: float

    @property
    def distinguishable(self) -> bool | None:
        """Whether the 95% interval of the difference excludes zero (None: no interval)."""
        if math.isnan(self.ci_low) or math.isnan(self.ci_high):
            return None
        return self.ci_low > 0 or self.ci_high < 0

    def as_dict(self) -> dict:
        return asdict(self)


def effect(base: np.ndarray, other: np.ndarray, *, count: bool = False, level: float = LEVEL,
           rare_mean: float = RARE_MEAN) -> Effect:
    """Effect of ``other`` against ``base`` (paired by position); ``count``: the outcome counts
    discrete events, so it gets the exact Poisson method when it is rare."""
    b, o = np.asarray(base, float), np.asarray(other, float)
    ok = ~(np.isnan(b) | np.isnan(o))
    b, o = b[ok], o[ok]
    n = len(b)
    if n == 0:
        nan = math.nan
        return Effect(0, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, PAIRED_T, nan)
    mb, mo = float(b.mean()), float(o.mean())
    rare = count and max(mb, mo) < rare_mean and is_count(b) and is_count(o)
    if not rare:
        mean, lo, hi, sd, p = paired_ci(o - b, level)
        rel, rlo, rhi = log_ratio_ci(b, o, level)
        if math.isnan(rel) and mb != 0 and not math.isnan(mb):  # negative-valued outcomes (toy models)
            rel, rlo, rhi = mean / abs(mb), lo / abs(mb), hi / abs(mb)
        return Effect(n, mb, mo, mean, lo, hi, sd, p, rel, rlo, rhi, PAIRED_T, math.nan)
    phi = dispersion(b, o)
    sb, so = float(b.sum()), float(o.sum())
    lb, ub = poisson_mean_ci(sb, n, level, phi)
    lo_, uo = poisson_mean_ci(so, n, level, phi)
    diff = mo - mb
    low = diff - math.sqrt((mo - lo_) ** 2 + (ub - mb) ** 2)
    high = diff + math.sqrt((uo - mo) ** 2 + (mb - lb) ** 2)
    ratio, rlo, rhi = rate_ratio_ci(so, sb, level, phi)
    sd = float((o - b).std(ddof=1)) if n > 1 else math.nan
    return Effect(n, mb, mo, diff, low, high, sd, rate_ratio_p(so, sb, phi), ratio - 1.0, rlo - 1.0, rhi - 1.0,
                  EXACT_POISSON, phi)


def mean_ci(values: np.ndarray, *, count: bool = False, level: float = LEVEL,
            rare_mean: float = RARE_MEAN) -> tuple[float, float, float]:
    """Mean of replicate values with its 95% interval: exact Poisson for rare counts, else t
    (cut at 0 for non-negative outcomes)."""
    v = np.asarray(values, float)
    v = v[~np.isnan(v)]
    n = len(v)
    if n == 0:
        return math.nan, math.nan, math.nan
    m = float(v.mean())
    if count and m < rare_mean and is_count(v):
        lo, hi = poisson_mean_ci(float(v.sum()), n, level, dispersion(v, level=level))
        return m, lo, hi
    if n < 2:
        return m, math.nan, math.nan
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * float(v.std(ddof=1)) / math.sqrt(n)
    # The mean of a non-negative outcome is not negative: cutting the interval at 0 keeps every
    # true value it covered (its coverage is unchanged).
    low = max(m - half, 0.0) if (v >= 0).all() else m - half
    return m, low, m + half


def counts_outcome(metric: str) -> bool:
    """Whether a scalar outcome (province name, e.g. 'major_or_worse') counts discrete events."""
    from sim import outcomes as O

    try:
        o = O.run_outcome(metric)
    except KeyError:
        return False
    return o.kind == "flow" and o.unit in COUNT_UNITS


def paired_differences(outcomes: pd.DataFrame, metrics: list[str] | None = None, base_point: int = 0,
                       level: float = LEVEL) -> pd.DataFrame:
    """Effects of every design point against ``base_point``, paired by replicate.

    ``outcomes``: Store.outcomes() (design_point, label, replicate, outcome columns). ``metrics``:
    outcome columns (default: every numeric outcome column). Returns one row per (scenario,
    outcome): scenario, label, base_label, outcome, metric, region, n_pairs, base_mean,
    scenario_mean, diff, ci_low, ci_high, sd_diff, p_value, rel_change, rel_ci_low, rel_ci_high,
    method ("paired t" or "exact Poisson") and dispersion (φ of the Poisson method).
    """
    from experiments.outcomes import split_name

    meta = {"run_id", "design_point", "label", "replicate", "seed"}
    if metrics is None:
        metrics = [c for c in outcomes.columns if c not in meta and pd.api.types.is_numeric_dtype(outcomes[c])]
    metrics = [m for m in metrics if m in outcomes.columns]
    base = outcomes[outcomes["design_point"] == base_point].set_index("replicate")
    base_label = str(base["label"].iloc[0]) if len(base) else str(base_point)
    rows = []
    for point in sorted(p for p in outcomes["design_point"].unique() if p != base_point):
        other = outcomes[outcomes["design_point"] == point].set_index("replicate")
        common = base.index.intersection(other.index).sort_values()
        label = str(other["label"].iloc[0])
        for m in metrics:
            metric, region = split_name(m)
            e = effect(base.loc[common, m].to_numpy(dtype=float), other.loc[common, m].to_numpy(dtype=float),
                       count=counts_outcome(metric), level=level)
            rows.append({"scenario": int(point), "label": label, "base_label": base_label, "outcome": m,
                         "metric": metric, "region": region, **e.as_dict()})
    return pd.DataFrame(rows)


def yearly_differences(series: pd.DataFrame, run_point: dict[str, int], run_replicate: dict[str, int],
                       metrics: list[str], base_point: int = 0, level: float = LEVEL) -> pd.DataFrame:
    """Paired effects year by year (annual series, any region): one row per (scenario, metric,
    region, year) with the columns of ``Effect``. ``series``: Store.series() rows (city 'all')."""
    s = series[(series["city"] == "all") & series["metric"].isin(metrics)].copy()
    s["point"] = s["run_id"].map(run_point)
    s["replicate"] = s["run_id"].map(run_replicate)
    rows = []
    for (metric, region), g in s.groupby(["metric", "region"], observed=True, sort=True):
        wide = g.pivot_table(index=["point", "replicate"], columns="year", values="value", observed=True)
        if base_point not in wide.index.get_level_values(0):
            continue
        b = wide.loc[base_point]
        count = counts_outcome(run_name(metric))
        for point in sorted(p for p in wide.index.get_level_values(0).unique() if p != base_point):
            o = wide.loc[point]
            common = b.index.intersection(o.index)
            for year in wide.columns:
                e = effect(b.loc[common, year].to_numpy(), o.loc[common, year].to_numpy(), count=count, level=level)
                rows.append({"scenario": int(point), "metric": metric, "region": region, "year": int(year),
                             **e.as_dict()})
    return pd.DataFrame(rows)


def run_name(metric: str) -> str:
    """Scalar-outcome name of an annual metric ('accidents_larger_or_worse' -> 'larger_or_worse')."""
    from sim import outcomes as O

    for name, m in O.RUN_OUTCOMES.items():
        if m == metric:
            return name
    return metric


def drift(series: pd.DataFrame, runs: list[str], metrics: list[str], region: str = "all",
          level: float = LEVEL) -> pd.DataFrame:
    """Change of the base scenario from its first to its last year, paired within each run:
    one row per metric with first_year, last_year, and the ``Effect`` columns (base = first year)."""
    s = series[(series["city"] == "all") & (series["region"] == region) & series["metric"].isin(metrics)
               & series["run_id"].isin(runs)]
    rows = []
    for metric, g in s.groupby("metric", observed=True, sort=False):
        wide = g.pivot_table(index="run_id", columns="year", values="value", observed=True)
        if wide.shape[1] < 2:
            continue
        first, last = int(wide.columns.min()), int(wide.columns.max())
        e = effect(wide[first].to_numpy(), wide[last].to_numpy(), count=counts_outcome(run_name(metric)), level=level)
        rows.append({"metric": metric, "first_year": first, "last_year": last, **e.as_dict()})
    return pd.DataFrame(rows)
