"""Emergent patterns the brief asks for: 88:10:2, the accident pyramid, rescue, schedules."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from sim.mechanisms.compliance import expected_sanction
from sim.metrics import INDEX
from sim.model import SafetyModel
from sim.run import run_scenario
from sim.scenario import ScheduleEntry, load_scenario

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def baseline_run():
    return run_scenario(load_scenario(ROOT / "scenarios" / "baseline.toml"), seed=0, months=60)


def test_baseline_cause_shares_are_88_10_2(baseline_run):
    causes = baseline_run.summary["accidents_by_cause"]
    n = baseline_run.summary["accidents_total"]
    assert n > 5000
    shares = {k: 100 * v / n for k, v in causes.items()}
    assert abs(shares["human"] - 88) <= 2, shares
    assert abs(shares["combined"] - 10) <= 2, shares
    assert abs(shares["unavoidable"] - 2) <= 2, shares


def test_cause_shares_come_from_the_mechanism(tiny):
    # More hidden hazards (unsafe conditions) must raise the combined-cause share: no fixed labels.
    world = tiny.with_overrides({}, agents=3000, months=36)
    calm = run_scenario(world.with_overrides({"hazard_inflow": 0.1}), seed=5)
    rough = run_scenario(world.with_overrides({"hazard_inflow": 1.0, "condition_sensitivity": 0.05}), seed=5)

    def combined_share(r):
        return r.summary["accidents_by_cause"]["combined"] / r.summary["accidents_total"]

    assert combined_share(rough) > combined_share(calm) + 0.05


def test_accident_pyramid_emerges(baseline_run):
    s = baseline_run.summary
    assert s["near_misses_total"] > 5 * s["minor_injuries_total"] > 5 * s["accidents_total"] > s["deaths_total"]
    # Sector ratios differ (ALPHA by sector), so the province's pyramid is not a fixed label.
    acc = baseline_run.accidents
    per_sector = acc.groupby("sector", observed=True).size()
    assert per_sector.min() > 0


def test_fat_tails_in_chemicals_and_fire_risk_venues(baseline_run):
    acc = baseline_run.accidents
    fatal = acc[acc.deaths > 0]
    big = fatal.assign(big=fatal.deaths >= 3).groupby("sector", observed=True)["big"].mean()
    assert big["chemicals"] > big["road_transport"] and big["fire_risk"] > big["manufacturing"]


def test_rescue_reduces_deaths_modestly(tiny):
    world = tiny.with_overrides(
        {
            "severity_scale": 2.5,
            "campaign_jump": 0.0,
            "campaign_closure": 0.0,
            "accident_closure": 0.0,
            "investigation_exposure": 0.0,
        },
        agents=3000,
        months=36,
    )
    none = run_scenario(world.with_overrides({"rescue_capacity": 0.0}), seed=2)
    full = run_scenario(world.with_overrides({"rescue_capacity": 1.0}), seed=2)
    d0, d1 = none.summary["deaths_total"], full.summary["deaths_total"]
    assert d1 < d0
    assert (d0 - d1) / d0 <= 0.10  # <= 10% of deaths given an accident (LITERATURE: rescue)


def test_schedule_changes_a_lever_mid_run(tiny):
    world = tiny.with_overrides({}, agents=3000, months=36)
    sched = replace(world, schedule=(ScheduleEntry(13, {"chemical_remediation": 0.6}),))
    plain = run_scenario(world, seed=1)
    remediated = run_scenario(sched, seed=1)
    chem = INDEX["chemical_enterprises"]
    a = plain.county_monthly[:, :, chem].sum(axis=1)
    b = remediated.county_monthly[:, :, chem].sum(axis=1)
    np.testing.assert_array_equal(a[:12], b[:12])  # identical before the programme starts
    assert b[-1] < 0.8 * a[-1]  # thousands of chemical producers closed


def month_of(model, lv=None):
    from sim.context import Month

    return Month(1, 1, lv or model.config.levers_at(1), model.bh, model.firms_per_agent, model.world, model.streams)


def test_blacklist_raises_expected_sanction(tiny):
    model = SafetyModel(tiny.with_overrides({"blacklist_strength": 0.5}), seed=0)
    f = model.firms
    f.perceived_detection[:] = 0.05
    before = expected_sanction(f, month_of(model)).copy()
    f.blacklist_months[:] = 12
    after = expected_sanction(f, month_of(model))
    assert (after > before).all()


def test_committee_priority_jumps_after_serious_accident_and_decays(tiny):
    model = SafetyModel(tiny, seed=0)
    c = model.committees
    month = month_of(model)
    rest = c.resting_level(month.lv)
    start = c.county.copy()
    c.react(month, np.array([0]), np.array([2]), np.array([0]))  # a major accident in county 0
    assert c.county[0] > start[0] and c.province[0] > start[0]
    assert c.campaign_months[0] == int(model.bh["campaign_months"])
    for _ in range(80):
        c.relax(month)
    assert abs(c.county[0] - rest) < 0.05
    # Party building (党政同责) and accident targets shrink the development-first weight.
    lv = {**month.lv, "development_first": 0.9, "accident_targets": 0.0}
    assert c.resting_level({**lv, "party_building": 1.0}) == pytest.approx(1.0)
    assert c.resting_level({**lv, "party_building": 0.0}) == pytest.approx(0.1)
    assert c.resting_level({**lv, "party_building": 0.0, "accident_targets": 0.5}) == pytest.approx(0.55)
