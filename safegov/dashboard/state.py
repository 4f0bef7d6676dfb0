"""Per-browser-session state of the explore mode (no Solara imports: unit-testable)."""

from __future__ import annotations

from sim import params
from sim.model import SafetyModel

from . import world as W


class ExploreSession:
    """One interactive model: scenario, seed, lever values and the months they changed."""

    def __init__(self, scenario: str = "baseline", seed: int = 1, agents: int = W.DASHBOARD_AGENTS):
        self.agents = agents
        self.scenario_name = W.check_scenario_name(scenario)
        self.seed = W.check_seed(seed)
        self.start = W.scenario(self.scenario_name)
        self.levers = self.scenario_levers()
        self.changes: list[int] = []
        self.model: SafetyModel | None = None
        self.reset()

    # ------------------------------------------------------------------------------ set-up
    def scenario_levers(self) -> dict[str, float]:
        lv = self.start.levers_at(1)
        return {p.name: float(lv[p.name]) for p in params.LEVERS}

    def set_scenario(self, name: str) -> None:
        self.scenario_name = W.check_scenario_name(name)
        self.start = W.scenario(name)
        self.levers = self.scenario_levers()
        self.reset()

    def set_seed(self, seed) -> None:
        self.seed = W.check_seed(seed)
        self.reset()

    def restore(self) -> None:
        """Sliders back to the scenario's values (from the next month)."""
        values = self.scenario_levers()
        changed = {k: v for k, v in values.items() if v != self.levers.get(k)}
        self.levers = values
        if changed and self.model is not None:
            self.model.set_levers(changed, source="dashboard")
            self._mark()

    def reset(self) -> None:
        """Rebuild the world; current lever values apply from month 1."""
        sc = W.dashboard_scenario(self.start, self.agents)
        overrides = {k: v for k, v in self.levers.items() if v != self.start.levers_at(1)[k]}
        if overrides:
            sc = sc.with_overrides(overrides, source="dashboard")
        self.scenario = sc
        self.model = W.build_model(sc, self.seed)
        self.changes = []

    # ------------------------------------------------------------------------------ levers
    def set_lever(self, name: str, value) -> float:
        v = W.clamp_lever(name, value)
        if v != self.levers.get(name):
            self.levers[name] = v
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
