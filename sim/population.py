"""Initial enterprise population and entrants (sector and size mix by region).

Initial values of the dynamic state (awareness, equipment, hazards, compliance, perceptions) are
starting points only: the warm-up months bring them to the steady state of the scenario's
levers (``setup.warmup_months``), so they shape no result; the structural draws (sector, size,
major hazard source, location, persistent draws) are inputs (docs/ODD.md, section 5).
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from sim import sectors as S
from sim.jurisdiction import Jurisdiction
from sim.mechanisms.leniency import stationary_tie
from sim.state import Enterprises, empty

#: Uniform columns a new firm's profile uses (sector, size, and the draws below).
PROFILE_DRAWS = 10


def _categorical(u: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """One category per row of ``probs`` (rows sum to 1) from one uniform per row."""
    cum = np.cumsum(probs, axis=1)
    return np.minimum((u[:, None] > cum).sum(axis=1), probs.shape[1] - 1).astype(np.int8)


def create_population(
    n: int,
    jur: Jurisdiction,
    rng: np.random.Generator,
    values: dict[str, float],
    inspector_county: np.ndarray,
    inspector_native: np.ndarray,
) -> Enterprises:
    """``n`` enterprise slots spread over counties by the counties' weights.

    Slots are sorted by county and grid so that county and grid roll-ups touch contiguous memory.
    """
    ent = empty(n)
    county = np.sort(rng.choice(jur.n_counties, size=n, p=jur.county_weight)).astype(np.int32)
    grids_per_county = np.bincount(jur.grid_county, minlength=jur.n_counties)
    first_grid = np.concatenate(([0], np.cumsum(grids_per_county)[:-1]))
    offset = (rng.random(n) * grids_per_county[county]).astype(np.int32)
    grid = first_grid[county] + offset
    order = np.lexsort((grid, county))
    ent.county[:] = county[order]
    ent.grid[:] = grid[order]
    ent.city[:] = jur.county_city[ent.county]
    ent.region[:] = jur.city_region[ent.city]
    ent.uid[:] = np.arange(n)
    slots = np.arange(n)
    fill_new_firms(ent, slots, rng.random((n, PROFILE_DRAWS)), values, inspector_county, inspector_native)
    return ent


def fill_new_firms(
    ent: Enterprises,
    slots: np.ndarray,
    u: np.ndarray,
    values: dict[str, float],
    inspector_county: np.ndarray,
    inspector_native: np.ndarray,
    entrant: bool = False,
    sector_mix: np.ndarray | None = None,
) -> None:
    """Give firms in ``slots`` a fresh profile (sector, size, state). Location is kept.

    Args:
        u: (len(slots), PROFILE_DRAWS) uniforms: keyed to the new firms' identities for
            entrants (common random numbers), from the set-up stream for the first population.
        entrant: a new firm (new equipment, few hazards) rather than one of the first population.
        sector_mix: (3 regions, sectors) shares to draw sectors from; the input mix
            ``sectors.SECTOR_MIX`` when None (entrants pass the current mix, demography.py).
    """
    k = len(slots)
    if k == 0:
        return
    region = ent.region[slots]
    mix = (S.SECTOR_MIX if sector_mix is None else sector_mix)[region]
    sector = _categorical(u[:, 0], mix / mix.sum(axis=1, keepdims=True))
    size = _categorical(u[:, 1], S.SIZE_MIX[region])
    mh_p = S.MAJOR_HAZARD_P[sector, size]
    north_chem = (sector == S.CHEMICALS) & (region == 2)
    mh_p = np.where(north_chem, S.MAJOR_HAZARD_CHEM_NORTH[size], mh_p)
    ent.active[slots] = True
    ent.sector[slots] = sector
    ent.size[slots] = size
    ent.major_hazard[slots] = u[:, 2] < mh_p
    ent.unregulated_draw[slots] = u[:, 3]
    # Party branches are likelier in larger firms: draw scaled so coverage(size) = lever * factor.
    ent.branch_draw[slots] = u[:, 4] * S.BRANCH_DRAW_SCALE[size]
    # The north lags on the chemicals platform (paper 1.5): its draws are stretched.
    ent.platform_draw[slots] = u[:, 5] / np.where(region == 2, values["north_platform_coverage"], 1.0)
    ent.intrinsic[slots] = u[:, 6] < values["intrinsic_compliance"]
    ent.score_noise[slots] = ndtri(np.clip(u[:, 7], 1e-12, 1 - 1e-12))
    ent.safety_cost[slots] = S.SIZE_SAFETY_COST[size] * S.SECTOR_COST[sector]
    major = ent.major_hazard[slots]
    ent.base_exposure[slots] = S.SECTOR_RATE[sector] * S.SIZE_EXPOSURE[size] * np.where(major, S.MAJOR_HAZARD_RATE, 1.0)
    ent.hazard_size[slots] = S.SIZE_HAZARD[size]
    ent.may_be_unregulated[slots] = S.UNREGULATED_ELIGIBLE[sector, size]
    minor, near = S.pyramid_ratios()
    ent.minor_ratio[slots] = minor[sector]
    ent.near_ratio[slots] = near[sector]
    ent.compliant[slots] = (u[:, 8] < 0.5) | ent.intrinsic[slots]
    spend = np.where(ent.compliant[slots], 1.0, values["violator_spending"])
    ent.investment[slots] = spend
    ent.management[slots] = spend
    if entrant:
        ent.owner_awareness[slots] = values["awareness_floor"]
        ent.worker_awareness[slots] = values["awareness_floor"]
        ent.equipment[slots] = 1.0
        ent.hazards[slots] = 0.0
    else:
        start_near_steady_state(ent, slots, spend, values)
    ent.perceived_detection[slots] = 0.0
    ent.expected_leniency[slots] = 0.0
    ent.targeted_months[slots] = 0
    ent.level[slots] = 0
    ent.clean_months[slots] = 0
    ent.blacklist_months[slots] = 0
    ent.suspended_months[slots] = 0
    ent.last_letoff[slots] = -999
    ent.last_accident[slots] = -999
    ent.report_hazards[slots] = 0.0
    ent.report_month[slots] = -999
    ent.closing[slots] = False
    # The firm's own inspector: one of its county's inspector posts.
    county = ent.county[slots]
    counts = np.bincount(inspector_county, minlength=county.max() + 1)
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    ent.inspector[slots] = first[county] + np.minimum((u[:, 9] * counts[county]).astype(np.int32), counts[county] - 1)
    # Ties start at their mean under rotation: native inspectors know local owners (乡土人情).
    ent.tie[slots] = stationary_tie(inspector_native[ent.inspector[slots]], values)


def start_near_steady_state(ent: Enterprises, slots: np.ndarray, spend: np.ndarray, values: dict[str, float]) -> None:
    """Start awareness, equipment and hazards at the fixed points of their monthly equations
    for the firm's spending (awareness.py, hazards.py), so the warm-up only has to settle the
    fast feedbacks (compliance, perceptions, enforcement), not years of slow drift."""
    v = values
    floor, decay = v["awareness_floor"], v["awareness_decay"]
    branch = ent.branch_draw[slots] < v["party_building"]
    gain = v["training_rate"] / 12.0 * v["training_gain"] + v["party_branch_gain"] * branch
    aware = np.where(gain + decay > 0, (gain + decay * floor) / np.maximum(gain + decay, 1e-12), floor)
    ent.owner_awareness[slots] = aware
    ent.worker_awareness[slots] = aware
    renewal = v["equipment_renewal"] * spend
    equipment = 1.0 - v["equipment_decay"] * (1.0 - spend) / np.maximum(renewal, 1e-12)
    ent.equipment[slots] = np.clip(equipment, 0.0, 1.0)
    hf = v["hazard_floor"]
    inflow = v["hazard_inflow"] * ent.hazard_size[slots] * (hf + (1.0 - hf) * (1.0 - spend))
    inflow *= 1.0 + v["equipment_hazard_factor"] * (1.0 - ent.equipment[slots])
    ent.hazards[slots] = inflow / np.maximum(v["hazard_repair"] * spend, 1e-3)
