"""Training and party branches raise awareness, which decays (paper 2.1 党建引领, 2.5 培训).

Each month a firm's owner and workers are trained with probability training_rate / 12 (the
funded share per year). Awareness a of owners and workers moves as

    a <- a + gain (1 - a) - awareness_decay (a - awareness_floor)
    gain = training_gain [trained] + party_branch_gain [firm has a party branch]

Party branches (党支部) cover a share party_building of firms, larger firms first
(sectors.BRANCH_DRAW_SCALE). Grid workers' visits add awareness too (grid.py).
"""

from __future__ import annotations

import numpy as np

from sim import fused
from sim.context import Month
from sim.state import FLOAT, Enterprises


def party_branch(ent: Enterprises, lv: dict[str, float]) -> np.ndarray:
    """Firms with a party branch (党支部)."""
    return ent.branch_draw < lv["party_building"]


def train_and_decay(ent: Enterprises, month: Month, forced: np.ndarray | None = None) -> np.ndarray:
    """One month of training, party-branch influence and decay. Returns who was trained.

    ``forced``: slots trained this month whatever the draw (in-silico experiments).
    """
    lv, bh = month.lv, month.bh
    u = month.rng("awareness").random(ent.n, dtype=FLOAT)
    force = np.zeros(ent.n, dtype=bool)
    if forced is not None and len(forced):
        force[forced] = True
    # one fused pass (sim/fused.py): gain = training_gain if trained + party_branch_gain if a
    # branch; aw += gain (1 - aw) - awareness_decay (aw - awareness_floor), clipped to [0, 1]
    return fused.train_and_decay(
        u,
        ent.active,
        force,
        ent.branch_draw,
        ent.owner_awareness,
        ent.worker_awareness,
        lv["training_rate"] / 12.0,
        lv["party_building"],
        bh["training_gain"],
        bh["party_branch_gain"],
        bh["awareness_decay"],
        bh["awareness_floor"],
    )
