"""The shape of a month: the world's fixed index arrays and the per-month context.

Every mechanism takes ``(firms, month, inputs...)``: the enterprise arrays, a ``Month`` (which
month it is, the levers and behaviour in force, how many real firms an agent stands for, the
world's index arrays and the month's named random streams), and whatever that mechanism needs
from earlier phases. Nothing else is passed around.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.jurisdiction import Jurisdiction
from sim.rollup import SegmentSum
from sim.streams import Keyed, Streams


@dataclass
class World:
    """What does not change from month to month.

    Attributes:
        jur: the jurisdiction graph and its index arrays.
        by_county, by_grid: group sums over enterprise slots (slots are sorted by county, grid).
        grids_per_county: grids in each county.
        inspector_county: county of each inspector post.
        inspector_native: whether the officer in each post is local (本地人).
    """

    jur: Jurisdiction
    by_county: SegmentSum
    by_grid: SegmentSum
    grids_per_county: np.ndarray
    inspector_county: np.ndarray
    inspector_native: np.ndarray

    @property
    def n_counties(self) -> int:
        return self.jur.n_counties

    @property
    def n_inspectors(self) -> int:
        return len(self.inspector_county)


@dataclass
class Month:
    """Context of one simulated month.

    Attributes:
        index: 1, 2, ... counting warm-up months (keys the random streams).
        number: simulation month (1 = first recorded month; <= 0 during warm-up).
        lv: lever values in force; bh: uncertain behavioural parameters.
        firms_per_agent: real enterprises each agent stands for.
        world: index arrays (``World``).
    """

    index: int
    number: int
    lv: dict[str, float]
    bh: dict[str, float]
    firms_per_agent: float
    world: World
    streams: Streams = field(repr=False)

    @property
    def recording(self) -> bool:
        return self.number >= 1

    def rng(self, name: str) -> np.random.Generator:
        """This month's generator for mechanism ``name`` (fixed-size draws)."""
        return self.streams.get(name, self.index)

    def keyed(self, name: str) -> Keyed:
        """This month's keyed uniforms for mechanism ``name`` (draws tied to identities)."""
        return self.streams.keyed(name, self.index)
