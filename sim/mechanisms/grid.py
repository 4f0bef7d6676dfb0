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
    real_firms_per_grid = world.by_county(ent.active) * month.firms_per_agent / np.maximum(world.grids_per_county, 1)
    coverage = np.minimum(1.0, workers * bh["grid_visits"] / np.maximum(real_firms_per_grid, 1.0))
    v = coverage.astype(FLOAT)[ent.county]
    if workers > 0:
        v = np.where(ent.major_hazard, FLOAT(1.0), v)
    v = v * ent.active
    u = month.rng("grid").random(ent.n, dtype=FLOAT)
    visited = u < v
    seen = np.flatnonzero(visited)
    p_find = bh["grid_skill_ratio"] * lv["inspector_skill"] * -np.expm1(-ent.hazards[seen] / bh["violation_hazards"])
    found = seen[u[seen] < v[seen] * p_find]
    reported = np.zeros(ent.n, dtype=bool)
    reported[found] = True
    ent.hazards[found] *= 1.0 - bh["grid_fix_share"]
    ent.report_hazards[found] = ent.hazards[found]
    ent.report_month[found] = month.number + delay
    ent.owner_awareness[seen] = np.minimum(1.0, ent.owner_awareness[seen] + bh["grid_visit_gain"])
    return Patrol(visited, reported, v)


def report_near_misses(month: Month, near_misses_by_county: np.ndarray, detect_by_county: np.ndarray) -> np.ndarray:
    """Near misses grid workers see and report, per county [events]."""
    rng = month.rng("pyramid")
    return rng.binomial(near_misses_by_county.astype(np.int64), np.clip(detect_by_county, 0.0, 1.0))
