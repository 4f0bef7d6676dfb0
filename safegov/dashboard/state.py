"""Per-browser-session state of the explore mode (no Solara imports: unit-testable)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim import params
from sim.model import SafetyModel

from . import world as W


@dataclass
class ChangePoint:
    """Lever values the user set that took effect from ``month`` (1-based), one point per month."""

    month: int
    values: dict[str, float] = field(default_factory=dict)
    restored: bool = False   # the levers went back to the scenario's


class ExploreSession:
    """One interactive model beside its baseline: scenario, seed, the levers the user set and when.

    The *baseline* is the same scenario with the same seed and replicate and no change: it meets
    exactly the same chance events (common random numbers), so the gap between the two runs is
    the effect of the user's changes, not noise.

    Lever values shown are those in force next month (``config.levers_at``), so a scenario's
    lever schedule (e.g. ``historical``) moves the sliders as the months pass; a value the user
    sets replaces that lever's schedule (``SafetyModel.set_levers``). However many times a
    slider moves before the next month runs (a drag sends many values), that is one change
    point, labelled with the values in force when the month runs.
    """

    def __init__(self, scenario: str = "baseline", seed: int = 1, agents: int = W.DASHBOARD_AGENTS):
        self.agents = agents
        self.scenario_name = W.check_scenario_name(scenario)
        self.seed = W.check_seed(seed)
        self.start = W.scenario(self.scenario_name)
        self.user: dict[str, float] = {}
        self.changes: list[ChangePoint] = []
        self.pending: dict[str, float] = {}
        self.pending_restore = False
        self.model: SafetyModel | None = None
        self.baseline: SafetyModel | None = None
        self.reset()

    # ------------------------------------------------------------------------------ set-up
    def set_scenario(self, name: str) -> None:
        self.scenario_name = W.check_scenario_name(name)
        self.start = W.scenario(name)
        self.user = {}
        self.reset()

    def set_seed(self, seed) -> None:
        self.seed = W.check_seed(seed)
        self.reset()

    def reset(self) -> None:
        """Rebuild both worlds; levers the user set apply from month 1 (the baseline has none)."""
        self.base = W.dashboard_scenario(self.start, self.agents)
        sc = self.base.with_overrides(self.user, source="dashboard") if self.user else self.base
        self.scenario = sc
        self.model = W.build_model(sc, self.seed)
        self.baseline = W.build_model(self.base, self.seed)
        self.changes = []
        self.pending = {}
        self._origin: dict[str, float] = {}
        self.pending_restore = False

    def restore(self) -> None:
        """Levers back to the scenario's (schedule included) from the next month."""
        if self.user:
            self.user = {}
            self.model.config = self.base  # same setup; only lever values and schedule differ
            self.pending = {}
            self._origin = {}
            self.pending_restore = True

    # ------------------------------------------------------------------------------ levers
    @property
    def levers(self) -> dict[str, float]:
        """Lever values in force in the next month."""
        lv = self.model.config.levers_at(min(self.month + 1, self.months))
        return {p.name: float(lv[p.name]) for p in params.LEVERS}

    def set_lever(self, name: str, value) -> float:
        v = W.clamp_lever(name, value)
        before = self.levers.get(name)
        if v != before:
            self._origin.setdefault(name, before)
            self.user[name] = v
            self.model.set_levers({name: v}, source="dashboard")
            self.pending[name] = v
        return v

    # ------------------------------------------------------------------------------ running
    @property
    def months(self) -> int:
        return self.model.months

    @property
    def month(self) -> int:
        return max(self.model.month, 0)

    @property
    def done(self) -> bool:
        return self.month >= self.months

    def _record_change(self) -> None:
        nxt = self.month + 1
        moved = {k: v for k, v in self.pending.items() if v != self._origin.get(k)}  # dragged back: no change
        if (moved or self.pending_restore) and 1 < nxt <= self.months:
            self.changes.append(ChangePoint(nxt, moved, self.pending_restore))
        self.pending = {}
        self._origin = {}
        self.pending_restore = False

    def step(self, months: int = 1) -> int:
        """Run up to ``months`` months of both worlds (not past the horizon). Returns how many ran."""
        ran = 0
        while ran < months and not self.done:
            self._record_change()
            self.model.step()
            self.baseline.step()
            ran += 1
        return ran

    def series(self):
        return W.province_series(self.model)

    def baseline_series(self):
        return W.province_series(self.baseline)
