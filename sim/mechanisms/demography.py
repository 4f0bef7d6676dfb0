"""Enterprise exit and entry (paper 1.2: new industries often have no regulator; 1.4).

Firms exit naturally at exit_rate a month, and close when marked by sanctions (revocation),
campaigns, the remediation programme, or a larger-or-worse accident (with probability
accident_closure). A closed firm leaves its premises (slot) empty. Entry follows the economy and sector policy: a
vacant premises is taken by a new firm with probability entry_rate a month, and the new firm's
sector is drawn from the current sector mix of active firms in its region (entrants copy the
economy around them), so closures of a kind shrink that kind for good while the number of firms
recovers; no chemical producer enters while the chemical remediation programme runs (Jiangsu
2019: no new chemical projects outside certified parks). Sizes follow the region's size mix.

Super-individuals: an agent stands for m real firms. An accident happens to one of them, so an
accident closes the whole agent with probability accident_closure x (serious accidents at the
agent) / m: the expected number of real firms closed is the same at every resolution.
"""

from __future__ import annotations

import numpy as np

from sim import fused, population
from sim import sectors as S
from sim.context import Month
from sim.state import FLOAT, Enterprises


def close_after_accidents(ent: Enterprises, month: Month, slots: np.ndarray, grade: np.ndarray) -> np.ndarray:
    """Mark agents closed after larger-or-worse accidents. Returns the closed slots."""
    serious = slots[grade >= 1]
    if len(serious) == 0:
        return np.empty(0, np.int64)
    agents, n_serious = np.unique(serious, return_counts=True)
    share = np.minimum(1.0, n_serious / month.firms_per_agent)
    u = month.keyed("demography").uniforms(ent.uid[agents], 1)[:, 0]
    closed = agents[u < month.bh["accident_closure"] * share]
    ent.closing[closed] = True
    return closed


def exits(ent: Enterprises, month: Month) -> np.ndarray:
    """Slots that leave this month (natural exit or closure)."""
    u = month.rng("demography").random(ent.n, dtype=FLOAT)
    return np.flatnonzero(ent.active & (ent.closing | (u < month.bh["exit_rate"])))


def leave(ent: Enterprises, slots: np.ndarray) -> None:
    """Empty the slots of firms that left."""
    ent.active[slots] = False
    ent.closing[slots] = False
    ent.compliant[slots] = False
    ent.base_exposure[slots] = 0.0
    ent.blacklist_months[slots] = 0
    ent.targeted_months[slots] = 0
    ent.suspended_months[slots] = 0


def enter(ent: Enterprises, month: Month) -> np.ndarray:
    """New firms take vacant premises. Returns the slots.

    An entrant's identity is n_slots x month index + slot: unique, and the same whatever else
    enters elsewhere, so its keyed profile draws are common random numbers across scenarios.
    """
    world, bh = month.world, month.bh
    u = month.rng("entry").random(ent.n, dtype=FLOAT)
    slots = np.flatnonzero(~ent.active & (u < bh["entry_rate"]))
    if len(slots) == 0:
        return slots
    mix = current_sector_mix(ent)
    if month.lv["chemical_remediation"] > 0:
        mix[:, S.CHEMICALS] = 0.0
    ent.uid[slots] = ent.n * month.index + slots
    draws = month.keyed("entry").uniforms(ent.uid[slots], population.PROFILE_DRAWS)
    population.fill_new_firms(
        ent, slots, draws, {**month.lv, **bh}, world.inspector_county, world.inspector_native, entrant=True, sector_mix=mix
    )
    return slots


def current_sector_mix(ent: Enterprises) -> np.ndarray:
    """Sector shares of active firms by region, (3, sectors); a region with none keeps the input mix."""
    n_sec = len(S.SECTORS)
    counts = fused.sector_counts(ent.region, ent.sector, ent.active, n_sec)
    total = counts.sum(axis=1, keepdims=True)
    return np.where(total > 0, counts / np.maximum(total, 1), S.SECTOR_MIX)
