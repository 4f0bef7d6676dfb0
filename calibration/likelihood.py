"""Observation models: the model's prediction for a target, its log-likelihood and distance.

For each target and each run the model yields two *components* (see :func:`run_components`):

- ``count``:            (count over the period [x world factor], 0)
- ``relative_change``:  (value in the first year, value in the last year)
- ``share``:            (numerator, denominator) over the period

Replicates are combined by averaging components (a ratio of means, not a mean of ratios, so a
replicate with no accident in the first year does not blow a change up). Then

- count:            y ~ NegBin(mean mu, size k)  (variance mu + mu^2/k), or Poisson(mu);
- relative_change:  y ~ Normal(100 (a x last / first - 1), tolerance), a = scope_break_adjust;
- share:            y ~ Normal(numerator / denominator, tolerance).

Predictive draws of a share are clipped to [0, 1] and of a change to >= -100% (the likelihood
is the unclipped normal density).

A predicted mean is floored at ``MU_FLOOR`` (so a model without any event of a kind still has a
finite likelihood for one observed event) and a first-year value at ``FIRST_FLOOR``.
The ABC distance is the weighted root sum of squared standardised residuals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import gammaln
from scipy.stats import norm

from calibration.targets import Target, parse_scope

MU_FLOOR = 0.05
FIRST_FLOOR = 0.5


# --------------------------------------------------------------------------- distributions


def negbin_logpmf(y: float, mu: float, k: float) -> float:
    """log P(y) for a negative binomial with mean mu and size k (variance mu + mu^2/k).

    Equals ``scipy.stats.nbinom.logpmf(y, n=k, p=k/(k+mu))`` for whole y; defined for real y
    (figures scaled from national to provincial counts need not be whole).
    """
    mu = max(float(mu), MU_FLOOR)
    return float(gammaln(y + k) - gammaln(k) - gammaln(y + 1.0)
                 + k * np.log(k / (k + mu)) + y * np.log(mu / (k + mu)))


def poisson_logpmf(y: float, mu: float) -> float:
    """log P(y) for a Poisson with mean mu (= scipy.stats.poisson.logpmf for whole y)."""
    mu = max(float(mu), MU_FLOOR)
    return float(y * np.log(mu) - mu - gammaln(y + 1.0))


def normal_logpdf(y: float, mean: float, sd: float) -> float:
    return float(norm.logpdf(y, loc=mean, scale=sd))


# ------------------------------------------------------------------------ model components


def _rows(series: pd.DataFrame, scope: str) -> pd.DataFrame:
    region, city = parse_scope(scope)
    if city == "all":
        return series[(series["region"] == region) & (series["city"] == "all")]
    return series[series["city"] == city]


def _value(index: dict, scope: str, metric: str, years: range) -> float:
    total = 0.0
    for m in metric.split("+"):
        s = index.get((scope, m.strip()))
        if s is None:
            raise KeyError(f"the simulated world has no {m.strip()!r} for {scope}")
        total += float(sum(s.get(y, 0.0) for y in years))
    return total


def index_series(series: pd.DataFrame, targets: list[Target]) -> dict:
    """(scope, metric) -> {year: value} for every scope and metric the targets need."""
    wanted: dict[str, set[str]] = {}
    for t in targets:
        wanted.setdefault(t.scope, set()).update(m.strip() for m in t.metric.split("+"))
        if t.observation == "share":
            dscope = t.denominator_scope or t.scope
            dmetric = t.denominator or t.metric
            wanted.setdefault(dscope, set()).update(m.strip() for m in dmetric.split("+"))
    wanted.setdefault("province", set()).add("enterprises")
    out = {}
    for scope, metrics in wanted.items():
        rows = _rows(series, scope)
        rows = rows[rows["metric"].isin(metrics)]
        for metric, grp in rows.groupby("metric", observed=True):
            out[(scope, str(metric))] = dict(zip(grp["year"].astype(int), grp["value"].astype(float), strict=True))
    return out


def world_factor(index: dict, reference_enterprises: float | None) -> float:
    """Full-province enterprises / simulated enterprises (mean over the recorded years)."""
    if not reference_enterprises:
        return 1.0
    ent = index.get(("province", "enterprises"))
    if not ent:
        return 1.0
    simulated = float(np.mean(list(ent.values())))
    return reference_enterprises / simulated if simulated > 0 else 1.0


def run_components(series: pd.DataFrame, targets: list[Target], reference_enterprises: float | None = None
                   ) -> np.ndarray:
    """(n_targets, 2) components of one run's annual tidy table (see module docstring)."""
    index = index_series(series, targets)
    factor = world_factor(index, reference_enterprises)
    out = np.zeros((len(targets), 2))
    for i, t in enumerate(targets):
        start, end = t.years
        if t.observation == "count":
            out[i, 0] = _value(index, t.scope, t.metric, range(start, end + 1)) * (factor if t.world_scale else 1.0)
        elif t.observation == "relative_change":
            out[i, 0] = _value(index, t.scope, t.metric, range(start, start + 1))
            out[i, 1] = _value(index, t.scope, t.metric, range(end, end + 1))
        else:
            years = range(start, end + 1)
            out[i, 0] = _value(index, t.scope, t.metric, years)
            out[i, 1] = _value(index, t.denominator_scope or t.scope, t.denominator or t.metric, years)
    return out


# ------------------------------------------------------------------------- per-target maths


def predicted(t: Target, comp: np.ndarray) -> float:
    """The model's figure for target ``t`` from (replicate-mean) components ``comp`` (2,)."""
    if t.observation == "count":
        return float(comp[0])
    if t.observation == "relative_change":
        return float(100.0 * (t.scope_break_adjust * comp[1] / max(comp[0], FIRST_FLOOR) - 1.0))
    return float(comp[0] / comp[1]) if comp[1] > 0 else 0.0


def loglik(t: Target, comp: np.ndarray) -> float:
    """log p(figure | model) for one target."""
    pred = predicted(t, comp)
    if t.observation == "count":
        if t.family == "poisson":
            return poisson_logpmf(t.value, pred)
        return negbin_logpmf(t.value, pred, t.dispersion)
    return normal_logpdf(t.value, pred, float(t.tolerance))


def residual(t: Target, comp: np.ndarray) -> float:
    """Standardised residual (figure - prediction) / sd under the observation model."""
    pred = predicted(t, comp)
    if t.observation == "count":
        mu = max(pred, MU_FLOOR)
        var = mu if t.family == "poisson" else mu + mu * mu / t.dispersion
        return float((t.value - pred) / np.sqrt(var))
    return float((t.value - pred) / float(t.tolerance))


def total_loglik(targets: list[Target], comps: np.ndarray) -> float:
    """Sum of weighted log-likelihoods; ``comps`` (n_targets, 2) replicate means."""
    return float(sum(t.weight * loglik(t, comps[i]) for i, t in enumerate(targets)))


def distance(targets: list[Target], comps: np.ndarray) -> float:
    """ABC distance: sqrt(sum_i w_i z_i^2) of standardised residuals."""
    return float(np.sqrt(sum(t.weight * residual(t, comps[i]) ** 2 for i, t in enumerate(targets))))


def draw_observation(t: Target, comp: np.ndarray, rng: np.random.Generator) -> float:
    """One draw of the figure from the observation model (posterior predictive)."""
    return draw_figure(t, predicted(t, comp), rng)


def draw_figure(t: Target, pred: float, rng: np.random.Generator) -> float:
    """One draw of the figure around the model's figure ``pred`` (the observation model)."""
    if t.observation == "count":
        mu = max(pred, MU_FLOOR)
        if t.family == "poisson":
            return float(rng.poisson(mu))
        k = t.dispersion
        return float(rng.negative_binomial(k, k / (k + mu)))
    y = float(rng.normal(pred, float(t.tolerance)))
    # a published share lies in [0, 1] and a change cannot fall below -100%
    return min(max(y, 0.0), 1.0) if t.observation == "share" else max(y, -100.0)


def predictive_interval(t: Target, comp: np.ndarray, level: float = 0.9) -> tuple[float, float]:
    """Central interval of the observation model given the model's components."""
    from scipy import stats

    pred = predicted(t, comp)
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    if t.observation == "count":
        mu = max(pred, MU_FLOOR)
        dist = stats.poisson(mu) if t.family == "poisson" else stats.nbinom(t.dispersion, t.dispersion / (t.dispersion + mu))
        return float(dist.ppf(lo_q)), float(dist.ppf(hi_q))
    sd = float(t.tolerance)
    lo, hi = float(pred + norm.ppf(lo_q) * sd), float(pred + norm.ppf(hi_q) * sd)
    if t.observation == "share":
        return min(max(lo, 0.0), 1.0), min(max(hi, 0.0), 1.0)
    return max(lo, -100.0), max(hi, -100.0)
