"""Intervals for rare counts: exact Poisson coverage on a known case, never below −100%."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.compare.stats import (
    EXACT_POISSON,
    PAIRED_T,
    dispersion,
    effect,
    log_ratio_ci,
    mean_ci,
    paired_differences,
    poisson_mean_ci,
    rate_ratio_ci,
)


def _coverage(lam0: float, lam1: float, runs: int, trials: int, seed: int, count: bool) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    hit_diff = hit_ratio = 0
    for _ in range(trials):
        b, o = rng.poisson(lam0, runs), rng.poisson(lam1, runs)
        e = effect(b, o, count=count)
        hit_diff += bool(e.ci_low <= lam1 - lam0 <= e.ci_high)
        hit_ratio += bool(np.isnan(e.rel_ci_low) or e.rel_ci_low <= lam1 / lam0 - 1 <= e.rel_ci_high)
    return hit_diff / trials, hit_ratio / trials


@pytest.mark.parametrize("lam0,lam1", [(1.0, 0.5), (0.5, 0.5), (0.2, 0.1)])
def test_exact_poisson_intervals_cover_a_known_poisson_case(lam0, lam1):
    """Major accidents at 0–2 per run, 10 replicates: the 95% intervals of the difference and of
    the rate ratio cover the true values at least 95% of the time (exact methods are conservative)."""
    diff, ratio = _coverage(lam0, lam1, runs=10, trials=600, seed=11, count=True)
    assert 0.945 <= diff <= 1.0, diff
    assert 0.945 <= ratio <= 1.0, ratio


def test_t_interval_undercovers_where_the_exact_one_does_not():
    """At 0.05–0.1 events per run many replicate sets are all zeros: the t interval collapses to
    [0, 0] and misses the true difference; the exact interval keeps its coverage."""
    t_cov, _ = _coverage(0.1, 0.05, runs=10, trials=600, seed=3, count=False)
    exact_cov, _ = _coverage(0.1, 0.05, runs=10, trials=600, seed=3, count=True)
    assert t_cov < 0.9 and exact_cov >= 0.95, (t_cov, exact_cov)


def test_relative_change_never_below_minus_100_percent():
    rng = np.random.default_rng(0)
    for _ in range(300):
        b, o = rng.poisson(1.5, 8), rng.poisson(0.3, 8)
        for count in (True, False):
            e = effect(b, o, count=count)
            if not np.isnan(e.rel_ci_low):
                assert e.rel_ci_low >= -1.0 and e.rel_change >= -1.0
    # the scenario has no event at all: −100% is the estimate and the bound, not below
    e = effect(np.array([1, 0, 2, 0, 1, 0, 0, 1]), np.zeros(8), count=True)
    assert e.method == EXACT_POISSON and e.rel_change == -1.0 and e.rel_ci_low == -1.0 and e.rel_ci_high > -1.0
    # a noisy large outcome through the paired-t path: the log-ratio interval stays above −100%
    b = rng.gamma(0.3, 100, 6)
    rel, lo, hi = log_ratio_ci(b, b * rng.uniform(0.01, 0.2, 6))
    assert -1.0 < lo <= rel <= hi


def test_poisson_building_blocks_match_textbook_values():
    # Garwood interval for 0 events in 1 run: [0, 3.689]; 5 events: [1.623, 11.668]
    assert poisson_mean_ci(0, 1) == pytest.approx((0.0, 3.6889), abs=1e-3)
    assert poisson_mean_ci(5, 1) == pytest.approx((1.6235, 11.6683), abs=1e-3)
    ratio, lo, hi = rate_ratio_ci(0, 4)
    assert ratio == 0 and lo == 0 and 0 < hi < np.inf
    assert rate_ratio_ci(3, 0)[2] == np.inf
    assert dispersion(np.array([1, 0, 1, 2, 0, 1, 1, 0, 2, 1])) == 1.0  # Poisson-like: no widening
    assert dispersion(np.array([0, 0, 0, 0, 9, 0, 0, 12, 0, 0])) > 3  # clumped: widened
    m, lo, hi = mean_ci(np.array([0, 0, 0, 0]), count=True)
    assert m == lo == 0.0 < hi  # no event: the interval still has width (t would give [0, 0])
    m, lo, hi = mean_ci(np.array([0, 0, 1, 0]), count=True)
    assert 0.0 < lo < m < hi


def test_paired_differences_chooses_the_method_per_outcome():
    rng = np.random.default_rng(4)
    rows = []
    for point in (0, 1):
        for r in range(10):
            rows.append({"design_point": point, "label": f"s{point}", "replicate": r,
                         "deaths": float(rng.poisson(2000 - 50 * point)), "major_or_worse": float(rng.poisson(0.8)),
                         "compliance_rate": 0.3 + 0.01 * point + rng.normal(0, 0.001)})
    table = paired_differences(pd.DataFrame(rows), ["deaths", "major_or_worse", "compliance_rate"]).set_index("metric")
    assert table.loc["deaths", "method"] == PAIRED_T
    assert table.loc["major_or_worse", "method"] == EXACT_POISSON
    assert table.loc["compliance_rate", "method"] == PAIRED_T  # a share, not a count
    assert table.loc["major_or_worse", "rel_ci_low"] >= -1.0


def test_mean_interval_of_a_non_negative_outcome_stays_non_negative():
    m, lo, hi = mean_ci(np.array([0.0, 0.0, 300.0]))  # a skewed, large count: t interval, cut at 0
    assert m == 100 and lo == 0.0 and hi > 300
    m, lo, hi = mean_ci(np.array([-5.0, 0.0, 300.0]))  # values that can be negative keep the t interval
    assert lo < 0
