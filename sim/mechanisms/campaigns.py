"""Closures by campaigns (专项整治) and by the chemical-industry remediation programme (paper
1.4; after Xiangshui 2019 Jiangsu closed 4,454 chemical producers, -64.9% from 2015 to 2020).

* Sector campaign: after a major (重大) or worse accident, campaign_closure of that sector's
  risky small and micro firms (non-compliant, or more hidden hazards than violation_hazards)
  are closed, in the city for a major accident, province-wide for an especially major one.
* Remediation: each month, chemical_remediation / 12 of small and medium chemical producers
  are closed, non-compliant ones remediation_selectivity times as likely as compliant ones
  (the weights are normalised so that the lever is the share closed per year).
Closed firms leave for good: entrants replace natural exits only, and no new chemical producer
enters while the programme runs (demography.py).
"""

from __future__ import annotations

import numpy as np

from sim import sectors as S
from sim.context import Month
from sim.state import Enterprises


def sector_campaign(ent: Enterprises, month: Month, city: np.ndarray, grade: np.ndarray, sector: np.ndarray) -> np.ndarray:
    """Close risky small firms after major-or-worse accidents. Returns closed slots.

    Draws (one uniform per slot) are made only when a campaign closes firms.
    """
    share = month.lv["campaign_closure"]
    major = grade >= 2
    if share <= 0 or not major.any():
        return np.empty(0, np.int64)
    risky = (ent.size >= S.SMALL) & (~ent.compliant | (ent.hazards > month.bh["violation_hazards"]))
    risky &= ent.active & ~ent.closing
    target = np.zeros(ent.n, dtype=bool)
    for c, g, s in zip(city[major], grade[major], sector[major], strict=True):
        where = risky & (ent.sector == s)
        if g < 3:
            where &= ent.city == c
        target |= where
    closed = np.flatnonzero(target & (month.rng("campaigns").random(ent.n) < share))
    ent.closing[closed] = True
    return closed


def remediation(ent: Enterprises, month: Month) -> np.ndarray:
    """Monthly closures of the remediation programme. Returns closed slots."""
    rate = month.lv["chemical_remediation"] / 12.0
    if rate <= 0:
        return np.empty(0, np.int64)
    eligible = (ent.sector == S.CHEMICALS) & (ent.size != S.LARGE) & ent.active & ~ent.closing
    if not eligible.any():
        return np.empty(0, np.int64)
    weight = np.where(ent.compliant, 1.0, month.bh["remediation_selectivity"])
    weight /= weight[eligible].mean()
    closed = np.flatnonzero(eligible & (month.rng("remediation").random(ent.n) < rate * weight))
    ent.closing[closed] = True
    return closed
