"""Resolution invariance: rates per real enterprise and their trends do not depend on how many
real firms an agent stands for (enterprises_per_agent = 1, 12, 60, 400) beyond noise.

The world keeps about 12,000 real firms per county (as in Jiangsu), so 400 firms per agent gives
30 agents per county, the coarsest resolution of the full province (3,000 agents). A lever
change in month 25 gives a trend to compare. Tolerance: three standard errors of the difference
over seeds plus 3% (2 percentage points for the compliance rate).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from sim.metrics import INDEX
from sim.run import run_scenario
from sim.scenario import ScheduleEntry, load_scenario

ROOT = Path(__file__).resolve().parent.parent
FIRMS = 72_000
SEEDS = (0, 1, 2)
RESOLUTIONS = (12, 60, 400)


@cache
def rates(firms_per_agent: int, seed: int) -> dict[str, float]:
    sc = load_scenario(ROOT / "scenarios" / "tiny.toml").with_overrides(
        {}, agents=FIRMS // firms_per_agent, enterprises_per_agent=firms_per_agent, grids_per_county=150, months=48,
        warmup_months=60,
    )
    sc = replace(sc, schedule=(ScheduleEntry(25, {"fine_level": 2.5, "training_rate": 0.4}),))
    d = run_scenario(sc, seed=seed).county_monthly.sum(axis=1).reshape(4, 12, -1)
    firms = d[:, :, INDEX["enterprises"]].mean(axis=1)
    risk = d[:, :, INDEX["accident_risk"]].sum(axis=1) / firms
    return {
        "accident risk per firm-year": float(risk.mean()),
        "risk trend (year 4 / year 1)": float(risk[3] / risk[0]),
        "compliance rate": float((d[:, :, INDEX["compliant_enterprises"]].mean(axis=1) / firms).mean()),
        "inspections per firm-year": float((d[:, :, INDEX["inspections"]].sum(axis=1) / firms).mean()),
    }


@pytest.mark.parametrize("m", RESOLUTIONS)
def test_rates_and_trends_match_one_firm_per_agent(m):
    for name in rates(1, 0):
        exact = np.array([rates(1, s)[name] for s in SEEDS])
        coarse = np.array([rates(m, s)[name] for s in SEEDS])
        se = np.sqrt(exact.var(ddof=1) / len(SEEDS) + coarse.var(ddof=1) / len(SEEDS))
        slack = 0.02 if name == "compliance rate" else 0.03 * abs(exact.mean())
        gap = abs(coarse.mean() - exact.mean())
        assert gap <= 3 * se + slack, f"{name} at {m} firms/agent: {coarse.mean():.5g} vs {exact.mean():.5g}"
