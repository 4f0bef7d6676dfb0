"""Training exercise rounds: a class plays a safety committee (安全生产委员会) for five simulated years.

Pure Python (no Solara): the dashboard and the tests drive the same objects.

Each year the class splits a fixed annual budget [10k CNY] across the levers that cost money
(``pricing``), commits, and the model runs the year's 12 months with those levers
(``SafetyModel.set_levers``). Two more models run alongside on the same (seed, replicate), i.e.
on common random numbers: the *baseline* (the starting scenario as it is) and a *reference
policy* (a reference scenario's allocation, taken as far as the same budget allows); they are
the same for every team of a class, so a class runs them once (``SharedPaths``). An
exercise is fully determined by its settings and the allocations committed, so it can be saved
as those (``sessions``) and rebuilt by replaying them; the last round is undone the same way.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np

from sim import outcomes
from sim.errors import InputError
from sim.jurisdiction import city_names
from sim.metrics import INDEX
from sim.model import SafetyModel

from . import pricing as P
from . import world as W

YEARS = 5
MONTHS_PER_YEAR = 12
PATHS = ("class", "baseline", "reference")
#: Year metrics of the debrief, all declared in ``sim.outcomes``.
METRICS = ("deaths", "accidents", "accidents_larger_or_worse", "compliance_rate", "hazards_per_enterprise",
           "zero_penalty_counties", "inspections", "penalty_cases", "enforcement_cost_10k_cny")
#: Spending is the class's decision, not a result to call better or worse.
NOT_JUDGED = ("enforcement_cost_10k_cny",)
#: +1 when more is better, -1 when less is better, 0 when not judged (from ``sim.outcomes``).
DIRECTION = {m: 0 if m in NOT_JUDGED else outcomes.get(m).direction for m in METRICS}
#: Metrics whose value over several years is the mean of the years, not the sum.
RATIOS = tuple(m for m in METRICS if outcomes.get(m).kind in ("ratio", "annual"))


@dataclass(frozen=True)
class Settings:
    """What a trainer sets for a class. Validated by ``checked()``."""

    scenario: str = "baseline"
    seed: int = 1
    replicate: int = 0
    budget: float = 0.0              # 10k CNY per year; 0 = status-quo spending + DEFAULT_RAISE
    role: str = "province"           # or a city name (the class is that city's committee)
    reference: str = "all_countermeasures"
    agents: int = W.DASHBOARD_AGENTS
    years: int = YEARS

    def checked(self) -> Settings:
        W.check_scenario_name(self.scenario)
        W.check_scenario_name(self.reference)
        seed = W.check_seed(self.seed)
        rep = W.check_seed(self.replicate)
        try:
            budget = float(self.budget)
        except (TypeError, ValueError):
            raise InputError("exercise", "budget", f"expected a number, got {self.budget!r}") from None
        if not math.isfinite(budget) or not 0 <= budget <= P.MAX_BUDGET:
            raise InputError("exercise", "budget",
                             f"expected a number between 0 and {P.MAX_BUDGET:g}, got {self.budget!r}")
        if self.role != "province" and self.role not in city_names():
            raise InputError("exercise", "role", f"expected 'province' or a city ({', '.join(city_names())}), "
                             f"got {self.role!r}")
        agents = _whole(self.agents, "agents", 100, 200_000)
        years = _whole(self.years, "years", 1, 10)
        return Settings(self.scenario, seed, rep, budget, self.role, self.reference, agents, years)


def _whole(value, key: str, lo: int, hi: int) -> int:
    try:
        v = int(value)
    except (TypeError, ValueError):
        raise InputError("exercise", key, f"expected a whole number from {lo} to {hi}, got {value!r}") from None
    if v != value or not lo <= v <= hi:
        raise InputError("exercise", key, f"expected a whole number from {lo} to {hi}, got {value!r}")
    return v


@dataclass
class Round:
    year: int                        # calendar year
    index: int                       # 0-based
    allocation: dict[str, float]
    cost: float                      # planned spending [10k CNY per year]
    rescaled: bool
    results: dict[str, dict[str, float]]   # path -> metric -> value for the year


def year_metrics(model: SafetyModel, index: int) -> dict[str, float]:
    """Province (or city) metrics of year ``index`` (0-based) of the recorded months."""
    d = model.tally.data[index * MONTHS_PER_YEAR:(index + 1) * MONTHS_PER_YEAR]  # (12, counties, metrics)
    tot = d.sum(axis=1)   # (12, metrics)
    out = {name: float(tot[:, INDEX[name]].sum()) for name in METRICS if name not in RATIOS}
    ent = np.maximum(tot[:, INDEX["enterprises"]], 1e-12)
    out["compliance_rate"] = float((tot[:, INDEX["compliant_enterprises"]] / ent).mean())
    out["hazards_per_enterprise"] = float((tot[:, INDEX["hidden_hazards"]] / ent).mean())
    insp = d[:, :, INDEX["inspections"]].sum(axis=0)
    pen = d[:, :, INDEX["penalty_cases"]].sum(axis=0)
    out["zero_penalty_counties"] = float(((insp > 0) & (pen == 0)).sum())
    return out


def total(metric: str, values: list[float]) -> float:
    """Several years of a metric: the sum of flows, the mean of ratios."""
    return float(np.mean(values)) if metric in RATIOS else float(np.sum(values))


class SharedPaths:
    """The baseline and the reference policy of one set of settings, year by year.

    Neither depends on a team's choices, so every team of a class reads the same years (the
    models run each year once, when the first team reaches it; thread-safe).
    """

    def __init__(self, scenario, settings: Settings, reference_allocation: dict[str, float]):
        self.settings = settings
        self.reference_allocation = dict(reference_allocation)
        self.models = {p: W.build_model(scenario, settings.seed, settings.replicate) for p in ("baseline", "reference")}
        self.results: list[dict[str, dict[str, float]]] = []
        self._lock = threading.Lock()

    def year(self, index: int) -> dict[str, dict[str, float]]:
        """Metrics of year ``index`` (0-based) of both paths, running the models up to it if needed."""
        with self._lock:
            while len(self.results) <= index:
                k = len(self.results)
                if k == 0:
                    self.models["reference"].set_levers(self.reference_allocation, source="reference policy")
                for model in self.models.values():
                    for _ in range(MONTHS_PER_YEAR):
                        model.step()
                self.results.append({p: year_metrics(m, k) for p, m in self.models.items()})
            return self.results[index]


class Exercise:
    """Rounds of budget decisions on one world, with baseline and reference alongside.

    ``shared``: the class's baseline and reference (``SharedPaths`` of the same settings); an
    exercise on its own makes its own.
    """

    def __init__(self, settings: Settings | None = None, shared: SharedPaths | None = None):
        self.settings = s = (settings or Settings()).checked()
        start = W.scenario(s.scenario)
        cities = None if s.role == "province" else [s.role]
        self.scenario = W.dashboard_scenario(start, s.agents, months=s.years * MONTHS_PER_YEAR, cities=cities)
        self.start_year = self.scenario.setup.start_year
        self.model = W.build_model(self.scenario, s.seed, s.replicate)
        self.prices = P.price_base(self.model)
        self.minimum = P.minimum_cost(self.prices)
        status_quo = self.status_quo(0)
        self.budget = s.budget or P.default_budget(status_quo, self.prices)
        if self.budget < self.minimum:
            raise P.BudgetError("exercise", "budget", f"{self.budget:,.0f} is below the minimum cost "
                                f"{self.minimum:,.0f} (10k CNY per year)", "budget_low", budget=self.budget,
                                minimum=self.minimum)
        ref = W.scenario(s.reference).levers_at(1)
        target = P.clean_allocation({k: ref[k] for k in P.BUDGET_LEVERS}, status_quo)
        self.reference = P.towards(status_quo, target, self.budget, self.prices)
        if shared is not None and shared.settings != s:
            raise ValueError("shared paths of other settings")
        self.shared = shared or SharedPaths(self.scenario, s, self.reference.allocation)
        self.rounds: list[Round] = []
        self._debrief = None

    @property
    def models(self) -> dict[str, SafetyModel]:
        """The class path's model and the (shared) baseline and reference models."""
        return {"class": self.model, **self.shared.models}

    @classmethod
    def replay(cls, settings: Settings, plans: list[tuple[dict, str]], shared: SharedPaths | None = None) -> Exercise:
        """Rebuild an exercise from its settings and the (allocation, mode) of each committed round."""
        ex = cls(settings, shared)
        for allocation, mode in plans:
            ex.commit(allocation, mode)
        return ex

    # ---------------------------------------------------------------------------- state
    @property
    def reference_allocation(self) -> dict[str, float]:
        return self.reference.allocation

    @property
    def years(self) -> int:
        return self.settings.years

    @property
    def finished(self) -> bool:
        return len(self.rounds) >= self.years

    @property
    def next_year(self) -> int:
        return self.start_year + len(self.rounds)

    def status_quo(self, index: int) -> dict[str, float]:
        """The starting scenario's budget levers in year ``index`` (its schedule included)."""
        lv = self.scenario.levers_at(index * MONTHS_PER_YEAR + 1)
        return {k: float(lv[k]) for k in P.BUDGET_LEVERS}

    def proposal(self) -> dict[str, float]:
        """Default allocation shown for the next round: last year's, or the status quo."""
        return dict(self.rounds[-1].allocation) if self.rounds else self.status_quo(0)

    def cost(self, allocation: dict) -> float:
        return P.annual_cost(P.clean_allocation(allocation, self.proposal()), self.prices)

    def line_costs(self, allocation: dict) -> dict[str, float]:
        return P.line_costs(P.clean_allocation(allocation, self.proposal()), self.prices)

    # ---------------------------------------------------------------------------- rounds
    def commit(self, allocation: dict, mode: str = "reject") -> Round:
        """Apply the budget constraint, then run the year's 12 months on all three paths."""
        if self.finished:
            raise InputError("exercise", "round", f"all {self.years} years are done; see the debrief")
        values = P.clean_allocation(allocation, self.proposal())
        fitted = P.fit_budget(values, self.budget, self.prices, mode)
        index = len(self.rounds)
        self.model.set_levers(fitted, source=f"exercise year {index + 1}")
        for _ in range(MONTHS_PER_YEAR):
            self.model.step()
        results = {"class": year_metrics(self.model, index), **self.shared.year(index)}
        rnd = Round(self.start_year + index, index, fitted, P.annual_cost(fitted, self.prices),
                    fitted != values, results)
        self.rounds.append(rnd)
        self._debrief = None
        return rnd

    def undo(self) -> Round:
        """Take the last round back: the world is rebuilt and the earlier rounds replayed
        (the runs are deterministic, so the replayed years are the years played)."""
        if not self.rounds:
            raise InputError("exercise", "undo", "no year has been played yet")
        plans = [(r.allocation, "reject") for r in self.rounds[:-1]]
        last = self.rounds[-1]
        fresh = Exercise.replay(self.settings, plans, self.shared)
        self.__dict__.update(fresh.__dict__)
        return last

    def series(self, metric: str, rounds: int | None = None) -> dict[str, list[float]]:
        shown = self.rounds if rounds is None else self.rounds[:rounds]
        return {p: [r.results[p][metric] for r in shown] for p in PATHS}

    def debrief(self):
        from .debrief import build_debrief

        if not self.rounds:
            raise InputError("exercise", "debrief", "no year has been played yet")
        if self._debrief is None:
            self._debrief = build_debrief(self)
        return self._debrief


def run_path(ex: Exercise, plans: list[dict[str, float]], replicate: int | None = None) -> dict[str, list[float]]:
    """Per-year metrics of the exercise's world with one lever dict per year ({} = no change)."""
    s = ex.settings
    model = W.build_model(ex.scenario, s.seed, s.replicate if replicate is None else replicate)
    per_year: dict[str, list[float]] = {m: [] for m in METRICS}
    for index, plan in enumerate(plans):
        if plan:
            model.set_levers(plan, source=f"debrief year {index + 1}")
        for _ in range(MONTHS_PER_YEAR):
            model.step()
        for m, v in year_metrics(model, index).items():
            per_year[m].append(v)
    return per_year
