"""Mesa agents. Enterprises are handles onto the shared arrays (the hot path is vectorised in
the model); inspectors, grid workers and safety committees sit on the jurisdiction network."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
from mesa.discrete_space import CellAgent

from sim import sectors as S
from sim.mechanisms.grading import GRADES

if TYPE_CHECKING:
    from sim.model import SafetyModel


class Enterprise(mesa.Agent):
    """A production unit (生产经营单位): a handle whose state lives in ``model.firms`` arrays.

    It stands for ``enterprises_per_agent`` real firms with the same state. The handle is tied
    to a premises slot; when a firm closes, an entrant takes the slot with a new ``firm_uid``.
    """

    @property
    def firm_uid(self) -> int:
        """Identity of the firm now in this slot (changes when a firm exits and one enters)."""
        return int(self._get("uid"))

    def __init__(self, model: SafetyModel, slot: int):
        super().__init__(model)
        self.slot = slot

    def _get(self, name: str):
        return getattr(self.model.firms, name)[self.slot]

    @property
    def sector(self) -> str:
        return S.SECTORS[self._get("sector")]

    @property
    def size(self) -> str:
        return S.SIZES[self._get("size")]

    @property
    def county(self) -> str:
        return self.model.jurisdiction.counties[self._get("county")]

    def _set(self, name: str, value) -> None:
        getattr(self.model.firms, name)[self.slot] = value

    @property
    def compliant(self) -> bool:
        return bool(self._get("compliant"))

    @compliant.setter
    def compliant(self, value: bool) -> None:
        """Set this firm's compliance decision (until its next monthly decision)."""
        self._set("compliant", bool(value))

    @property
    def hazards(self) -> float:
        """Hidden hazards (事故隐患) [count per firm]."""
        return float(self._get("hazards"))

    @hazards.setter
    def hazards(self, value: float) -> None:
        if not value >= 0:
            raise ValueError(f"hidden hazards must be >= 0, got {value!r}")
        self._set("hazards", value)

    @property
    def blacklisted(self) -> bool:
        return bool(self._get("blacklist_months") > 0)

    @property
    def enforcement_level(self) -> int:
        return int(self._get("level"))

    @property
    def tie(self) -> float:
        """Tie strength to its own inspector (人情关系) [0-1]."""
        return float(self._get("tie"))

    @tie.setter
    def tie(self, value: float) -> None:
        if not 0 <= value <= 1:
            raise ValueError(f"tie strength must be in [0, 1], got {value!r}")
        self._set("tie", value)

    @property
    def inspector(self) -> Inspector:
        return self.model.inspectors[self._get("inspector")]


class Inspector(CellAgent):
    """Law-enforcement officer (执法人员) in a county post; ties are stored per firm.

    ``native``: whether the officer in the post is local (本地人).
    """

    def __init__(self, model: SafetyModel, index: int, county: int, cell):
        super().__init__(model)
        self.index = index
        self.county = county
        self.cell = cell

    @property
    def native(self) -> bool:
        return bool(self.model.world.inspector_native[self.index])


class GridWorker(CellAgent):
    """Grid worker (网格员) patrolling one grid."""

    def __init__(self, model: SafetyModel, grid: int, cell):
        super().__init__(model)
        self.grid = grid
        self.cell = cell


class SafetyCommittee(CellAgent):
    """Safety committee (安委会) of the province, a city or a county."""

    def __init__(self, model: SafetyModel, level: str, index: int, cell):
        super().__init__(model)
        self.level = level
        self.index = index
        self.cell = cell

    @property
    def priority(self) -> float:
        """Safety priority against development [0-1]."""
        c = self.model.committees
        return float({"province": c.province, "city": c.city, "county": c.county}[self.level][self.index])


__all__ = ["GRADES", "Enterprise", "GridWorker", "Inspector", "SafetyCommittee"]
