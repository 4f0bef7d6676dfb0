"""Enterprise state as a struct of numpy arrays (one slot per enterprise agent).

Each agent is a super-individual standing for ``enterprises_per_agent`` real firms that share
its state (Scheffer et al. 1995); accidents are drawn per real firm, so counts are at real scale.
A closed firm leaves its slot empty (``active`` False); entrants take empty slots in the same
county, with a new identity.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

#: dtype of per-enterprise real-valued state and draws: float32 halves the memory traffic of
#: every monthly phase (the hot path is bandwidth-bound at 1e6 enterprises).
FLOAT = np.float32


@dataclass
class Enterprises:
    """Per-enterprise state. Units in brackets; 'index' means a dimensionless 0-1 scale."""

    uid: np.ndarray  # int64, identity of the firm in the slot (changes on entry)
    active: np.ndarray  # bool, the slot holds a firm (False once closed, until an entrant arrives)
    county: np.ndarray  # int32, county index
    city: np.ndarray  # int32, city index
    region: np.ndarray  # int8, 0 south 1 central 2 north
    grid: np.ndarray  # int32, grid index
    sector: np.ndarray  # int8, sim.sectors.SECTORS
    size: np.ndarray  # int8, sim.sectors.SIZES
    major_hazard: np.ndarray  # bool, 重大危险源
    unregulated_draw: np.ndarray  # float, persistent draw: unregulated if below the lever share
    branch_draw: np.ndarray  # float, persistent draw: party branch if below coverage
    platform_draw: np.ndarray  # float, persistent draw: on the chemicals platform if below coverage
    intrinsic: np.ndarray  # bool, complies whatever the incentives
    score_noise: np.ndarray  # float, persistent error of the risk score (standard normal)
    inspector: np.ndarray  # int32, the firm's own inspector (index into model inspectors)
    safety_cost: np.ndarray  # float [10k CNY / month] cost of full compliance
    compliant: np.ndarray  # bool, current decision
    investment: np.ndarray  # float [share of full safety spending]
    management: np.ndarray  # float [index], safety management (procedures, supervision) spending buys
    equipment: np.ndarray  # float [index], 1 = as new
    owner_awareness: np.ndarray  # float [index]
    worker_awareness: np.ndarray  # float [index]
    hazards: np.ndarray  # float [hidden hazards per firm], 事故隐患
    perceived_detection: np.ndarray  # float [probability / month] that a violation is found
    expected_leniency: np.ndarray  # float [probability] that a found violation is let off
    targeted_months: np.ndarray  # int16 [months] left in the targeted group (Harrington 1988)
    tie: np.ndarray  # float [index], tie to the firm's own inspector, 人情关系
    level: np.ndarray  # int8, enforcement pyramid step 0 advice .. 4 revocation
    clean_months: np.ndarray  # int16 [months] since the last punishment (de-escalation clock)
    blacklist_months: np.ndarray  # int16 [months] left on the blacklist (0 = not listed)
    suspended_months: np.ndarray  # int16 [months] of suspension left
    last_letoff: np.ndarray  # int16 [month] of the last let-off (-999 = never)
    last_accident: np.ndarray  # int16 [month] of the last accident (-999 = never)
    report_hazards: np.ndarray  # float [hazards] in the last grid report
    report_month: np.ndarray  # int16 [month] the report reaches targeting (-999 = none)
    closing: np.ndarray  # bool, marked to close at the end of the month
    # Per-slot constants derived from sector, size and major-hazard flag (refreshed on entry),
    # cached because table look-ups by two indices cost more than the arithmetic that uses them.
    base_exposure: np.ndarray  # float, accident exposure relative to a medium manufacturer
    hazard_size: np.ndarray  # float, hazard inflow multiplier by size
    may_be_unregulated: np.ndarray  # bool, sector/size can fall outside every regulator
    minor_ratio: np.ndarray  # float, minor injuries per recordable accident (sector)
    near_ratio: np.ndarray  # float, near misses per recordable accident (sector)

    @property
    def n(self) -> int:
        return len(self.uid)

    @property
    def listed(self) -> np.ndarray:
        return self.blacklist_months > 0


def empty(n: int) -> Enterprises:
    """Zeroed arrays for ``n`` slots, with the right dtypes."""
    dtypes = {
        "uid": np.int64,
        "active": bool,
        "county": np.int32,
        "city": np.int32,
        "region": np.int8,
        "grid": np.int32,
        "sector": np.int8,
        "size": np.int8,
        "major_hazard": bool,
        "intrinsic": bool,
        "inspector": np.int32,
        "compliant": bool,
        "level": np.int8,
        "blacklist_months": np.int16,
        "targeted_months": np.int16,
        "clean_months": np.int16,
        "suspended_months": np.int16,
        "last_letoff": np.int16,
        "last_accident": np.int16,
        "report_month": np.int16,
        "closing": bool,
        "may_be_unregulated": bool,
    }
    return Enterprises(**{f.name: np.zeros(n, dtype=dtypes.get(f.name, FLOAT)) for f in fields(Enterprises)})
