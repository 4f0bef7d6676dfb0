"""Compliance as a bounded-rational deterrence decision (paper 1.3 企业主体责任; Becker 1968,
Allingham & Sandmo 1972, Hokamp & Pickhardt 2010, Zaklan et al. 2009, Bloomquist 2015).

All terms are in units of the firm's own monthly cost of full compliance. A firm reviewing its
decision (a share review_rate a month: inertia) complies with probability sigma(Delta / T),
T = decision_noise, where

    Delta = ES + PA + MO + PE - (1 - violator_spending)
    ES = w((1 - optimism) p_hat) (1 - lambda_hat) S      expected sanction
    S  = the fine one step up the firm's enforcement pyramid (sanctions.fine_months: a year's
         avoided cost times fine_level, Yitzhaki 1974; Ayres & Braithwaite 1992) times the
         joint-punishment multiplier 1 + joint_punishment_weight blacklist_strength
         visibility (blacklist_months / 12) (1 + listed) (联合惩戒)
    PA = w((1 - optimism) lambda_i) accident_cost management_effect
         the accident cost the firm expects to avoid by complying (侥幸心理 discounts it)
    w(p) = p^g / (p^g + (1 - p)^g)^(1/g), g = probability_weighting: small chances of a loss
         are overweighted (Tversky & Kahneman 1992)
    MO = moral_weight owner_awareness                     moral / responsibility cost
    PE = peer_weight (2 q_county - 1)                      peers (Ising), q = compliant share

and (1 - violator_spending) is what violating saves. Intrinsically compliant firms always comply.

Perceived enforcement is learned (Bloomquist 2015), every month, for every firm:

    p_hat      <- (1 - delta) p_hat + delta [(1 - w) c_i + w own_i]
    lambda_hat <- (1 - delta) lambda_hat + delta L_i

with c_i the probability that a violation at a firm like i is found this month (its inspection
probability, the county's formality and the inspectors' skill: what its peers in the county
and sector experience) plus publicity_salience x the county's penalty cases per firm this month
(publicised penalties deter peers, Johnson 2020; firms with no regulator, 监管悬空, know they
are not watched and learn only their own zero chance), own_i the firm's own real inspection this month (times the skill that
found or would have found a violation), w = own_experience_weight, and L_i the chance that the
firm's own inspector would let a found violation off (its tie and the county's climate,
leniency.py; firms know who is lenient). In a steady state p_hat and lambda_hat track the actual
rates; optimism discounts the sanction the firm expects.
"""

from __future__ import annotations

import numpy as np

from sim import fused
from sim.context import Month
from sim.mechanisms import sanctions
from sim.state import FLOAT, Enterprises


def sanction_if_caught(ent: Enterprises, month: Month, slots: np.ndarray | slice = slice(None)) -> np.ndarray:
    """Sanction a caught violator in ``slots`` expects: the fine one step up its pyramid, with
    joint punishment [months of its compliance cost] (sanctions.py)."""
    next_level = np.maximum(ent.level[slots].astype(np.int16) + 1, sanctions.FINE)  # a violator's breach is fined
    return sanctions.fine_months(next_level, month) * sanctions.joint_punishment(ent, slots, month)


def weighted(p: np.ndarray, gamma: float) -> np.ndarray:
    """Decision weight of a probability p (Tversky & Kahneman 1992); gamma = 1 gives p."""
    p = np.clip(p, FLOAT(0.0), FLOAT(1.0)).astype(FLOAT, copy=False)
    if gamma == 1.0:
        return p
    g = FLOAT(gamma)
    pg = np.power(p, g)
    return pg / np.power(pg + np.power(FLOAT(1.0) - p, g), FLOAT(1.0 / gamma))


def expected_sanction(ent: Enterprises, month: Month) -> np.ndarray:
    """Expected sanction per month of violating [months of compliance cost]."""
    bh = month.bh
    caught = weighted(FLOAT(1.0 - bh["optimism"]) * ent.perceived_detection, bh["probability_weighting"])
    return caught * (FLOAT(1.0) - ent.expected_leniency) * sanction_if_caught(ent, month)


def decide(ent: Enterprises, month: Month, accident_rate: np.ndarray, county_compliance: np.ndarray) -> None:
    """Update ``ent.compliant``, ``ent.investment`` and ``ent.management``.

    A share review_rate of firms reviews its decision: Delta = expected_sanction +
    w((1 - optimism) lambda_i) accident_cost management_effect + moral_weight owner_awareness +
    peer_weight (2 q_county - 1) - (1 - violator_spending), and it complies with probability
    P = sigma(Delta / decision_noise). Delta is needed only for the firms that review, so it is
    computed for them alone; the arithmetic is fused (sim/fused.py), the probability weights
    and the exponential stay in numpy. The numpy form of the rule (``expected_sanction``
    and friends above) is the reference the tests check it against (tests/test_sim_fused.py).
    """
    bh = month.bh
    # One draw per firm: u < review_rate decides whether it reviews, u / review_rate its choice.
    u = month.rng("compliance").random(ent.n, dtype=FLOAT)
    review = np.flatnonzero(u < FLOAT(bh["review_rate"]))
    keep, gamma = FLOAT(1.0 - bh["optimism"]), bh["probability_weighting"]
    delta = fused.compliance_margin(
        review,
        weighted(keep * ent.perceived_detection[review], gamma),
        sanction_if_caught(ent, month, review),
        ent.expected_leniency,
        weighted(keep * accident_rate[review].astype(FLOAT, copy=False), gamma),
        ent.owner_awareness,
        ent.county,
        (bh["peer_weight"] * (2.0 * county_compliance - 1.0)).astype(FLOAT),
        bh["accident_cost"] * bh["management_effect"],
        bh["moral_weight"],
        bh["violator_spending"],
    )
    fused.comply(
        review,
        np.exp(delta * FLOAT(-1.0 / bh["decision_noise"])),
        u,
        ent.intrinsic,
        ent.compliant,
        ent.investment,
        ent.management,
        bh["review_rate"],
        bh["violator_spending"],
        bh["management_adjustment"],
    )


def learn(
    ent: Enterprises,
    month: Month,
    caught_probability: np.ndarray,
    own_signal: np.ndarray,
    letoff: np.ndarray,
    is_regulated: np.ndarray,
) -> None:
    """Learning of perceived detection and leniency (see the module docstring).

    Args:
        caught_probability: probability this month that a violation at firm i is found.
        own_signal: per slot, the detection probability of the firm's own real inspection this
            month (0 when not really inspected), so that E[own] = c_i.
        letoff: L_i, probability that a violation found at firm i is let off.
        is_regulated: firms with a regulator (the others are never inspected).

    The county's penalty rate that firms hear of is its expected value this month (the sum over
    its firms of P(found) x P(a breach) x P(not let off)): at real scale a county has thousands
    of firms and its monthly count is close to that, while a coarse run (few agents standing for
    many firms each) would otherwise feed lumpy counts into a concave weighting.
    """
    bh = month.bh
    # a perceived probability: what firms hear of adds to what they can see, up to certainty
    # (one fused pass, sim/fused.py)
    fused.learn(
        caught_probability,
        own_signal,
        letoff,
        is_regulated,
        ent.compliant,
        ent.active,
        ent.county,
        month.world.n_counties,
        ent.perceived_detection,
        ent.expected_leniency,
        bh["publicity_salience"],
        bh["detection_learning"],
        bh["own_experience_weight"],
    )
