"""Observation models against scipy.stats, and the inference maths on a stand-in model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from calibration.abc import run_abc, weighted_quantile
from calibration.likelihood import (
    distance,
    loglik,
    negbin_logpmf,
    normal_logpdf,
    poisson_logpmf,
    predicted,
    residual,
    run_components,
)
from calibration.point import Transform, run_point
from calibration.simulate import Simulator
from calibration.spec import FreeParam
from calibration.targets import parse_targets


@pytest.mark.parametrize("y,mu,k", [(0, 3.0, 5.0), (7, 3.0, 5.0), (336, 300.0, 20.0), (2, 0.7, 1.5)])
def test_negbin_matches_scipy(y, mu, k):
    assert negbin_logpmf(y, mu, k) == pytest.approx(stats.nbinom.logpmf(y, k, k / (k + mu)), rel=1e-10)


@pytest.mark.parametrize("y,mu", [(0, 2.5), (4, 2.5), (485, 500.0)])
def test_poisson_matches_scipy(y, mu):
    assert poisson_logpmf(y, mu) == pytest.approx(stats.poisson.logpmf(y, mu), rel=1e-10)


def test_normal_matches_scipy():
    assert normal_logpdf(-75.4, -60.0, 10.0) == pytest.approx(stats.norm.logpdf(-75.4, -60.0, 10.0))


def _targets():
    return parse_targets({"target": [
        {"name": "c", "metric": "deaths", "period": "2016-2017", "observation": "count", "value": 30,
         "dispersion": 4.0, "world_scale": False, "assumption": "a"},
        {"name": "p", "metric": "accidents", "period": "2016", "observation": "count", "value": 12,
         "family": "poisson", "world_scale": False, "assumption": "a"},
        {"name": "r", "metric": "deaths", "period": "2016->2017", "observation": "relative_change",
         "value": -50.0, "tolerance": 10.0, "assumption": "a"},
        {"name": "s", "metric": "deaths", "scope": "region:north", "denominator_scope": "province",
         "period": "2016-2017", "observation": "share", "value": 0.3, "tolerance": 0.05, "assumption": "a"},
    ]}, "t.toml")


def _series():
    rows = []
    for y, d, a in ((2016, 20.0, 10.0), (2017, 8.0, 9.0)):
        rows += [(y, "all", "all", "deaths", d), (y, "all", "all", "accidents", a),
                 (y, "north", "all", "deaths", d / 4), (y, "all", "all", "enterprises", 100.0)]
    return pd.DataFrame(rows, columns=["year", "region", "city", "metric", "value"])


def test_observation_models_by_hand():
    targets = _targets()
    comps = run_components(_series(), targets)
    assert comps[0, 0] == 28.0 and comps[1, 0] == 10.0
    assert predicted(targets[2], comps[2]) == pytest.approx(100 * (8 / 20 - 1))
    assert predicted(targets[3], comps[3]) == pytest.approx(0.25)
    assert loglik(targets[0], comps[0]) == pytest.approx(stats.nbinom.logpmf(30, 4.0, 4.0 / 32.0))
    assert loglik(targets[1], comps[1]) == pytest.approx(stats.poisson.logpmf(12, 10.0))
    assert loglik(targets[2], comps[2]) == pytest.approx(stats.norm.logpdf(-50, -60, 10))
    assert loglik(targets[3], comps[3]) == pytest.approx(stats.norm.logpdf(0.3, 0.25, 0.05))
    assert residual(targets[2], comps[2]) == pytest.approx(1.0)
    z = [residual(t, comps[i]) for i, t in enumerate(targets)]
    assert distance(targets, comps) == pytest.approx(np.sqrt(np.sum(np.square(z))))


def test_world_scale_and_scope_break_adjust():
    t = parse_targets({"target": [
        {"name": "c", "metric": "deaths", "period": "2016", "observation": "count", "value": 300, "assumption": "a"},
        {"name": "r", "metric": "deaths", "period": "2015->2017", "observation": "relative_change", "value": -60,
         "tolerance": 10, "scope_break_adjust": 0.5, "assumption": "a"}]}, "t.toml")
    s = pd.concat([_series(), pd.DataFrame([(2015, "all", "all", "deaths", 8.0)], columns=_series().columns)])
    comps = run_components(s, t, reference_enterprises=1000.0)
    assert comps[0, 0] == pytest.approx(200.0)  # 20 deaths x (1000 / 100 enterprises)
    assert predicted(t[1], comps[1]) == pytest.approx(100 * (0.5 * 8 / 8 - 1))


def test_weighted_quantile():
    v = np.arange(1, 101, dtype=float)
    assert weighted_quantile(v, np.ones(100), 0.5)[0] == pytest.approx(50.5)
    assert weighted_quantile(np.array([1.0, 2.0]), np.array([0.0, 1.0]), 0.5)[0] == pytest.approx(2.0)


def test_transform_round_trip():
    free = [FreeParam("base_incident_rate", "loguniform", 0.001, 0.02), FreeParam("severity_scale", "uniform", 0.3, 3)]
    tr = Transform(free)
    theta = {"base_incident_rate": 0.004, "severity_scale": 1.7}
    back = tr.to_theta(tr.to_z(theta))
    assert back == pytest.approx(theta)


# ------------------------------------------------------------------ stand-in model (fast maths)

TRUTH = {"base_incident_rate": 0.004, "severity_scale": 1.5}


def standin(p, seed, rep):
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(rep,)))
    rows = []
    for y in range(2015, 2025):
        acc = rng.poisson(p["base_incident_rate"] * 10000)
        rows += [(y, "all", "all", "accidents", float(acc)),
                 (y, "all", "all", "deaths", float(rng.poisson(acc * p["severity_scale"]))),
                 (y, "all", "all", "enterprises", 1000.0)]
    return pd.DataFrame(rows, columns=["year", "region", "city", "metric", "value"])


def _standin_problem():
    obs = standin(TRUTH, 99, 0)
    items = []
    for y in range(2015, 2025):
        for m in ("accidents", "deaths"):
            v = obs[(obs.year == y) & (obs.metric == m)].value.iloc[0]
            items.append({"name": f"{m}_{y}", "metric": m, "period": str(y), "observation": "count", "value": v,
                          "family": "poisson", "world_scale": False, "assumption": "synthetic"})
    targets = parse_targets({"target": items}, "synthetic")
    free = [FreeParam("base_incident_rate", "loguniform", 0.0005, 0.02), FreeParam("severity_scale", "uniform", 0.3, 3)]
    fit = [i for i, t in enumerate(targets) if t.last_year <= 2021]
    return targets, free, fit


def test_abc_smc_recovers_standin():
    targets, free, fit = _standin_problem()
    sim = Simulator(targets, series_fn=standin, seed=1)
    res = run_abc(sim, free, fit, population=60, generations=4, seed=3)
    s = res["samples"]
    assert len(s) == 60 and res["epsilons"] == sorted(res["epsilons"], reverse=True)
    for p in free:
        lo, hi = weighted_quantile(s[p.name], s["weight"], [0.05, 0.95])
        assert lo <= TRUTH[p.name] <= hi, p.name


def test_point_estimate_recovers_standin_with_crn():
    targets, free, fit = _standin_problem()
    sim = Simulator(targets, series_fn=standin, seed=1)
    res = run_point(sim, free, fit, replicates=4, max_evaluations=80)
    for p in free:
        lo, hi = res["intervals"][p.name]
        assert lo <= TRUTH[p.name] <= hi, p.name
    assert res["estimate"]["base_incident_rate"] == pytest.approx(TRUTH["base_incident_rate"], rel=0.15)
