"""reform_extent: the size of the reforms before a scenario's anchor year is a parameter."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import params
from sim.errors import ScenarioError
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
HISTORY = ROOT / "scenarios" / "historical.toml"


def test_extent_one_is_the_written_timeline():
    # baseline.toml (and so historical.toml) carries the calibrated extent; 1 is the timeline as written
    sc = load_scenario(HISTORY).with_overrides({"reform_extent": 1.0})
    assert sc.setup.reform_anchor_year == 2020
    for month in (1, 25, 49, 61, 97):
        assert sc.levers_at(month) == sc._written_levers_at(month)


@pytest.mark.parametrize("extent", [0.5, 1.5])
def test_extent_scales_the_distance_from_the_anchor_before_it_only(extent):
    base = load_scenario(HISTORY).with_overrides({"reform_extent": 1.0})
    sc = base.with_overrides({"reform_extent": extent})
    anchor = base.levers_at(61)  # January 2020
    first = sc.levers_at(1)
    written = base.levers_at(1)
    for name in ("inspectors_per_county", "development_first", "party_building", "training_rate"):
        p = params.BY_NAME[name]
        want = min(max(anchor[name] + extent * (written[name] - anchor[name]), p.low), p.high)
        assert first[name] == pytest.approx(want), name
        assert first[name] != written[name]
    # documented sizes and the anchor year onward are as written
    assert sc.levers_at(25)["chemical_remediation"] == base.levers_at(25)["chemical_remediation"] == 0.15
    for month in (61, 73, 97):
        assert sc.levers_at(month) == base.levers_at(month)


def test_bigger_reforms_mean_a_bigger_fall_in_risk():
    from sim.run import run_scenario

    base = load_scenario(HISTORY).with_overrides({}, agents=2000, enterprises_per_agent=600, months=72,
                                                  warmup_months=12)  # fmt: skip
    falls = []
    for extent in (0.5, 1.5):
        r = run_scenario(base.with_overrides({"reform_extent": extent}), seed=3)
        risk = r.annual[(r.annual["metric"] == "accident_risk")].groupby("year")["value"].sum()
        falls.append(risk.loc[2020] / risk.loc[2015])
    assert falls[1] < falls[0] - 0.05, falls


def test_no_anchor_no_effect_and_bad_documented_levers_are_refused(tmp_path):
    sc = load_scenario(ROOT / "scenarios" / "baseline.toml").with_overrides({"reform_extent": 1.5})
    assert sc.levers_at(1) == load_scenario(ROOT / "scenarios" / "baseline.toml").levers_at(1)
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\n[setup]\nreform_anchor_year = 2020\nreform_documented = ["chemical_remediaton"]\n')
    with pytest.raises(ScenarioError, match=r"reform_documented.*unknown lever 'chemical_remediaton'"):
        load_scenario(bad)
