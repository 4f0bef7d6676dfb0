"""Known answers: Ishigami through the callable-model path, noise decomposition, PAWN vs SALib."""

from __future__ import annotations

import numpy as np
import pytest
from SALib.analyze import pawn as salib_pawn
from SALib.sample import latin

from experiments.sensitivity.analysis import analyse_output, pawn_median
from experiments.sensitivity.noise import decompose
from experiments.sensitivity.pipeline import run_sensitivity
from experiments.sensitivity.spec import load_spec
from experiments.sensitivity.testfunctions import ISHIGAMI_S1, ISHIGAMI_ST

SPECS = "experiments/sensitivity/specs"


@pytest.fixture(scope="module")
def ishigami(tmp_path_factory):
    spec = load_spec(f"{SPECS}/ishigami.toml")
    return run_sensitivity(spec, tmp_path_factory.mktemp("ishigami"), workers=0, quiet=True)


def test_ishigami_reproduces_salib_indices_within_ci(ishigami):
    assert ishigami.batch.ok and len(ishigami.batch.done) == 1024 * 5
    for j, name in enumerate(("x1", "x2", "x3")):
        for index, truth in (("S1", ISHIGAMI_S1[j]), ("ST", ISHIGAMI_ST[j])):
            row = ishigami.index("y", name, index)
            assert row["conf"] < 0.1, (name, index, row)
            assert row["low"] <= truth <= row["high"], (name, index, row["value"], row["conf"], truth)


def test_ishigami_report_and_tables(ishigami):
    out = ishigami.out
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in html and "data:image/png;base64," in html
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "distinguishable from no effect" in md and "可与零区分" in md
    assert md.index("Overview") < md.index("How to read") < md.index("Findings by output")
    assert (out / "figures" / "sobol_y.png").stat().st_size > 1000
    import pandas as pd

    t = pd.read_csv(out / "indices.csv")
    assert set(t["index"]) == {"S1", "ST"} and set(t["factor"]) == {"x1", "x2", "x3"}
    assert {"conf_sample", "conf_replicate", "value_first_half"} <= set(t.columns)
    s = pd.read_csv(out / "summary.csv").iloc[0]
    assert s["top_factors"].split(";")[0] == "x1"
    assert abs(s["convergence_max_diff"]) < 0.2


def _ishigami(X):
    return np.sin(X[:, 0]) + 7 * np.sin(X[:, 1]) ** 2 + 0.1 * X[:, 2] ** 4 * np.sin(X[:, 0])


def test_noise_decomposition_separates_own_and_shared_seed_noise():
    rng = np.random.default_rng(3)
    X = rng.uniform(-np.pi, np.pi, size=(400, 3))
    signal = _ishigami(X)[:, None]
    R = 4
    own = rng.standard_normal((400, R))          # differs between points: blurs indices
    shared = 3.0 * rng.standard_normal((1, R))   # same at every point (CRN): cancels
    d = decompose(signal + own + shared)
    total = d["var_points"] + d["var_shared_seed"] + d["var_own_seed"]
    assert d["var_own_seed"] == pytest.approx(1.0, rel=0.15)
    assert d["noise_share_runs"] == pytest.approx((d["var_shared_seed"] + 1.0) / total, rel=0.15)
    assert d["noise_share_means"] == pytest.approx(0.25 / np.var(signal + own.mean(1, keepdims=True)), rel=0.2)
    assert d["crn_share"] > 0.7
    assert d["replicates_for_5pct"] <= 3
    only_shared = decompose(signal + shared)
    assert only_shared["noise_share_means"] == pytest.approx(0.0, abs=1e-9)
    assert decompose(signal)["noise_share_runs"] != decompose(signal)["noise_share_runs"]  # NaN: one replicate


def test_replicate_bootstrap_widens_ci_with_noise():
    from experiments.sensitivity.sampling import sample

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    X = sample("sobol", problem, 256, 5)
    rng = np.random.default_rng(5)
    clean = np.repeat(_ishigami(X)[:, None], 3, axis=1)
    noisy = clean + 2.0 * rng.standard_normal(clean.shape)
    a = analyse_output("y", "sobol", problem, X, clean, seed=1, num_resamples=50)
    b = analyse_output("y", "sobol", problem, X, noisy, seed=1, num_resamples=50)
    assert (a.table["conf_replicate"] < 1e-9).all()
    assert (b.table["conf_replicate"] > 1e-3).all()
    assert (b.table["conf"] >= b.table["conf_sample"] - 1e-12).all()


def test_pawn_median_matches_salib():
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    X = latin.sample(problem, 300, seed=11)
    y = _ishigami(X)
    ours = pawn_median(X, y, 10)
    theirs = salib_pawn.analyze(problem, X, y, S=10)["median"]
    np.testing.assert_allclose(ours, theirs, atol=1e-12)


def test_morris_noise_floor_flags_dead_factors():
    """With seed noise, a dead factor's mu* is not 0 but the noise floor; it is not called influential."""
    from experiments.sensitivity.sampling import sample

    problem = {"num_vars": 4, "names": ["a", "b", "dead1", "dead2"], "bounds": [[0, 1]] * 4}
    X = sample("morris", problem, 200, 3)
    rng = np.random.default_rng(0)
    Y = 5 * X[:, [0]] + 0.2 * X[:, [1]] + 2.0 * rng.standard_normal((len(X), 3))
    a = analyse_output("y", "morris", problem, X, Y, seed=1, num_resamples=100)
    floor = a.summary["mu_star_noise_floor"]
    mu = a.table[a.table["index"] == "mu_star"].set_index("factor")["value"]
    assert mu["dead1"] == pytest.approx(floor, rel=0.3) and mu["dead2"] == pytest.approx(floor, rel=0.3)
    assert a.summary["top_factors"] == "a"
