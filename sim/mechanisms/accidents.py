"""Accident causation with the 88:10:2 structure (paper 1.3; Heinrich 1931; Reason's layers).

Three competing Poisson processes per real firm and month, with lambda0 = base_incident_rate
and x_i the firm's exposure (sector, size, major hazard source; 0 while suspended or closed):

    unsafe acts alone        lambda_H = lambda0 x_i ua_i (1 - uc_i)
    acts with conditions     lambda_C = lambda0 x_i combined_amplifier ua_i uc_i
    unavoidable              lambda_U = lambda0 x_i unavoidable_rate

    ua_i = unsafe_act_rate (1 - management_effect M_i) (1 - awareness_effect a_w)   不安全行为
    uc_i = 1 - exp(-condition_sensitivity h_i)                                      物的不安全状态

M_i is the firm's safety management (procedures, supervision, training: what compliance buys;
compliance.py), a_w its workers' awareness, h_i its hidden hazards. So the human causes that
make up most accidents respond to what firms do, not to awareness alone. The cause of each
accident is the process that fired (in proportion to the three rates at that firm): the
88:10:2 shares are an outcome of management, awareness and hazards, not a label.
An agent stands for m real firms: its accident count is Poisson(m * lambda), drawn by inverse
CDF from one uniform per agent (common random numbers across scenarios); the causes of a
second and later accident at the same agent come from keyed draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from sim import fused
from sim.context import Month
from sim.state import FLOAT, Enterprises

CAUSES = ("human", "combined", "unavoidable")
CAUSES_ZH = ("纯人因", "人物综合因素", "不可避免")


@dataclass
class Rates:
    """Per-firm monthly rates of recordable accidents [per real firm-month], by cause."""

    human: np.ndarray
    combined: np.ndarray
    unavoidable: np.ndarray
    total: np.ndarray | None = None  # all causes; computed once when not given (several mechanisms read it)

    def __post_init__(self):
        if self.total is None:
            self.total = self.human + self.combined + self.unavoidable


@dataclass
class Events:
    """Accidents of one month: one entry per real accident.

    ``order`` is the accident's rank among this month's accidents at the same agent (0, 1, ...):
    with the firm's identity and the month it identifies the accident (keyed severity draws).
    """

    slot: np.ndarray  # enterprise slot
    cause: np.ndarray  # int8 index into CAUSES
    order: np.ndarray  # int64 rank at the agent this month

    def __len__(self) -> int:
        return len(self.slot)


def exposure(ent: Enterprises) -> np.ndarray:
    """Sector x size x major-hazard exposure (sectors.py); zero while suspended (and for empty
    slots, whose base exposure is zero)."""
    return np.where(ent.suspended_months > 0, 0.0, ent.base_exposure)


def unsafe_acts(ent: Enterprises, bh: dict[str, float]) -> np.ndarray:
    """Probability of unsafe acts per firm [0-1]."""
    return (
        bh["unsafe_act_rate"]
        * (1.0 - bh["management_effect"] * ent.management)
        * (1.0 - bh["awareness_effect"] * ent.worker_awareness)
    )


def rates(ent: Enterprises, bh: dict[str, float]) -> Rates:
    """base = base_incident_rate x exposure; acts = base x unsafe_acts; uc = 1 - exp(-condition_
    sensitivity x hazards): human = acts (1 - uc), combined = acts uc combined_amplifier,
    unavoidable = base unavoidable_rate (one fused pass, sim/fused.py; expm1 in numpy)."""
    uc = -np.expm1(FLOAT(-bh["condition_sensitivity"]) * ent.hazards)
    human, combined, unavoidable, total = fused.rates(
        ent.suspended_months,
        ent.base_exposure,
        ent.management,
        ent.worker_awareness,
        uc,
        bh["base_incident_rate"],
        bh["unsafe_act_rate"],
        bh["management_effect"],
        bh["awareness_effect"],
        bh["combined_amplifier"],
        bh["unavoidable_rate"],
    )
    return Rates(human, combined, unavoidable, total)


def occur(r: Rates, month: Month, uid: np.ndarray) -> Events:
    """Draw this month's accidents. One uniform per agent, plus keyed draws for extra accidents."""
    total = r.total
    mu = month.firms_per_agent * total
    u = month.rng("accidents").random(len(mu), dtype=FLOAT)
    p0 = np.exp(-mu)
    hit = np.flatnonzero(u > p0)
    if len(hit) == 0:
        return Events(np.empty(0, np.int64), np.empty(0, np.int8), np.empty(0, np.int64))
    counts = np.ones(len(hit), dtype=np.int64)
    several = u[hit] > p0[hit] * (1.0 + mu[hit])  # beyond P(N <= 1): rare, exact inverse CDF
    if several.any():
        counts[several] = stats.poisson.ppf(u[hit][several], mu[hit][several]).astype(np.int64)
    # Cause of the first accident: the position of u above p0 is uniform given an accident.
    v = (u[hit] - p0[hit]) / (1.0 - p0[hit])
    share_h = r.human[hit] / total[hit]
    share_c = r.combined[hit] / total[hit]
    first = np.where(v < share_h, 0, np.where(v < share_h + share_c, 1, 2)).astype(np.int8)
    extra = counts - 1
    if extra.sum() == 0:
        return Events(hit.astype(np.int64), first, np.zeros(len(hit), np.int64))
    more_slots = np.repeat(hit, extra)
    rank = np.arange(len(more_slots)) - np.repeat(np.cumsum(extra) - extra, extra) + 1
    w = month.keyed("accidents").uniforms(uid[more_slots], 1, rank)[:, 0]
    sh = np.repeat(share_h, extra)
    sc = np.repeat(share_c, extra)
    more = np.where(w < sh, 0, np.where(w < sh + sc, 1, 2)).astype(np.int8)
    return Events(
        np.concatenate([hit, more_slots]).astype(np.int64),
        np.concatenate([first, more]),
        np.concatenate([np.zeros(len(hit), np.int64), rank]),
    )
