"""The pattern battery's pipeline (quick scale): every pattern computed, outputs written, --strict."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from calibration.patterns import run_battery
from calibration.patterns.levers import LEVER_OUTCOMES
from safegov.cli import main
from sim import params


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("patterns")
    return run_battery("quick", out=out, workers=2), out


def test_every_pattern_is_computed_with_its_reference_and_source(quick):
    _, out = quick
    table = pd.read_csv(out / "patterns.csv")
    names = set(table.pattern)
    for required in ("causes_human", "major_share_of_serious", "history_deaths", "history_chemical_producers",
                     "history_major_per_year", "rct_penalty_effect", "rct_penalty_fade", "fatality_gradient_by_size",
                     "levers_live", "resolution_invariance", "capture_at_bounds"):
        assert required in names
    assert table["model"].notna().all(), table[table.model.isna()].pattern.tolist()
    assert (table.source.str.len() > 5).all() and table.confidence.notna().all()
    assert (table.band_low <= table.band_high).all()
    # pass is exactly "the model's value inside the band" (and any extra condition)
    inside = (table.model >= table.band_low) & (table.model <= table.band_high)
    assert (table["pass"] <= inside).all()


def test_outputs_and_manifest(quick):
    _, out = quick
    for name in ("report.md", "report.html", "levers.csv", "rct_effects.csv", "resolution.csv", "history.csv",
                 "figures/overview.png", "figures/history.png", "figures/rct.png", "figures/levers.png"):
        assert (out / name).stat().st_size > 0, name
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scale"] == "quick" and manifest["runs"] > 50
    assert "Pattern battery" in (out / "report.md").read_text()


def test_lever_table_covers_every_lever(quick):
    result, _ = quick
    assert set(result.levers.lever) == set(LEVER_OUTCOMES) == {p.name for p in params.LEVERS}
    assert np.isfinite(result.levers.t).all()
    assert {"accident_risk_at_low", "accident_risk_at_high", "deaths_at_high_ci_low"} <= set(result.levers.columns)


def test_strict_exit_status(tmp_path, monkeypatch, quick):
    result, _ = quick
    import calibration.patterns as patterns

    monkeypatch.setattr(patterns, "run_battery", lambda *a, **k: result)
    args = ["patterns", "--scale", "quick", "--out", str(tmp_path / "p"), "--workers", "0"]
    failing = any(not p.passed for p in result.patterns)
    assert main(args) == 0
    assert main([*args, "--strict"]) == (1 if failing else 0)
    assert main([*args, "--history", str(tmp_path / "missing.toml")]) == 2


def test_history_patterns_and_calibration_share_one_definition(monkeypatch):
    """The battery's history references are the calibration targets' figures (bridged), tolerances
    and metrics: change a target and the pattern follows."""
    import numpy as np

    from calibration.patterns import battery
    from calibration.patterns.simulate import Summary

    targets = battery.history_targets()
    years = 6
    annual = {m: np.linspace(100.0, 40.0, years) for m in
              ("deaths_reported", "deaths", "accidents_reported", "accidents_larger_or_worse", "chemical_enterprises",
               "compliant_enterprises", "enterprises", "accidents_major_or_worse")}
    runs = [Summary("history", r, 2015, dict(annual)) for r in range(2)]
    patterns = {p.name: p for p in battery._history_patterns(runs)[0]}
    for name, (target_name, _) in battery.HISTORY_TARGETS.items():
        t = targets[target_name]
        p = patterns[name]
        assert p.reference == pytest.approx(100 * ((1 + t.value / 100) / t.scope_break_adjust - 1))
        assert p.high - p.low == pytest.approx(2 * t.tolerance / t.scope_break_adjust)
        assert p.title.endswith(t.metric.replace("_", " "))
    changed = dict(targets)
    changed["jiangsu_deaths_change_2015_2020"] = type(t)(**{**targets["jiangsu_deaths_change_2015_2020"].__dict__,
                                                            "value": -50.0})
    monkeypatch.setattr(battery, "history_targets", lambda: changed)
    p = {p.name: p for p in battery._history_patterns(runs)[0]}["history_deaths"]
    bridge = changed["jiangsu_deaths_change_2015_2020"].scope_break_adjust
    assert p.reference == pytest.approx(100 * (0.5 / bridge - 1))


def test_cause_and_penalty_patterns_are_the_calibration_targets(monkeypatch):
    """The cause shares and the penalty rate the battery checks are the calibration's share targets
    (figure and tolerance): change a target and the pattern follows."""
    import numpy as np

    from calibration.patterns import battery
    from calibration.patterns.simulate import Summary

    annual = {m: np.full(3, v) for m, v in {
        "accidents_human": 80.0, "accidents_combined": 15.0, "accidents_unavoidable": 5.0,
        "accidents_larger_or_worse": 2.0, "accidents_major_or_worse": 0.0, "accidents_reported": 100.0,
        "deaths_reported": 70.0, "penalty_cases": 10.0, "inspections": 100.0}.items()}
    runs = [Summary("baseline", r, 2024, dict(annual)) for r in range(2)]
    targets = battery.history_targets()
    human = targets[battery.CAUSE_TARGETS["human"]]
    penalty = targets[battery.PENALTY_TARGET]
    p = {p.name: p for p in battery._baseline_patterns(runs)}
    assert p["causes_human"].reference == pytest.approx(100 * human.value)
    assert p["causes_human"].high - p["causes_human"].low == pytest.approx(200 * human.tolerance)
    assert p["causes_human"].model == pytest.approx(80.0)
    assert p["penalty_cases_per_inspection"].reference == pytest.approx(100 * penalty.value)
    assert p["penalty_cases_per_inspection"].model == pytest.approx(10.0)
    changed = dict(targets)
    changed[penalty.name] = type(penalty)(**{**penalty.__dict__, "value": 0.05, "tolerance": 0.01})
    changed[human.name] = type(human)(**{**human.__dict__, "value": 0.8})
    monkeypatch.setattr(battery, "history_targets", lambda: changed)
    p = {p.name: p for p in battery._baseline_patterns(runs)}
    assert p["penalty_cases_per_inspection"].reference == pytest.approx(5.0)
    assert (p["penalty_cases_per_inspection"].low, p["penalty_cases_per_inspection"].high) == pytest.approx((3.0, 7.0))
    assert p["causes_human"].passed and p["causes_unavoidable"].reference == pytest.approx(10.0)
