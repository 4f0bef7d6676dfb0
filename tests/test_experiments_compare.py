"""Paired comparison statistics: t-based CIs, and a synthetic model with a known effect."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from experiments import toy
from experiments.compare import paired_ci, paired_differences, replicate_warning
from experiments.runner import run_batch
from experiments.spec import RunSpec


def test_paired_ci_matches_scipy_ttest_rel():
    rng = np.random.default_rng(1)
    a = rng.normal(10, 3, 12)
    b = a + rng.normal(1.5, 1, 12)
    mean, lo, hi, sd, p = paired_ci(b - a)
    res = stats.ttest_rel(b, a)
    ci = res.confidence_interval(0.95)
    assert mean == pytest.approx(np.mean(b - a))
    assert (lo, hi) == pytest.approx((ci.low, ci.high))
    assert p == pytest.approx(res.pvalue)
    assert sd == pytest.approx(np.std(b - a, ddof=1))


def _known_effect_outcomes(seed: int, replicates: int, xs=(0.0, 0.5)) -> pd.DataFrame:
    rows = []
    for k, x in enumerate(xs):
        for r in range(replicates):
            rows.append({"design_point": k, "label": f"x={x}", "replicate": r, "seed": seed,
                         **toy.known_effect({"rescue_capacity": x}, seed, r)})
    return pd.DataFrame(rows)


def test_known_effect_end_to_end_through_the_store(tmp_path):
    """Run the synthetic model through run_batch; the paired CIs cover the known effects and are
    much narrower than the common noise (CRN removes it)."""
    specs = [RunSpec.make("", {"rescue_capacity": x}, seed=17, replicate=r, model="experiments.toy:known_effect",
                          design_point=k, label=f"x={x}")
             for k, x in enumerate((0.0, 1.0)) for r in range(20)]
    report = run_batch(specs, tmp_path / "k", workers=0, quiet=True)
    assert report.ok
    from experiments.store import Store

    table = paired_differences(Store(tmp_path / "k").outcomes()).set_index("outcome")
    expected = {"y": toy.EFFECT, "y__south": toy.EFFECT, "y__central": 2 * toy.EFFECT, "y__north": 0.0}
    for name, effect in expected.items():
        row = table.loc[name]
        assert row["ci_low"] < effect < row["ci_high"], name
        assert row["n_pairs"] == 20
        # paired sd is the own noise only: sqrt(2) * OWN_SD, far below the common noise
        assert row["sd_diff"] == pytest.approx(np.sqrt(2) * toy.OWN_SD, rel=0.5)
        assert row["ci_high"] - row["ci_low"] < 1.0
    assert table.loc["y", "region"] == "province" and table.loc["y__north", "region"] == "north"
    assert table.loc["y", "rel_change"] == pytest.approx(table.loc["y", "diff"] / table.loc["y", "base_mean"])


def test_ci_coverage_is_nominal_on_the_synthetic_model():
    """Over 400 independent experiments of R = 8 pairs, the 95% CI covers the true effect ~95% of the time."""
    covered = []
    for seed in range(400):
        out = _known_effect_outcomes(seed, 8)
        row = paired_differences(out, ["y"]).iloc[0]
        covered.append(row["ci_low"] <= 0.5 * toy.EFFECT <= row["ci_high"])
    rate = float(np.mean(covered))
    assert 0.92 <= rate <= 0.98, rate


def test_replicate_warning():
    assert replicate_warning(10) is None
    assert "too few" in replicate_warning(3)
    assert "no confidence interval" in replicate_warning(1)
    one = paired_differences(_known_effect_outcomes(0, 1), ["y"]).iloc[0]
    assert np.isnan(one["ci_low"]) and not np.isnan(one["diff"])
