"""Leniency from personal relationships (乡土社会人情关系; paper 1.1) and its counterweights.

Tie strength g to the firm's own inspector grows with each visit, g += tie_growth (1 - g), and
decays without contact, g *= 1 - tie_decay; native inspectors start with stronger ties.
A detected violation goes unpunished with probability

    leniency = sigma(leniency_kappa g - theta),
    theta = 2 + 2 (city_oversight + rule_of_law) + 4 exposure_county

where exposure is the county's recent collusion exposure by accident investigations (Abbink
2004; Duflo et al. 2013). Cross-region teams (异地执法) have no ties: leniency 0. Rotation
(轮岗) resets the ties of rotated inspectors' firms.
"""

from __future__ import annotations

import numpy as np

from sim.state import Enterprises

EXPOSURE_DECAY = 0.95  # monthly persistence of collusion exposure
INQUIRY_SHARE = 0.1  # exposure from any larger-or-worse investigation, x investigation_exposure


def leniency(tie: np.ndarray, county: np.ndarray, lv: dict[str, float], bh: dict[str, float], exposure: np.ndarray) -> np.ndarray:
    theta = 2.0 + 2.0 * (lv["city_oversight"] + lv["rule_of_law"]) + 4.0 * exposure[county]
    return 1.0 / (1.0 + np.exp(-(bh["leniency_kappa"] * tie - theta)))


def decay_ties(ent: Enterprises, bh: dict[str, float]) -> None:
    ent.tie *= 1.0 - bh["tie_decay"]


def grow_ties(ent: Enterprises, slots: np.ndarray, bh: dict[str, float]) -> None:
    ent.tie[slots] += bh["tie_growth"] * (1.0 - ent.tie[slots])


def rotate(ent: Enterprises, lv: dict[str, float], n_inspectors: int, rng: np.random.Generator) -> np.ndarray:
    """Rotate inspectors (share rotation_rate per year); their firms' ties reset. Returns who."""
    rotated = rng.random(n_inspectors) < lv["rotation_rate"] / 12.0
    if rotated.any():
        ent.tie[rotated[ent.inspector]] = 0.0
    return rotated


def investigate(
    ent: Enterprises, slots: np.ndarray, month: int, exposure: np.ndarray, n_counties: int, bh: dict[str, float]
) -> np.ndarray:
    """Accident investigations of larger-or-worse accidents at ``slots``.

    A firm let off in the last 12 months with a strong tie (g > 0.3) exposes collusion: the
    county's exposure rises and all ties in the county halve. Returns exposed cases per county.
    """
    exposure *= EXPOSURE_DECAY
    if len(slots) == 0:
        return np.zeros(n_counties)
    county = ent.county[slots]
    np.add.at(exposure, county, INQUIRY_SHARE * bh["investigation_exposure"])
    colluded = (month - ent.last_letoff[slots] <= 12) & (ent.tie[slots] > 0.3)
    cases = np.bincount(county[colluded], minlength=n_counties).astype(float)
    exposure += bh["investigation_exposure"] * cases
    np.minimum(exposure, 2.0, out=exposure)
    if cases.any():
        hit = cases[ent.county] > 0
        ent.tie[hit] *= 0.5
    return cases
