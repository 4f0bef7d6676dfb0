"""Accident statistics: officials under accident targets hide some small accidents (Fisman &
Wang 2017); larger-or-worse accidents are always reported."""

from __future__ import annotations

from sim.run import run_scenario


def test_targets_hide_small_accidents_but_never_serious_ones(tiny):
    sc = tiny.with_overrides({"severity_scale": 2.5, "underreporting": 0.6, "city_oversight": 0.0}, agents=3000, months=36)
    none = run_scenario(sc.with_overrides({"accident_targets": 0.0}), seed=2).accidents
    strict = run_scenario(sc.with_overrides({"accident_targets": 1.0}), seed=2).accidents
    assert none.reported.all()
    hidden = ~strict.reported
    assert 0.2 < hidden.mean() < 0.6
    assert (strict.grade[hidden] == "general").all()
    assert strict[strict.grade != "general"].reported.all()


def test_checks_expose_concealment(tiny):
    sc = tiny.with_overrides({"severity_scale": 2.5, "underreporting": 0.6, "accident_targets": 1.0}, agents=3000, months=36)
    lax = run_scenario(sc.with_overrides({"city_oversight": 0.0, "rule_of_law": 0.0}), seed=2).accidents
    checked = run_scenario(sc.with_overrides({"city_oversight": 1.0, "rule_of_law": 1.0}), seed=2).accidents
    assert (~checked.reported).mean() < 0.5 * (~lax.reported).mean()
