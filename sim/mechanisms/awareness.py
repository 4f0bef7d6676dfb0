"""Training and party branches raise awareness, which decays (paper 2.1 党建引领, 2.5 培训)."""

from __future__ import annotations

import numpy as np

from sim.state import FLOAT, Enterprises

AWARENESS_FLOOR = 0.2  # untrained awareness the decay returns to [index]
PARTY_BRANCH_GAIN = 0.01  # monthly awareness gain in firms with a party branch [index / month]
GRID_VISIT_GAIN = 0.01  # awareness gained from a grid worker's visit (宣传窗口) [index]


def party_branch(ent: Enterprises, lv: dict[str, float]) -> np.ndarray:
    """Firms with a party branch (党支部): coverage rises with party building, larger firms first."""
    return ent.branch_draw < lv["party_building"]


def train_and_decay(
    ent: Enterprises, lv: dict[str, float], bh: dict[str, float], priority: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Apply one month of training, party-branch influence and decay. Returns who was trained.

    A committee that cares about safety runs more of the training it is funded for:
    P(trained this month) = training_rate / 12 * (0.5 + 0.5 priority_county).
    """
    u = rng.random(ent.n, dtype=FLOAT)
    trained = u < lv["training_rate"] / 12.0 * (0.5 + 0.5 * priority.astype(FLOAT)[ent.county])
    gain = np.where(trained, FLOAT(bh["training_gain"]), FLOAT(0.0))
    gain += FLOAT(PARTY_BRANCH_GAIN) * party_branch(ent, lv)
    decay = bh["awareness_decay"]
    for aw in (ent.owner_awareness, ent.worker_awareness):
        aw += gain * (1.0 - aw) - decay * (aw - AWARENESS_FLOOR)
        np.clip(aw, 0.0, 1.0, out=aw)
    return trained
