"""Enterprise exit and entry (paper 1.2: new industries often have no regulator).

Firms exit at exit_rate per month, and when marked closed by sanctions, campaigns or a
larger-or-worse accident (with probability accident_closure). Every freed slot is refilled at once by
an entrant in the same county, drawn from the entrants' sector mix (mostly new industries and
services; see sectors.ENTRANT_SECTOR_MIX), so the number of agents is constant while the
sector mix moves.
"""

from __future__ import annotations

import numpy as np

from sim.state import Enterprises


def close_after_accidents(
    ent: Enterprises, slots: np.ndarray, grade: np.ndarray, bh: dict[str, float], u: np.ndarray
) -> np.ndarray:
    closed = np.unique(slots[(grade >= 1) & (u < bh["accident_closure"])])
    ent.closing[closed] = True
    return closed


def exits(ent: Enterprises, bh: dict[str, float], u: np.ndarray) -> np.ndarray:
    """Slots that leave this month (natural exit or closure)."""
    return np.flatnonzero(ent.closing | (u < bh["exit_rate"]))
