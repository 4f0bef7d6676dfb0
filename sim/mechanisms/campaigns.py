"""Closures by campaigns (专项整治) and by the chemical-industry remediation programme (paper
1.4; after Xiangshui 2019 Jiangsu closed 4,454 chemical producers, -64.9% from 2015 to 2020).

* Sector campaign: after a major (重大) or worse accident, campaign_closure of that sector's
  risky small and micro firms (non-compliant or more than 5 hidden hazards) are closed, in the
  city for a major accident, province-wide for an especially major one.
* Remediation: each month, chemical_remediation / 12 of small and medium chemical producers
  are closed, non-compliant ones four times as likely as compliant ones.
Closed slots are refilled by entrants (demography.py), rarely chemical plants.
"""

from __future__ import annotations

import numpy as np

from sim import sectors as S
from sim.state import Enterprises


def sector_campaign(
    ent: Enterprises, city: np.ndarray, grade: np.ndarray, sector: np.ndarray, lv: dict[str, float], draws
) -> np.ndarray:
    """Close risky small firms after major-or-worse accidents. Returns closed slots.

    ``draws()`` returns one uniform per slot; it is called only when a campaign closes firms.
    """
    share = lv["campaign_closure"]
    major = grade >= 2
    if share <= 0 or not major.any():
        return np.empty(0, np.int64)
    risky = (ent.size >= S.SMALL) & (~ent.compliant | (ent.hazards > 5.0)) & ~ent.closing
    target = np.zeros(ent.n, dtype=bool)
    for c, g, s in zip(city[major], grade[major], sector[major], strict=True):
        where = risky & (ent.sector == s)
        if g < 3:
            where &= ent.city == c
        target |= where
    closed = np.flatnonzero(target & (draws() < share))
    ent.closing[closed] = True
    return closed


def remediation(ent: Enterprises, lv: dict[str, float], draws) -> np.ndarray:
    """Monthly closures of the remediation programme; ``draws()`` gives one uniform per slot."""
    rate = lv["chemical_remediation"] / 12.0
    if rate <= 0:
        return np.empty(0, np.int64)
    weight = np.where(ent.compliant, 0.4, 1.6)
    eligible = (ent.sector == S.CHEMICALS) & (ent.size != S.LARGE) & ~ent.closing
    closed = np.flatnonzero(eligible & (draws() < rate * weight))
    ent.closing[closed] = True
    return closed
