"""History matching on a stand-in model whose non-implausible region is known in closed form.

Stand-in: accidents = 1000 (a + 0.5) a year and deaths falling by 10 b % of the 2015 level a
year, with no noise. Record: 1000 accidents in 2016 (Poisson) and deaths -25% from 2015 to 2020
(tolerance 5 points). With the three-sigma cut-off the region is

    |1000 - 1000 (a + 0.5)| <= 3 sqrt(1000)                         ->  a in about [0.405, 0.595]
    |-25 + 50 b| <= 3 * 5                                           ->  b in [0.2, 0.8]

so its volume is about 0.19 x 0.6 = 0.114 of the unit square.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from calibration.abc import run_abc
from calibration.history_match import from_unit, recovery_check, recovery_coverage, run_history_matching, to_unit
from calibration.history_match_report import hm_samples
from calibration.simulate import Simulator
from calibration.spec import FreeParam
from calibration.targets import parse_targets

FREE = [FreeParam("optimism", "uniform", 0.0, 1.0), FreeParam("moral_weight", "uniform", 0.0, 1.0)]


def standin(p, seed, rep):
    a, b = p["optimism"], p["moral_weight"]
    rows = []
    for y in range(2015, 2021):
        rows += [(y, "all", "all", "accidents", 1000.0 * (a + 0.5)),
                 (y, "all", "all", "deaths", 1000.0 * (1 - 0.1 * b * (y - 2015))),
                 (y, "all", "all", "enterprises", 1000.0)]
    return pd.DataFrame(rows, columns=["year", "region", "city", "metric", "value"])


def _targets():
    items = [
        {"name": "accidents_2016", "metric": "accidents", "period": "2016", "observation": "count", "value": 1000,
         "family": "poisson", "world_scale": False, "assumption": "synthetic"},
        {"name": "deaths_change", "metric": "deaths", "period": "2015->2020", "observation": "relative_change",
         "value": -25.0, "tolerance": 5.0, "scope_break_adjust": 1.0, "assumption": "synthetic"},
    ]
    return parse_targets({"target": items}, "synthetic")


def _in_region(a, b):
    return (0.405 <= a <= 0.595) and (0.2 <= b <= 0.8)


def _matched(waves=3, runs=30):
    targets = _targets()
    sim = Simulator(targets, series_fn=standin, seed=1)
    hm = run_history_matching(sim, FREE, [0, 1], waves=waves, runs=runs, candidates=20_000, seed=5)
    return sim, hm


def test_history_matching_finds_the_known_region():
    sim, hm = _matched()
    assert sim.n_runs == 3 * 30
    grid = np.array([[a, b] for a in np.linspace(0.01, 0.99, 50) for b in np.linspace(0.01, 0.99, 50)])
    ok = hm.plausible(grid)
    truth = np.array([_in_region(a, b) for a, b in grid])
    # nothing inside the true region is ruled out (a miss here would bias every later stage)
    assert ok[truth].mean() > 0.97
    # far outside it is ruled out
    far = np.array([(a < 0.3 or a > 0.7 or b < 0.1 or b > 0.9) for a, b in grid])
    assert ok[far].mean() < 0.03
    assert 0.08 < hm.waves[-1].nroy_fraction < 0.16
    # volumes shrink (or stay) wave by wave, and the emulators predict left-out runs
    fractions = [w.nroy_fraction for w in hm.waves]
    assert fractions == sorted(fractions, reverse=True) and fractions[0] < 1
    for w in hm.waves:
        assert all(v["within_3sd"] >= 0.9 for v in w.validation)
        assert all(v["r2"] > 0.9 for v in w.validation)


def test_unit_cube_round_trip_and_log_priors():
    free = [FreeParam("base_incident_rate", "loguniform", 0.001, 0.1), FreeParam("optimism", "uniform", 0.2, 0.8)]
    theta = {"base_incident_rate": 0.01, "optimism": 0.5}
    u = to_unit(free, theta)
    assert np.allclose(u, [0.5, 0.5])
    back = from_unit(free, u)
    assert np.isclose(back["base_incident_rate"], 0.01) and np.isclose(back["optimism"], 0.5)


def test_abc_inside_the_region_runs_only_plausible_proposals():
    sim, hm = _matched(waves=2)
    ran: list[dict] = []
    run = sim.run

    def recording_run(thetas, *args, **kwargs):
        ran.extend(thetas)
        return run(thetas, *args, **kwargs)

    sim.run = recording_run
    res = run_abc(sim, FREE, [0, 1], population=30, generations=2, seed=3, region=hm.region,
                  region_pool=hm.pool(seed=4))
    assert len(ran) == res["simulations"] > 0
    assert hm.region(ran).all()  # the prior is truncated: no model run outside the region
    s = res["samples"]
    assert hm.region([dict(r) for _, r in s[["optimism", "moral_weight"]].iterrows()]).all()
    assert s.optimism.min() > 0.4 and s.optimism.max() < 0.6


def test_samples_and_recovery_check():
    _, hm = _matched(waves=2)
    samples, comps = hm_samples(hm)
    assert len(samples) == len(comps) > 0 and np.isclose(samples.weight.sum(), 1)
    assert all(_in_region(a, b) for a, b in zip(samples.optimism, samples.moral_weight, strict=True)) or \
        (samples.distance <= hm.cutoff).all()
    rows = recovery_check(hm, points=4, seed=2, n=20_000)
    assert len(rows) == 4 * len(FREE)
    assert recovery_coverage(rows) >= 0.75
    # the targets inform a: its interval is much narrower than the prior
    assert np.median([r["width_share_of_prior"] for r in rows if r["parameter"] == "optimism"]) < 0.4
