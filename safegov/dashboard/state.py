"""Per-browser-session state of the explore mode (no Solara imports: unit-testable)."""

from __future__ import annotations

from sim import params
from sim.model import SafetyModel

from . import world as W


class ExploreSession:
    """One interactive model: scenario, seed, the levers the user set and the months they changed.

    Lever values shown are those in force next month (``config.levers_at``), so a scenario's
    lever schedule (e.g. ``historical``) moves the sliders as the months pass; a value the user
    sets replaces that lever's schedule (``SafetyModel.set_levers``).
    """

    def __init__(self, scenario: str = "baseline", seed: int = 1, agents: int = W.DASHBOARD_AGENTS):
        self.agents = agents
        self.scenario_name = W.check_scenario_name(scenario)
        self.seed = W.check_seed(seed)
        self.start = W.scenario(self.scenario_name)
        self.user: dict[str, float] = {}
        self.changes: list[int] = []
        self.model: SafetyModel | None = None
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
        """Rebuild the world; levers the user set apply from month 1."""
        self.base = W.dashboard_scenario(self.start, self.agents)
        sc = self.base.with_overrides(self.user, source="dashboard") if self.user else self.base
        self.scenario = sc
        self.model = W.build_model(sc, self.seed)
        self.changes = []

    def restore(self) -> None:
        """Levers back to the scenario's (schedule included) from the next month."""
        if self.user:
            self.user = {}
            self.model.config = self.base  # same setup; only lever values and schedule differ
            self._mark()

    # ------------------------------------------------------------------------------ levers
    @property
    def levers(self) -> dict[str, float]:
        """Lever values in force in the next month."""
        lv = self.model.config.levers_at(min(self.month + 1, self.months))
        return {p.name: float(lv[p.name]) for p in params.LEVERS}

    def set_lever(self, name: str, value) -> float:
        v = W.clamp_lever(name, value)
        if v != self.levers.get(name):
            self.user[name] = v
            self.model.set_levers({name: v}, source="dashboard")
            self._mark()
        return v

    def _mark(self) -> None:
        nxt = self.model.month + 1
        if 1 < nxt <= self.months and (not self.changes or self.changes[-1] != nxt):
            self.changes.append(nxt)

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

    def step(self, months: int = 1) -> int:
        """Run up to ``months`` months (not past the horizon). Returns how many ran."""
        ran = 0
        while ran < months and not self.done:
            self.model.step()
            ran += 1
        return ran

    def series(self):
        return W.province_series(self.model)
