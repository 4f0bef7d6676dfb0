"""Grid governance (网格化, "大数据+网格化+铁脚板"; paper 2.4).

Grid workers visit firms in their grid: P(visit) = min(1, workers x grid_visits / real firms in
the grid); key units (major hazard sources) are visited every month when a grid has a worker.
A visit finds hidden hazards with probability grid_skill_ratio x inspector_skill x
(1 - exp(-h / 3)), below inspectors' skill (Nantong: ~3% of warnings were real hazards). A
finding gets on-the-spot advice (20% of the hazards fixed) and is reported upward; the report
reaches targeting after a delay that informatisation and data sharing shorten (网格发现、社区吹哨、
部门报到). Grid workers also report near misses they see.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.mechanisms.awareness import GRID_VISIT_GAIN
from sim.state import FLOAT, Enterprises

ON_SPOT_FIX = 0.2


@dataclass
class Patrol:
    visited: np.ndarray  # bool per slot
    reported: np.ndarray  # bool per slot
    visit_probability: np.ndarray  # per slot


def patrol(
    ent: Enterprises,
    lv: dict[str, float],
    bh: dict[str, float],
    month: int,
    delay: int,
    firms_per_agent: float,
    agents_per_grid: np.ndarray,
    rng: np.random.Generator,
) -> Patrol:
    workers = lv["grid_workers_per_grid"]
    coverage = np.minimum(1.0, workers * bh["grid_visits"] / (firms_per_agent * np.maximum(agents_per_grid, 1)))
    v = coverage.astype(FLOAT)[ent.grid]
    if workers > 0:
        v = np.where(ent.major_hazard, 1.0, v)
    u = rng.random(ent.n, dtype=FLOAT)
    visited = u < v
    seen = np.flatnonzero(visited)
    p_find = bh["grid_skill_ratio"] * lv["inspector_skill"] * -np.expm1(-ent.hazards[seen] / 3.0)
    found = seen[u[seen] < v[seen] * p_find]
    reported = np.zeros(ent.n, dtype=bool)
    reported[found] = True
    ent.hazards[found] *= 1.0 - ON_SPOT_FIX
    ent.report_hazards[found] = ent.hazards[found]
    ent.report_month[found] = month + delay
    ent.owner_awareness[seen] = np.minimum(1.0, ent.owner_awareness[seen] + GRID_VISIT_GAIN)
    return Patrol(visited, reported, v)


def report_near_misses(near_misses_by_county: np.ndarray, detect_by_county: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Near misses grid workers see and report, per county [events]."""
    return rng.binomial(near_misses_by_county.astype(np.int64), np.clip(detect_by_county, 0.0, 1.0))
