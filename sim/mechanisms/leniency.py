"""Leniency from personal relationships (乡土社会人情关系; paper 1.1) and its counterweights.

Tie strength g of a firm to its own inspector grows with each visit, g += tie_growth (1 - g),
and relaxes toward its social resting level, g += tie_decay (g_rest - g), where g_rest =
native_tie for a native inspector (乡土社会: locals know local owners) and 0 otherwise. A
violation found by the firm's own inspector goes unpunished with probability

    leniency = sigma(leniency_kappa g - leniency_threshold) x D_c / (1 + exposure_c)
    D_c = (1 - oversight_effect city_oversight)(1 - rule_of_law_effect rule_of_law)
          (1 - records_effect informatisation)

(LITERATURE: leniency = sigma(kappa g - expected sanction on the inspector)): city audits, rule
of law and enforcement records (执法全过程记录, paper 1.2) check let-offs, and a county whose
collusion has been exposed is more careful (Duflo et al. 2013; Jia & Nie 2017). Cross-region
teams (异地执法) have no ties: leniency 0.
Exposure rises by investigation_exposure whenever an accident investigation (larger or worse
accidents, Decree 493) or a cross-region team finds a firm let off in the last
deterrence_months, and decays by exposure_decay a month. Rotation (轮岗交流) brings a new officer
to a post: the post's firms lose their ties to it (g = 0), which then rebuild toward the resting
level (Abbink 2004: rotation resets ties).
"""

from __future__ import annotations

import numpy as np

from sim import fused
from sim.context import Month
from sim.state import FLOAT, Enterprises


def discipline(month: Month) -> float:
    """Share of leniency and formality left after city oversight, rule of law and enforcement
    records [0-1]."""
    lv, bh = month.lv, month.bh
    return (
        (1.0 - bh["oversight_effect"] * lv["city_oversight"])
        * (1.0 - bh["rule_of_law_effect"] * lv["rule_of_law"])
        * (1.0 - bh["records_effect"] * lv["informatisation"])
    )


def county_discipline(month: Month, exposure: np.ndarray) -> np.ndarray:
    """What checks let-offs in each county: discipline over 1 + the county's exposure."""
    return discipline(month) / (1.0 + exposure)


def leniency(tie: np.ndarray, county: np.ndarray, month: Month, exposure: np.ndarray) -> np.ndarray:
    """Probability that the firm's own inspector lets a found violation off [0-1]."""
    bh = month.bh
    ties = 1.0 / (1.0 + np.exp(-(bh["leniency_kappa"] * tie - bh["leniency_threshold"])))
    return ties * county_discipline(month, exposure)[county]


def letoff_everywhere(ent: Enterprises, month: Month, exposure: np.ndarray, local_share: float) -> np.ndarray:
    """local_share x ``leniency`` of every firm (the chance a violation found there is let off,
    when a share 1 - local_share of inspections is by cross-region teams, who have no ties);
    the arithmetic fused (sim/fused.py), the exponential in numpy."""
    bh = month.bh
    odds = np.exp(-(bh["leniency_kappa"] * ent.tie - bh["leniency_threshold"]))
    return fused.letoff(odds, ent.county, np.asarray(county_discipline(month, exposure), np.float64), local_share)


def resting_tie(ent: Enterprises, month: Month) -> np.ndarray:
    return FLOAT(month.bh["native_tie"]) * month.world.inspector_native[ent.inspector]


def relax_ties(ent: Enterprises, month: Month) -> None:
    """tie += tie_decay (resting_tie - tie), one fused pass (sim/fused.py)."""
    fused.relax_ties(ent.tie, ent.inspector, month.world.inspector_native, month.bh["native_tie"], month.bh["tie_decay"])


def grow_ties(ent: Enterprises, slots: np.ndarray, month: Month) -> None:
    ent.tie[slots] += month.bh["tie_growth"] * (1.0 - ent.tie[slots])


def rotate(ent: Enterprises, month: Month) -> np.ndarray:
    """Rotate inspectors (share rotation_rate per year); returns the rotated posts."""
    rotated = month.rng("rotation").random(month.world.n_inspectors) < month.lv["rotation_rate"] / 12.0
    if rotated.any():
        fused.reset_ties(ent.tie, ent.inspector, rotated)
    return rotated


def stationary_tie(native: np.ndarray, values: dict[str, float]) -> np.ndarray:
    """Mean tie under relaxation toward the resting level and resets by rotation (set-up)."""
    d, r = values["tie_decay"], values["rotation_rate"] / 12.0
    share = d / (d + r) if d + r > 0 else 1.0
    return FLOAT(values["native_tie"] * share) * native


def letoff_within(ent: Enterprises, slots: np.ndarray, month: Month) -> np.ndarray:
    """Whether each firm in ``slots`` was let off within the last deterrence_months."""
    return month.number - ent.last_letoff[slots] <= month.bh["deterrence_months"]


def expose(ent: Enterprises, month: Month, exposure: np.ndarray, checked: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Decay exposure, then add investigation_exposure per checked firm found let off recently.

    ``checked``: slots whose enforcement record was checked this month (investigated serious
    accidents, one real firm each; cross-region inspections, m real firms each); ``weight``:
    real firms checked per entry. Returns exposed cases per county [real firms].
    """
    exposure *= 1.0 - month.bh["exposure_decay"]
    n = month.world.n_counties
    if len(checked) == 0:
        return np.zeros(n)
    hit = letoff_within(ent, checked, month)
    cases = np.bincount(ent.county[checked[hit]], weight[hit], minlength=n)
    exposure += month.bh["investigation_exposure"] * cases
    return cases
