"""Inspection: capacity, targeting, formality and detection (paper 1.1, 1.2, 2.5).

Real inspections per county and month:
    K_c = inspectors_per_county x inspections_per_inspector x priority_c
          x (1 - coordination_loss (1 - 0.7 integration))
Cross-region teams take a share of the capacity at 1.5x the cost per inspection.
Whom to inspect: Poisson sampling with inclusion probability pi_i = min(1, k_c w_i / W_c), one
uniform per firm (O(N), no sort; ENGINEERING_NOTES), with weights
    w_i = regulated_i [(1 - risk_targeting) + risk_targeting score_i / mean_c(score)]
          x (1 + 3 blacklist_strength visibility listed_i) x campaign_boost(sector_i)
The risk score mixes the true accident risk with persistent error, with a weight that
informatisation, data sharing and the chemicals platform raise; recent grid reports triple it.
Firms with no regulator (监管悬空) have w = 0. A share of inspections is formal only (走过场):
formality x (1 - 0.6 city_oversight) x (1 - 0.5 rule_of_law); those detect and record nothing.
Otherwise a violation (non-compliance, or more than 3 hidden hazards) is found with the
inspector's skill (+0.15 for cross-region teams, +0.2 on the chemicals platform).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.mechanisms import information, leniency
from sim.rollup import SegmentSum
from sim.state import FLOAT, Enterprises

CROSS_REGION_COST = 1.5  # capacity used by one cross-region inspection
VIOLATION_HAZARDS = 3.0  # hidden hazards above which a firm is in violation whatever it spends
REPORT_SHELF_LIFE = 12  # months a grid report keeps raising the risk score


def regulated(ent: Enterprises, lv: dict[str, float]) -> np.ndarray:
    """Firms with an assigned regulator. Integration assigns regulators to part of the gap."""
    share = lv["unregulated_share"] * (1.0 - 0.7 * lv["integration"])
    return ~(ent.may_be_unregulated & (ent.unregulated_draw < share))


def capacity(lv: dict[str, float], bh: dict[str, float], priority: np.ndarray) -> np.ndarray:
    """Real inspections per county this month (before the cross-region cost)."""
    loss = lv["coordination_loss"] * (1.0 - 0.7 * lv["integration"])
    return lv["inspectors_per_county"] * bh["inspections_per_inspector"] * priority * (1.0 - loss)


@dataclass
class Inspections:
    slots: np.ndarray
    cross: np.ndarray
    formal: np.ndarray
    violating: np.ndarray
    detected: np.ndarray
    let_off: np.ndarray
    punished: np.ndarray
    draws: np.ndarray  # spare uniforms per inspection for the sanctions step


def select(
    ent: Enterprises,
    lv: dict[str, float],
    month: int,
    risk: np.ndarray,
    is_regulated: np.ndarray,
    real_capacity: np.ndarray,
    firms_per_agent: float,
    campaign_boost: np.ndarray,
    by_county: SegmentSum,
    rng: np.random.Generator,
) -> np.ndarray:
    """Slots inspected this month (``is_regulated``: see ``regulated``)."""
    q = information.score_quality(ent, lv)
    log_risk = np.log(risk + 1e-12)
    log_score = q * log_risk + (1.0 - q) * (log_risk.mean() + ent.score_noise)
    score = np.exp(log_score - log_score.max())
    fresh = (ent.report_month <= month) & (ent.report_month > month - REPORT_SHELF_LIFE)
    score *= 1.0 + 2.0 * fresh  # arithmetic on the mask: faster than masked assignment
    mean_score = by_county.mean(score)
    tau = lv["risk_targeting"]
    w = (1.0 - tau) + tau * score / np.maximum(mean_score.astype(FLOAT)[ent.county], 1e-30)
    listed = np.flatnonzero(ent.blacklist_months)
    w[listed] *= 1.0 + 3.0 * lv["blacklist_strength"] * information.blacklist_visibility(lv)
    if (campaign_boost != 1.0).any():
        w *= campaign_boost[ent.sector]
    w *= is_regulated
    rho = lv["cross_region_share"]
    k_agents = real_capacity * ((1.0 - rho) + rho / CROSS_REGION_COST) / firms_per_agent
    total_w = by_county(w)
    pi = np.minimum(1.0, (k_agents / np.maximum(total_w, 1e-30)).astype(FLOAT)[ent.county] * w)
    return np.flatnonzero(rng.random(ent.n, dtype=FLOAT) < pi)


def inspect(
    ent: Enterprises,
    slots: np.ndarray,
    lv: dict[str, float],
    bh: dict[str, float],
    month: int,
    skill_by_inspector: np.ndarray,
    exposure: np.ndarray,
    rng: np.random.Generator,
) -> Inspections:
    """Outcome of each inspection: formality, detection, leniency."""
    r = rng.random((len(slots), 6))
    rho = lv["cross_region_share"]
    cross_share = (rho / CROSS_REGION_COST) / ((1.0 - rho) + rho / CROSS_REGION_COST)
    cross = r[:, 0] < cross_share
    formality = bh["formality"] * (1.0 - 0.6 * lv["city_oversight"]) * (1.0 - 0.5 * lv["rule_of_law"])
    formal = ~cross & (r[:, 1] < formality)
    violating = ~ent.compliant[slots] | (ent.hazards[slots] > VIOLATION_HAZARDS)
    skill = lv["inspector_skill"] * skill_by_inspector[ent.inspector[slots]]
    skill = skill + 0.15 * cross + 0.2 * information.on_platform(ent, lv)[slots]
    detected = violating & ~formal & (r[:, 2] < np.minimum(skill, 0.98))
    p_lenient = leniency.leniency(ent.tie[slots], ent.county[slots], lv, bh, exposure)
    let_off = detected & ~cross & (r[:, 3] < p_lenient)
    punished = detected & ~let_off
    own = slots[~cross]
    leniency.grow_ties(ent, own, bh)
    det_slots = slots[detected]
    ent.expected_leniency[det_slots] = 0.6 * ent.expected_leniency[det_slots] + 0.4 * let_off[detected]
    ent.last_letoff[slots[let_off]] = month
    return Inspections(slots, cross, formal, violating, detected, let_off, punished, r[:, 4:])
