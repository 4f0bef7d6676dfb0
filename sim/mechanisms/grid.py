"""Grid governance (网格化, "大数据+网格化+铁脚板"; paper 2.4).

Grid workers visit firms in their grid: P(visit) = min(1, workers x grid_visits / real firms per
grid), with real firms per grid the county's active firms over its grids (so the visit rate does
not depend on how many agents happen to sit in one grid); key units (major hazard sources) are
visited every month when a grid has a worker (LITERATURE: grids). A visit finds hidden hazards
with probability grid_skill_ratio x inspector_skill x (1 - exp(-h / violation_hazards)), below
inspectors' skill (Nantong: about 3% of warnings were real hazards). A finding gets on-the-spot
advice (grid_fix_share of the hazards fixed) and is reported upward; the report reaches
targeting after a delay that informatisation and data sharing shorten (网格发现、社区吹哨、
部门报到). Visits add grid_visit_gain to the owner's awareness. Grid workers also report the
near misses they see.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim import fused
from sim.context import Month
from sim.state import FLOAT, Enterprises


@dataclass
class Patrol:
    visited: np.ndarray  # bool per slot
    reported: np.ndarray  # bool per slot
    visit_probability: np.ndarray  # per slot


def patrol(ent: Enterprises, month: Month, delay: int) -> Patrol:
    lv, bh, world = month.lv, month.bh, month.world
    workers = lv["grid_workers_per_grid"]
    u = month.rng("grid").random(ent.n, dtype=FLOAT)
    # the arithmetic is fused (sim/fused.py; reference: tests/test_sim_fused.py); expm1 in numpy
    visited, reported, v = fused.patrol(
        ent.active,
        ent.major_hazard,
        ent.county,
        world.n_counties,
        np.asarray(world.grids_per_county, np.float64),
        u,
        -np.expm1(-ent.hazards / FLOAT(bh["violation_hazards"])),
        ent.hazards,
        ent.owner_awareness,
        ent.report_hazards,
        ent.report_month,
        float(month.firms_per_agent),
        workers * bh["grid_visits"],
        workers > 0,
        bh["grid_skill_ratio"] * lv["inspector_skill"],
        bh["grid_fix_share"],
        bh["grid_visit_gain"],
        month.number + delay,
    )
    return Patrol(visited, reported, v)


def report_near_misses(month: Month, near_misses_by_county: np.ndarray, detect_by_county: np.ndarray) -> np.ndarray:
    """Near misses grid workers see and report, per county [events]."""
    rng = month.rng("pyramid")
    return rng.binomial(near_misses_by_county.astype(np.int64), np.clip(detect_by_county, 0.0, 1.0))
