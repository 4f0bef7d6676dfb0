"""Safety committees (安全生产委员会) at province, city and county level (paper 1.1, 2.1, 2.6).

Each committee has a safety priority p in [0, 1] (safety against development). It relaxes each
month toward a resting level,
    p_rest = max(1 - development_first, 0.2 + 0.6 party_building)     (党政同责 raises the floor)
    p <- p_rest + (p - p_rest)(1 - priority_decay)
and jumps after accidents of grade larger (较大) or worse in its jurisdiction (campaign-style
enforcement, 运动式执法), by campaign_jump x (1 - 0.5 rule_of_law): rule of law damps the
swings. County jump weights by grade: larger 1, major 1.5, especially major 2; cities react to
larger accidents by half and to major ones fully; the province reacts to major-or-worse ones.
The priority that drives a county's enforcement is 0.5 county + 0.3 city + 0.2 province.
A major-or-worse accident also opens a 12-month sector campaign (campaigns.py) unless
campaign_jump is 0 (no campaign-style reaction at all).
"""

from __future__ import annotations

import numpy as np

GRADE_WEIGHT = np.array([0.0, 1.0, 1.5, 2.0])  # general, larger, major, especially major
CAMPAIGN_MONTHS = 12
CAMPAIGN_BOOST = 3.0  # inspection weight on a sector under campaign


class Committees:
    """Priorities of the 1 + n_cities + n_counties committees, as arrays."""

    def __init__(self, n_cities: int, n_counties: int, county_city: np.ndarray, n_sectors: int, start: float):
        self.county_city = county_city
        self.province = np.array([start])
        self.city = np.full(n_cities, start)
        self.county = np.full(n_counties, start)
        self.campaign_months = np.zeros(n_sectors, dtype=np.int16)

    @staticmethod
    def resting_level(lv: dict[str, float]) -> float:
        return max(1.0 - lv["development_first"], 0.2 + 0.6 * lv["party_building"])

    def relax(self, lv: dict[str, float], bh: dict[str, float]) -> None:
        rest = self.resting_level(lv)
        keep = 1.0 - bh["priority_decay"]
        for p in (self.province, self.city, self.county):
            p -= rest
            p *= keep
            p += rest
        np.subtract(self.campaign_months, 1, out=self.campaign_months, where=self.campaign_months > 0)

    def react(
        self, county: np.ndarray, grade: np.ndarray, sector: np.ndarray, lv: dict[str, float], bh: dict[str, float]
    ) -> None:
        """React to this month's accidents (county, grade and sector per accident)."""
        serious = grade >= 1
        if not serious.any():
            return
        jump = bh["campaign_jump"] * (1.0 - 0.5 * lv["rule_of_law"])
        w = GRADE_WEIGHT[grade[serious]]
        c = county[serious]
        np.add.at(self.county, c, jump * w)
        city_w = np.where(grade[serious] >= 2, 1.0, 0.5) * w
        np.add.at(self.city, self.county_city[c], jump * city_w)
        major = grade[serious] >= 2
        if major.any() and jump > 0:  # campaign_jump = 0 switches campaign-style reactions off
            self.province += jump * w[major].max()
            self.campaign_months[np.unique(sector[serious][major])] = CAMPAIGN_MONTHS
        for p in (self.province, self.city, self.county):
            np.minimum(p, 1.0, out=p)

    def effective(self) -> np.ndarray:
        """Priority driving each county's enforcement."""
        return 0.5 * self.county + 0.3 * self.city[self.county_city] + 0.2 * self.province[0]

    def campaign_boost(self) -> np.ndarray:
        return np.where(self.campaign_months > 0, CAMPAIGN_BOOST, 1.0)
