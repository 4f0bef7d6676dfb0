"""The baseline's warm-up reaches a steady state: with no lever change, rates stay flat.

Slow state (awareness, equipment, hazards, ties) starts at the fixed points of its monthly
equations (sim/population.py) and baseline.toml warms up for 60 months, so a run records no
spin-up: the first and the last recorded year agree within noise.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.metrics import INDEX
from sim.run import run_scenario
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def test_baseline_has_no_spin_up():
    base = load_scenario(ROOT / "scenarios" / "baseline.toml")
    sc = base.with_overrides(
        {}, cities=["Nanjing", "Nantong", "Xuzhou"], counties_per_city=2, agents=3600, enterprises_per_agent=20,
        grids_per_county=150, months=60,
    )
    assert sc.setup.warmup_months == base.setup.warmup_months == 60
    drift = {"compliance": [], "hazards": [], "risk": []}
    for seed in (0, 1, 2):
        d = run_scenario(sc, seed=seed).county_monthly.sum(axis=1).reshape(5, 12, -1)
        firms = d[:, :, INDEX["enterprises"]].mean(axis=1)
        comp = d[:, :, INDEX["compliant_enterprises"]].mean(axis=1) / firms
        haz = d[:, :, INDEX["hidden_hazards"]].mean(axis=1) / firms
        risk = d[:, :, INDEX["accident_risk"]].sum(axis=1) / firms
        drift["compliance"].append(comp[-1] - comp[0])
        drift["hazards"].append(haz[-1] / haz[0] - 1)
        drift["risk"].append(risk[-1] / risk[0] - 1)
    assert abs(np.mean(drift["compliance"])) < 0.02, drift
    assert abs(np.mean(drift["hazards"])) < 0.05, drift
    assert abs(np.mean(drift["risk"])) < 0.03, drift
