"""Compliance as a bounded-rational deterrence decision (paper 1.3 企业主体责任; Becker 1968,
Allingham & Sandmo 1972, Hokamp & Pickhardt 2010, Zaklan et al. 2009, Bloomquist 2015).

All terms are in units of the firm's own monthly cost of full compliance. A firm reviewing its
decision complies with probability sigma(Delta / T) where

    Delta = ES + PA + M + P - 1
    ES = min(1, p_hat (1 + 2 d)) * F * (1 - lambda_hat) * B * (0.6 + 0.8 rule_of_law)
         expected sanction: perceived detection (raised by a recent penalty d), fine F
         (fine_level x 12 months of avoided cost, Yitzhaki 1974; up the enforcement pyramid),
         expected leniency lambda_hat (人情), blacklist multiplier B (联合惩戒); rule of law
         steadies the expectation that penalties are applied
    PA = (1 - optimism) * accident_cost * 0.5 * lambda_i    perceived accident cost (侥幸心理)
    M  = 2 moral_weight * owner_awareness                  moral / responsibility cost
    P  = peer_weight * (2 q_grid - 1)                      peer effect within the grid (Ising)

Intrinsically compliant firms always comply. Departure from the sources: a quarter of firms
review each month (inertia), rather than every firm every month.
"""

from __future__ import annotations

import numpy as np

from sim.state import FLOAT, Enterprises

REVIEW_SHARE = 0.25  # share of firms revisiting their decision each month
NONCOMPLIANT_FLOOR = 0.25  # safety spending of a violator at zero awareness [share]


def expected_sanction(ent: Enterprises, lv: dict[str, float], visibility: float) -> np.ndarray:
    """Expected sanction per month of violating, in months of compliance cost."""
    p = np.minimum(1.0, ent.perceived_detection * (1.0 + 2.0 * ent.deterrence))
    fine = lv["fine_level"] * 12.0 * (1.0 + 0.5 * ent.level)
    blacklist = 1.0 + 2.0 * lv["blacklist_strength"] * visibility * (1.0 + ent.listed)
    steadiness = 0.6 + 0.8 * lv["rule_of_law"]
    return p * fine * (1.0 - ent.expected_leniency) * blacklist * steadiness


def decide(
    ent: Enterprises,
    lv: dict[str, float],
    bh: dict[str, float],
    accident_rate: np.ndarray,
    grid_compliance: np.ndarray,
    visibility: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Update ``ent.compliant`` and ``ent.investment``; return P(comply) per firm."""
    delta = expected_sanction(ent, lv, visibility)
    delta += (1.0 - bh["optimism"]) * bh["accident_cost"] * 0.5 * accident_rate
    delta += 2.0 * bh["moral_weight"] * ent.owner_awareness
    delta += bh["peer_weight"] * (2.0 * grid_compliance.astype(FLOAT)[ent.grid] - 1.0)
    delta -= 1.0
    p_comply = 1.0 / (1.0 + np.exp(-delta / bh["decision_noise"]))
    # One draw per firm: u < REVIEW_SHARE decides whether it reviews, u / REVIEW_SHARE its choice.
    u = rng.random(ent.n, dtype=FLOAT)
    review = u < REVIEW_SHARE
    choice = (u / REVIEW_SHARE) < p_comply
    ent.compliant[:] = np.where(review, choice, ent.compliant) | ent.intrinsic
    floor = NONCOMPLIANT_FLOOR + 0.35 * ent.owner_awareness
    ent.investment[:] = np.where(ent.compliant, 1.0, floor)
    return p_comply


def learn_detection(ent: Enterprises, bh: dict[str, float], inspected_real: np.ndarray, grid_penalised_share: np.ndarray) -> None:
    """p_hat <- (1 - delta) p_hat + delta * signal (Bloomquist 2015).

    The signal is the firm's own non-formal inspection plus publicised penalties on its grid
    neighbours (spillover, Johnson 2020), capped at 1.
    """
    delta = bh["detection_learning"]
    signal = np.minimum(1.0, inspected_real + 5.0 * grid_penalised_share.astype(FLOAT)[ent.grid])
    ent.perceived_detection *= 1.0 - delta
    ent.perceived_detection += delta * signal
