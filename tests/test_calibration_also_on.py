"""A target asked of two runs (``also_on``): one definition, measured on each run separately."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import pytest

from calibration.simulate import Simulator
from calibration.spec import load_spec
from calibration.targets import measured_on_runs, parse_targets
from sim.errors import InputError

SHARE = {"name": "combined", "metric": "accidents_combined", "denominator": "accidents", "period": "2020",
         "observation": "share", "value": 0.10, "tolerance": 0.02, "assumption": "a"}


def test_also_on_copies_the_figure_for_each_run():
    targets = measured_on_runs(parse_targets({"target": [{**SHARE, "also_on": ["baseline"]}]}, "t.toml"))
    assert [(t.name, t.run) for t in targets] == [("combined", ""), ("combined@baseline", "baseline")]
    main, other = targets
    assert (other.value, other.tolerance, other.period, other.assumption) == (
        main.value, main.tolerance, main.period, main.assumption)


def _series(combined: float) -> pd.DataFrame:
    rows = [(2020, "all", "all", "accidents_combined", combined), (2020, "all", "all", "accidents", 100.0),
            (2020, "all", "all", "enterprises", 10.0)]
    return pd.DataFrame(rows, columns=["year", "region", "city", "metric", "value"])


def test_simulator_measures_each_target_on_its_own_run():
    targets = measured_on_runs(parse_targets({"target": [{**SHARE, "also_on": ["baseline"]}]}, "t.toml"))
    calls = []

    def standin(theta, seed, replicate, run=""):
        calls.append(run)
        # the baseline run has a third of the history's combined accidents
        return _series(12.0 if run == "" else 4.0)

    sim = Simulator(targets, series_fn=standin, seed=1, runs={"baseline": ("baseline.toml", {})})
    comps = sim.run([{"x": 1.0}], replicates=2, crn=True)
    assert comps.shape == (1, 2, 2, 2)
    np.testing.assert_allclose(comps[0, :, 0, 0], 12.0)
    np.testing.assert_allclose(comps[0, :, 1, 0], 4.0)
    assert sorted(calls) == ["", "", "baseline", "baseline"] and sim.n_runs == 4


def test_simulator_refuses_a_target_on_a_run_it_is_not_given():
    targets = measured_on_runs(parse_targets({"target": [{**SHARE, "also_on": ["baseline"]}]}, "t.toml"))
    with pytest.raises(ValueError, match="baseline"):
        Simulator(targets, series_fn=lambda *a, **k: _series(1.0))


def _spec(tmp_path, also_run: str, also_on: str = '["baseline"]'):
    (tmp_path / "targets.toml").write_text(textwrap.dedent(f"""
        [[target]]
        name = "combined"
        metric = "accidents_combined"
        denominator = "accidents"
        period = "2020"
        observation = "share"
        value = 0.1
        tolerance = 0.02
        also_on = {also_on}
        assumption = "a"
        """), encoding="utf-8")
    spec = tmp_path / "spec.toml"
    spec.write_text(textwrap.dedent(f"""
        scenario = "historical"
        targets = "targets.toml"
        methods = ["abc-smc"]
        [setup]
        agents = 500
        {also_run}
        [parameters.base_incident_rate]
        prior = "loguniform"
        """), encoding="utf-8")
    return spec


def test_spec_runs_the_named_scenario_with_its_setup_on_top(tmp_path):
    spec = load_spec(_spec(tmp_path, '[also_run.baseline]\nscenario = "baseline"\nsetup = { months = 12 }'))
    path, setup = spec.also_runs["baseline"]
    assert path.name == "baseline.toml" and setup == {"agents": 500, "months": 12}
    assert [t.name for t in spec.fit_targets] == ["combined", "combined@baseline"]


def test_spec_without_the_run_a_target_names_is_one_clear_error(tmp_path):
    with pytest.raises(InputError, match=r"also_on names the run 'baseline'.*\[also_run\.baseline\]"):
        load_spec(_spec(tmp_path, ""))


def test_run_whose_years_miss_the_target_is_one_clear_error(tmp_path):
    bad = '[also_run.baseline]\nscenario = "baseline"\nsetup = { months = 12, start_year = 2022 }'
    with pytest.raises(InputError, match=r"combined@baseline.*outside the simulated years 2022-2022"):
        load_spec(_spec(tmp_path, bad))


def test_estimate_is_the_particle_closest_in_the_mean_of_more_runs():
    """A particle that was lucky in its one ABC run loses to one whose replicate mean is closer."""
    from types import SimpleNamespace

    from calibration.pipeline import closest_particle
    from calibration.spec import FreeParam

    targets = parse_targets({"target": [{**SHARE, "name": "s"}]}, "t.toml")

    def standin(theta, seed, replicate):
        # the model's combined share is x / 100: the record (0.10) wants x = 10
        return _series(theta["x"])

    sim = Simulator(targets, series_fn=standin, seed=1)
    spec = SimpleNamespace(free=[FreeParam("x", "uniform", 0.0, 30.0)])
    # ABC distances from one noisy run each: x = 20 looked best, x = 11 second
    samples = pd.DataFrame({"x": [20.0, 11.0, 3.0], "distance": [0.1, 0.4, 2.0], "weight": 1 / 3})
    chosen, how = closest_particle(sim, spec, samples, [0], candidates=3, replicates=2)
    assert chosen == {"x": 11.0} and how["rank_in_abc"] == 2 and sim.n_runs == 6
    chosen, how = closest_particle(sim, spec, samples, [0], candidates=0, replicates=2)
    assert chosen == {"x": 20.0} and how["candidates"] == 1
