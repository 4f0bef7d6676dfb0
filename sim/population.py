"""Initial enterprise population and entrants (sector and size mix by region)."""

from __future__ import annotations

import numpy as np

from sim import sectors as S
from sim.jurisdiction import Jurisdiction
from sim.state import Enterprises, empty


def _draw_categorical(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One category per row of ``probs`` (rows sum to 1), vectorised inverse CDF."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs))[:, None]
    return np.minimum((u > cum).sum(axis=1), probs.shape[1] - 1).astype(np.int8)


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
    fill_new_firms(ent, slots, rng, values, inspector_county, inspector_native, entrant=False)
    return ent


def fill_new_firms(
    ent: Enterprises,
    slots: np.ndarray,
    rng: np.random.Generator,
    values: dict[str, float],
    inspector_county: np.ndarray,
    inspector_native: np.ndarray,
    entrant: bool,
) -> None:
    """Give firms in ``slots`` a fresh profile (sector, size, state). Location is kept."""
    k = len(slots)
    if k == 0:
        return
    region = ent.region[slots]
    sector_p = np.broadcast_to(S.ENTRANT_SECTOR_MIX, (k, len(S.SECTORS))) if entrant else S.SECTOR_MIX[region]
    sector = _draw_categorical(rng, sector_p)
    size = _draw_categorical(rng, S.SIZE_MIX[region])
    mh_p = S.MAJOR_HAZARD_P[sector, size]
    north_chem = (sector == S.CHEMICALS) & (region == 2)
    mh_p = np.where(north_chem, S.MAJOR_HAZARD_CHEM_NORTH[size], mh_p)
    u = rng.random((k, 12))
    ent.sector[slots] = sector
    ent.size[slots] = size
    ent.major_hazard[slots] = u[:, 0] < mh_p
    ent.unregulated_draw[slots] = u[:, 1]
    # Party branches are likelier in larger firms: draw scaled so coverage(size) = lever * factor.
    ent.branch_draw[slots] = u[:, 2] * np.array([0.5, 0.8, 1.2, 2.0])[size]
    ent.platform_draw[slots] = u[:, 3] * np.where(region == 2, 2.0, 1.0)  # north lags (paper 1.5)
    ent.intrinsic[slots] = u[:, 4] < values["intrinsic_compliance"]
    ent.score_noise[slots] = rng.standard_normal(k)
    ent.safety_cost[slots] = S.SIZE_SAFETY_COST[size] * S.SECTOR_COST[sector]
    major = ent.major_hazard[slots]
    ent.base_exposure[slots] = S.SECTOR_RATE[sector] * S.SIZE_EXPOSURE[size] * np.where(major, S.MAJOR_HAZARD_RATE, 1.0)
    ent.hazard_size[slots] = S.SIZE_HAZARD[size]
    ent.may_be_unregulated[slots] = S.UNREGULATED_ELIGIBLE[sector, size]
    minor, near = S.pyramid_ratios()
    ent.minor_ratio[slots] = minor[sector]
    ent.near_ratio[slots] = near[sector]
    size_aw = np.array([0.25, 0.15, 0.05, 0.0])[size]
    ent.owner_awareness[slots] = np.clip(0.25 + size_aw + 0.2 * (u[:, 5] - 0.5), 0, 1)
    ent.worker_awareness[slots] = np.clip(0.30 + size_aw + 0.2 * (u[:, 6] - 0.5), 0, 1)
    ent.equipment[slots] = 0.9 if entrant else 0.4 + 0.5 * u[:, 7]
    starts_compliant = u[:, 8] < 0.5
    ent.compliant[slots] = starts_compliant | ent.intrinsic[slots]
    ent.investment[slots] = np.where(ent.compliant[slots], 1.0, 0.4)
    ent.hazards[slots] = -np.log1p(-u[:, 9]) * np.where(ent.compliant[slots], 0.5, 6.0)
    if entrant:
        ent.hazards[slots] *= 0.3
    ent.perceived_detection[slots] = 0.03
    ent.expected_leniency[slots] = 0.3
    ent.deterrence[slots] = 0.0
    ent.level[slots] = 0
    ent.clean_months[slots] = 0
    ent.blacklist_months[slots] = 0
    ent.suspended_months[slots] = 0
    ent.last_letoff[slots] = -999
    ent.last_accident[slots] = -999
    ent.report_hazards[slots] = 0.0
    ent.report_month[slots] = -999
    ent.closing[slots] = False
    # The firm's own inspector: one of its county's inspectors.
    county = ent.county[slots]
    counts = np.bincount(inspector_county, minlength=county.max() + 1)
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    ent.inspector[slots] = first[county] + (u[:, 10] * counts[county]).astype(np.int32)
    native = inspector_native[ent.inspector[slots]]
    # Native inspectors start with stronger ties (乡土人情, paper 1.1).
    ent.tie[slots] = np.where(native, values["native_tie"] * (0.5 + u[:, 11]), 0.05).clip(0, 1)
