"""sim.evaluate: one evaluation function (numpy scalars, real enterprises kept, bare names anywhere)."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.errors import InputError, ScenarioError
from sim.evaluate import clean_params, prepare, resolve_scenario
from sim.evaluate import run as run_once
from sim.scale import population_share, real_enterprises, rescaled
from sim.scenario import SCENARIO_DIR, load_scenario

TINY = {"scenario": "tiny", "months": 3}


def test_numpy_scalars_and_whole_floats_are_accepted():
    plain = sim.evaluate({"blacklist_months": 12, "fine_level": 2.0, "training_rate": 0.4}, seed=3, **TINY)
    numpy = sim.evaluate({"blacklist_months": np.int64(12), "fine_level": np.float32(2.0),
                          "training_rate": np.float64(0.4)}, seed=np.int64(3), **TINY)
    whole = sim.evaluate({"blacklist_months": 12.0, "fine_level": 2, "training_rate": 0.4}, seed=3.0, **TINY)
    assert plain == numpy == whole
    assert {"deaths", "accidents", "compliance_rate", "deaths__south", "deaths__north"} <= set(plain)
    assert all(isinstance(v, float) for v in plain.values())
    assert clean_params({"blacklist_months": np.array([24.0])}) == {"blacklist_months": 24}
    assert type(clean_params({"blacklist_months": np.int32(24)})["blacklist_months"]) is int


@pytest.mark.parametrize(("params", "key", "words"), [
    ({"blacklist_months": 12.5}, "blacklist_months", "whole number"),
    ({"blacklist_months": 99}, "blacklist_months", "between 6 and 36"),
    ({"trainig_rate": 0.3}, "trainig_rate", "did you mean 'training_rate'"),
    ({"fine_level": "high"}, "fine_level", "expected a number"),
    ({"fine_level": True}, "fine_level", "expected a number"),
])
def test_bad_parameters_are_one_line_errors(params, key, words):
    with pytest.raises(InputError) as err:
        prepare(params, scenario="tiny")
    text = str(err.value)
    assert "\n" not in text and key in text and words in text


def test_bad_setup_values_are_one_line_errors():
    with pytest.raises(InputError, match="agents: expected a whole number"):
        prepare({}, scenario="tiny", agents=1000.5)
    with pytest.raises(InputError, match="months: expected a whole number between 1 and 600"):
        prepare({}, scenario="tiny", months=0)


def test_fewer_agents_keep_the_real_number_of_enterprises():
    tiny = load_scenario(SCENARIO_DIR / "tiny.toml")
    total = real_enterprises(tiny.setup)
    small = prepare({}, scenario="tiny", agents=np.int64(150))
    assert small.setup.agents == 150
    assert real_enterprises(small.setup) == pytest.approx(total)
    # and the model counts them: the province's enterprise stock in month 1 is the same at both
    # resolutions (exits before month 1 move both alike; the bug this guards shrank it 10-fold)
    stock = {sc.setup.agents: sim.series(sim.run_scenario(sc.with_overrides({}, months=1)), "enterprises").iloc[0]
             for sc in (small, tiny)}
    assert stock[150] == pytest.approx(stock[tiny.setup.agents], rel=0.05)
    assert stock[150] == pytest.approx(total, rel=0.25)


def test_fewer_cities_keep_their_share_and_the_resolution():
    base = load_scenario(SCENARIO_DIR / "baseline.toml").setup
    changes = rescaled(base, cities=["Nanjing"])
    share = population_share([], ["Nanjing"])
    assert 0.05 < share < 0.2
    assert changes["agents"] * changes["enterprises_per_agent"] == pytest.approx(real_enterprises(base) * share)
    assert changes["enterprises_per_agent"] == pytest.approx(base.enterprises_per_agent, rel=1e-3)
    both = rescaled(base, 2000, ["Nanjing", "Suzhou"])
    assert both["agents"] == 2000
    assert 2000 * both["enterprises_per_agent"] == pytest.approx(real_enterprises(base, ["Nanjing", "Suzhou"]))
    assert rescaled(base) == {}
    # bounds of enterprises per agent: never below one real firm per agent
    assert rescaled(base, 5_000_000)["enterprises_per_agent"] == 1.0


def test_bare_scenario_names_from_another_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve_scenario("tiny").name == "tiny"
    assert resolve_scenario("tiny.toml").name == "tiny"
    out = sim.evaluate({}, **TINY)
    assert out["accidents"] >= 0
    with pytest.raises(InputError, match=r"no scenario named 'nosuch'; expected a path or one of .*baseline"):
        resolve_scenario("nosuch")
    with pytest.raises(InputError, match="file not found"):
        resolve_scenario(str(tmp_path / "missing.toml"))


def test_series_accessor_adds_up_to_the_scalar_outcome():
    params = {"training_rate": 0.5}
    total = sim.evaluate(params, seed=2, scenario="tiny", months=14)
    monthly = sim.evaluate_series(params, "deaths", seed=2, scenario="tiny", months=14)
    annual = sim.evaluate_series(params, "deaths", seed=2, scenario="tiny", months=14, annual=True)
    north = sim.evaluate_series(params, "deaths", region="north", seed=2, scenario="tiny", months=14)
    assert list(monthly.index) == list(range(1, 15)) and monthly.index.name == "month"
    assert list(annual.index) == [2020, 2021]
    assert monthly.sum() == pytest.approx(total["deaths"]) == pytest.approx(annual.sum())
    assert north.sum() == pytest.approx(total["deaths__north"])
    result = run_once(params, seed=2, scenario="tiny", months=14)
    xuzhou = sim.series(result, "deaths", city="Xuzhou")
    assert xuzhou.sum() == pytest.approx(total["deaths__north"])  # Xuzhou is the tiny world's only northern city
    with pytest.raises(InputError, match="unknown metric 'death'; did you mean 'deaths'"):
        sim.series(result, "death")
    with pytest.raises(InputError, match="city: expected 'all' or one of"):
        sim.series(result, "deaths", city="Paris")


def test_with_overrides_takes_numpy_scalars():
    # the report: "expected a whole number between 6 and 36, got np.int64(28)"
    tiny = load_scenario(SCENARIO_DIR / "tiny.toml")
    sc = tiny.with_overrides({"blacklist_months": np.int64(28), "fine_level": np.float64(2.0)}, agents=np.int64(300))
    assert sc.levers["blacklist_months"] == 28
    assert sc.setup.agents == 300
    with pytest.raises(ScenarioError, match="blacklist_months: expected a whole number"):
        tiny.with_overrides({"blacklist_months": 28.5})
