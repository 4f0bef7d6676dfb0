"""Every lever is live and moves its outcome the paper's way by more than replicate noise;
every uncertain parameter is read.

A small world is run at each lever's low and high bound on the same seeds (common random
numbers); the paired differences over seeds must point the stated way with a t statistic above
3. The outcome is the accident risk (expected accidents over the run: deaths without Poisson
noise) unless the lever exists for something else (rescue: deaths; the chemicals platform and the
remediation programme: the accident risk of chemical firms; calibration/patterns/levers.py). Guards against Mesa's "declared
slider never read" pitfall (ENGINEERING_NOTES) and against levers pointing the wrong way.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest

from calibration.patterns.levers import LEVER_OUTCOMES
from sim import params
from sim.metrics import INDEX
from sim.run import run_scenario
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SEEDS = (1, 2, 3, 4)
#: 60,000 firms in six counties, 150 grids per county (about 65 firms per grid, as in Jiangsu).
SETUP = {"agents": 3000, "enterprises_per_agent": 20, "grids_per_county": 150, "months": 36, "warmup_months": 24}
# lever: (outcome metric, direction of its change from low to high, extra overrides): one table,
# shared with the pattern battery and the README's lever table.
EXPECTATIONS = LEVER_OUTCOMES
#: A sector campaign follows a 10+-death accident, which 60,000 firms rarely have in three years;
#: the same agents standing for ten times the firms (600,000) have enough of them.
MORE_FIRMS = {"campaign_closure": {"enterprises_per_agent": 200}}


@cache
def world(lever: str = ""):
    return load_scenario(ROOT / "scenarios" / "tiny.toml").with_overrides({}, **{**SETUP, **MORE_FIRMS.get(lever, {})})


def bounds(p: params.Param) -> tuple[float, float]:
    return (int(p.low), int(p.high)) if p.integer else (p.low, p.high)


@cache
def outcome(lever: str, value: float, seed: int) -> float:
    metric, _, extra = EXPECTATIONS[lever]
    result = run_scenario(world(lever).with_overrides({**extra, lever: value}), seed=seed)
    return float(result.county_monthly[:, :, INDEX[metric]].sum())


def test_every_lever_has_an_expectation():
    assert set(EXPECTATIONS) == {p.name for p in params.LEVERS}


@pytest.mark.parametrize("lever", sorted(EXPECTATIONS))
def test_lever_moves_its_outcome_the_papers_way_beyond_noise(lever):
    _, direction, _ = EXPECTATIONS[lever]
    low, high = bounds(params.get(lever))
    d = np.array([outcome(lever, high, s) - outcome(lever, low, s) for s in SEEDS])
    t = d.mean() / (d.std(ddof=1) / np.sqrt(len(d)) + 1e-12)
    assert direction * t > 3, f"{lever}: mean paired change {d.mean():+.4g} (t = {t:+.1f}), expected sign {direction:+d}"


@pytest.mark.parametrize("name", [p.name for p in params.UNCERTAIN])
def test_every_uncertain_parameter_is_read(name):
    p = params.BY_NAME[name]
    sc = world().with_overrides({"severity_scale": 2.0} if name != "severity_scale" else {})
    extra = {
        "report_delay": {"risk_targeting": 1.0},
        "cross_region_cost": {"cross_region_share": 0.4},
        "cross_region_skill": {"cross_region_share": 0.4},
        "remediation_selectivity": {"chemical_remediation": 0.5},
        "campaign_months": {"severity_scale": 3.0},
        # exposure rises when a cross-region team (or an investigation) finds a let-off firm
        "investigation_exposure": {"cross_region_share": 0.4},
        "exposure_decay": {"cross_region_share": 0.4},
    }.get(name, {})
    if name == "reform_extent":  # acts on a timeline with an anchor year: the history
        sc = load_scenario(ROOT / "scenarios" / "historical.toml").with_overrides({}, **SETUP)
    low, high = bounds(p)
    low = run_scenario(sc.with_overrides({**extra, name: low}), seed=1, months=24)
    high = run_scenario(sc.with_overrides({**extra, name: high}), seed=1, months=24)
    assert not np.array_equal(low.county_monthly, high.county_monthly), name
