"""Safety committees (安全生产委员会) at province, city and county level (paper 1.1, 2.1, 2.6).

Each committee has a safety priority p in [0, 1] (safety against development). It relaxes each
month toward a resting level

    p_rest = 1 - development_first (1 - party_building)(1 - accident_targets)
             (党政同责 and accident targets in officials' assessment shrink 重发展轻安全;
              Fisman & Wang 2017: safety incentives for officials lowered deaths)
    p <- p_rest + (p - p_rest)(1 - priority_decay)

and jumps after accidents of grade larger (较大) or worse (campaign-style enforcement,
运动式执法) by campaign_jump x grade x (1 - rule_of_law_effect rule_of_law): rule of law damps
the swings. The committees that react are those of the levels that investigate the accident
under State Council Decree 493 art. 19 and the levels below them: county and city for a larger
accident (investigated by the city), and the province too for a major or especially major one.
A county's enforcement priority is county_priority_share of its own committee's and the rest
in equal parts its city's and the province's (属地管理).
A major-or-worse accident also opens a sector campaign of campaign_months (campaigns.py) unless
campaign_jump is 0 (no campaign-style reaction at all).
"""

from __future__ import annotations

import numpy as np

from sim.context import Month


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
        """Priority a committee relaxes to without pressure [0-1]."""
        return 1.0 - lv["development_first"] * (1.0 - lv["party_building"]) * (1.0 - lv["accident_targets"])

    def relax(self, month: Month) -> None:
        rest = self.resting_level(month.lv)
        keep = 1.0 - month.bh["priority_decay"]
        for p in (self.province, self.city, self.county):
            p -= rest
            p *= keep
            p += rest
        np.subtract(self.campaign_months, 1, out=self.campaign_months, where=self.campaign_months > 0)

    def react(self, month: Month, county: np.ndarray, grade: np.ndarray, sector: np.ndarray) -> None:
        """React to this month's accidents (county, Decree 493 grade and sector per accident)."""
        serious = grade >= 1
        if not serious.any():
            return
        lv, bh = month.lv, month.bh
        jump = bh["campaign_jump"] * (1.0 - bh["rule_of_law_effect"] * lv["rule_of_law"])
        g = grade[serious].astype(float)
        c = county[serious]
        np.add.at(self.county, c, jump * g)
        np.add.at(self.city, self.county_city[c], jump * g)
        major = grade[serious] >= 2
        if major.any() and jump > 0:  # campaign_jump = 0 switches campaign-style reactions off
            self.province += jump * g[major].max()
            self.campaign_months[np.unique(sector[serious][major])] = int(bh["campaign_months"])
        for p in (self.province, self.city, self.county):
            np.minimum(p, 1.0, out=p)

    def effective(self, month: Month) -> np.ndarray:
        """Priority driving each county's enforcement [0-1]."""
        own = month.bh["county_priority_share"]
        upper = 0.5 * (self.city[self.county_city] + self.province[0])
        return own * self.county + (1.0 - own) * upper

    def campaign_boost(self, month: Month) -> np.ndarray:
        """Inspection weight per sector (campaign_inspection_weight while a campaign runs)."""
        return np.where(self.campaign_months > 0, month.bh["campaign_inspection_weight"], 1.0)
