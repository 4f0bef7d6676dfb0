"""The in-silico randomised inspection experiment: penalty dependence, fade, twin exactness."""

from __future__ import annotations

from functools import cache

import numpy as np

from experiments import rct
from sim.scenario import SCENARIO_DIR, load_scenario


@cache
def _effects():
    sc = load_scenario(SCENARIO_DIR / "tiny.toml").with_overrides(
        {}, agents=3000, enterprises_per_agent=20, grids_per_county=150, warmup_months=24
    )
    rows = rct.run(sc, rct.Design(share=0.3, month=7, follow=36), replicates=2, seed=1)
    return rows, rct.effects(rows)


def _effect(e, group, year, metric="accident_risk"):
    return float(e[(e.group == group) & (e.year == year) & (e.metric == metric)].effect.iloc[0])


def test_twin_matches_before_the_inspection_and_groups_partition_the_treated():
    rows, _ = _effects()
    r = rows[(rows.metric == "accident_risk") & (rows.replicate == 0) & (rows.year == 1)]
    firms = r.set_index("group")["firms"]
    assert firms["all"] == firms[["penalty", "rectification", "let_off", "nothing_found"]].sum()
    assert firms["penalty"] > 0 and firms["nothing_found"] > 0


def test_lasting_effect_needs_a_penalty_and_fades():
    _, e = _effects()
    penalty1, penalty2 = _effect(e, "penalty", 1), _effect(e, "penalty", 2)
    nothing1 = _effect(e, "nothing_found", 1)
    assert penalty1 < -0.05 and penalty2 < -0.03  # a penalty lowers the firm's risk for two years
    assert abs(nothing1) < 0.03  # an inspection that finds nothing barely does
    assert abs(_effect(e, "penalty", 3)) < abs(min(penalty1, penalty2))  # and the penalty's effect fades
    # Rectification without a penalty removes current hazards only: a first-year effect at most.
    assert _effect(e, "rectification", 2) > _effect(e, "rectification", 1)


def test_effects_have_bootstrap_intervals_around_the_estimate():
    _, e = _effects()
    ok = e.dropna(subset=["low", "high"])
    assert len(ok) > 0
    assert (ok.low <= ok.effect + 1e-12).all() and (ok.effect <= ok.high + 1e-12).all()
    assert np.isfinite(e[e.metric == "survival"].effect).all()
