"""Inspection: capacity, targeting, formality and detection (paper 1.1, 1.2, 2.5).

Real inspections per county and month:
    K_c = inspectors_per_county x inspections_per_inspector x priority_c
          x (1 - coordination_loss (1 - integration_effect integration))
Cross-region teams take a share cross_region_share of the capacity, each inspection costing
cross_region_cost. Whom to inspect: Poisson sampling with inclusion probability
pi_i = min(1, k_c w_i / W_c), one uniform per firm (O(N), no sort; ENGINEERING_NOTES), with
    w_i = regulated_i [(1 - risk_targeting) + risk_targeting score_i / mean_c(score)]
          x (1 + (targeted_weight - 1) targeted_i) x campaign weight(sector_i)
Targeted firms (penalised recently, Harrington 1988) are inspected targeted_weight times as
often; blacklisted firms get an unannounced check at least every six months (LITERATURE:
Chinese blacklists). The risk score mixes the true accident risk with a persistent error, with
a weight that informatisation, data sharing and the chemicals platform raise; fresh grid and
platform reports multiply it by 1 + report_weight. Firms with no regulator (监管悬空) have w = 0.
A share of local inspections is formal only (走过场): formality x D_c (leniency.discipline);
those detect and record nothing. Otherwise a violation (non-compliance, or more hidden hazards
than violation_hazards) is found with the inspector's skill (+cross_region_skill for
cross-region teams, +platform_skill on the chemicals platform).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim import fused
from sim import sectors as S
from sim.context import Month
from sim.mechanisms import information, leniency
from sim.state import FLOAT, Enterprises

#: Blacklisted firms get an unannounced check every six months (LITERATURE: Chinese blacklists).
BLACKLIST_CHECK_MONTHS = 6


def regulated(ent: Enterprises, month: Month) -> np.ndarray:
    """Firms with an assigned regulator. Integration assigns regulators to part of the gap."""
    share = month.lv["unregulated_share"] * (1.0 - month.bh["integration_effect"] * month.lv["integration"])
    return ~(ent.may_be_unregulated & (ent.unregulated_draw < share))


def capacity(month: Month, priority: np.ndarray) -> np.ndarray:
    """Real inspections per county this month (counting a cross-region one as one)."""
    lv, bh = month.lv, month.bh
    loss = lv["coordination_loss"] * (1.0 - bh["integration_effect"] * lv["integration"])
    effort = lv["inspectors_per_county"] * bh["inspections_per_inspector"] * priority * (1.0 - loss)
    rho = lv["cross_region_share"]
    return effort * ((1.0 - rho) + rho / bh["cross_region_cost"])


def cross_share(month: Month) -> float:
    """Share of real inspections made by cross-region teams."""
    rho, cost = month.lv["cross_region_share"], month.bh["cross_region_cost"]
    return (rho / cost) / ((1.0 - rho) + rho / cost)


def formality(month: Month) -> float:
    """Probability that a local inspection is formal only (走过场)."""
    return month.bh["formality"] * leniency.discipline(month)


def skill(ent: Enterprises, slots: np.ndarray, month: Month, cross: np.ndarray | bool) -> np.ndarray:
    """Probability that an inspection finds a violation that is there."""
    bh = month.bh
    s = month.lv["inspector_skill"] + bh["cross_region_skill"] * cross
    s = s + bh["platform_skill"] * information.on_platform(ent, month.lv)[slots]
    return np.minimum(s, 1.0)


@dataclass
class Selection:
    """Who is inspected this month, and what firms like each can expect."""

    slots: np.ndarray  # inspected slots (sampled and forced)
    caught_probability: np.ndarray  # per slot: P(a violation is found this month) [probability]


def select(
    ent: Enterprises,
    month: Month,
    risk: np.ndarray,
    is_regulated: np.ndarray,
    real_capacity: np.ndarray,
    campaign_weight: np.ndarray,
    forced: np.ndarray | None = None,
) -> Selection:
    """Slots inspected this month (``is_regulated``: see ``regulated``; ``forced``: slots that
    are inspected whatever the draw, for in-silico experiments)."""
    lv, bh, world = month.lv, month.bh, month.world
    base = bh["score_quality_base"]
    # the arithmetic is fused (sim/fused.py); exp and log stay in numpy (SIMD)
    log_score, top = fused.log_score(
        np.log(risk + 1e-12),
        ent.sector,
        ent.platform_draw,
        ent.active,
        S.CHEMICALS,
        lv["chem_platform"],
        ent.score_noise,
        base + (1.0 - base) * information.information_level(lv),
    )
    # What a violator like firm i can expect: inspected, not formally, and found.
    cross = cross_share(month)
    real = (1.0 - cross) * (1.0 - formality(month))
    catch = real * lv["inspector_skill"] + cross * min(1.0, lv["inspector_skill"] + bh["cross_region_skill"])
    chosen, caught = fused.inclusion(
        np.exp(log_score - FLOAT(top)),
        ent.report_month,
        ent.targeted_months,
        ent.blacklist_months,
        ent.sector,
        ent.county,
        is_regulated,
        ent.active,
        world.n_counties,
        world.by_county.counts,
        np.asarray(real_capacity / month.firms_per_agent, np.float64),
        np.asarray(campaign_weight, np.float64),
        month.rng("inspection").random(ent.n, dtype=FLOAT),
        month.number,
        bh["report_shelf_life"],
        bh["report_weight"],
        lv["risk_targeting"],
        bh["targeted_weight"],
        1.0 / BLACKLIST_CHECK_MONTHS,
        catch,
    )
    if forced is not None and len(forced):
        chosen[forced] = True
    return Selection(np.flatnonzero(chosen), caught)


@dataclass
class Inspections:
    slots: np.ndarray
    cross: np.ndarray
    formal: np.ndarray
    violating: np.ndarray
    detected: np.ndarray
    let_off: np.ndarray
    punished: np.ndarray
    skill: np.ndarray  # detection probability of each (non-formal) inspection
    draws: np.ndarray  # spare keyed uniforms per inspection for the sanctions step


def inspect(ent: Enterprises, slots: np.ndarray, month: Month, exposure: np.ndarray) -> Inspections:
    """Outcome of each inspection: formality, detection, leniency (keyed draws per firm)."""
    r = month.keyed("inspection_outcome").uniforms(ent.uid[slots], 6)
    cross = r[:, 0] < cross_share(month)
    formal = ~cross & (r[:, 1] < formality(month))
    violating = ~ent.compliant[slots] | (ent.hazards[slots] > month.bh["violation_hazards"])
    p_find = np.where(formal, 0.0, skill(ent, slots, month, cross))
    detected = violating & (r[:, 2] < p_find)
    p_lenient = leniency.leniency(ent.tie[slots], ent.county[slots], month, exposure)
    let_off = detected & ~cross & (r[:, 3] < p_lenient)
    punished = detected & ~let_off
    leniency.grow_ties(ent, slots[~cross], month)
    ent.last_letoff[slots[let_off]] = month.number
    return Inspections(slots, cross, formal, violating, detected, let_off, punished, p_find, r[:, 4:])
