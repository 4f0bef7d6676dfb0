"""The debrief of an exercise: the three paths compared, each lever's own effect, spending, luck.

Every number is a model run on the exercise's own draws (same seed and replicate): the
class's path, the baseline, the reference policy, and for each lever the class moved, the
baseline plus that lever's path alone. ``chance_check`` replays the paths on other replicates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim import params
from sim.errors import InputError

from . import pricing as P
from .rounds import DIRECTION, METRICS, PATHS, Exercise, Settings, run_path, total

THRESHOLD = 0.01   # relative difference below which an effect is called "no clear effect"


@dataclass
class LeverEffect:
    lever: str
    baseline: list[float]         # status-quo value per year
    chosen: list[float]           # class value per year
    extra_cost: float             # class minus baseline spending over the years [10k CNY]
    effects: dict[str, float]     # metric -> (lever alone) minus baseline, over all years played
    paper: list[str]              # MODEL_BRIEF refs ("1.2", "2.5")


@dataclass
class Debrief:
    settings: Settings
    years: list[int]
    budget: float
    paths: dict[str, dict[str, list[float]]]      # path -> metric -> per-year values
    totals: dict[str, dict[str, float]]           # path -> metric -> total (flows) or mean (ratios)
    allocations: list[dict[str, float]]
    reference: P.Reference
    status_quo: list[dict[str, float]]
    spent: list[float]                            # planned spending of the class per year [10k CNY]
    levers: list[LeverEffect] = field(default_factory=list)
    complete: bool = True

    @property
    def reference_allocation(self) -> dict[str, float]:
        return self.reference.allocation

    @property
    def spent_share(self) -> float:
        """Share of the budget the class spent over the years played."""
        return float(np.sum(self.spent) / (self.budget * len(self.spent))) if self.spent else 0.0

    @property
    def underspent(self) -> bool:
        """The class left a noticeable part of its budget unspent (``pricing.UNSPENT_FLAG``)."""
        return self.spent_share < P.UNSPENT_FLAG

    def verdict(self, metric: str, value: float, other: float) -> str:
        """'helped', 'hurt' or 'neutral' for value against other (direction of the metric)."""
        sign = DIRECTION.get(metric, 0)
        if sign == 0:
            return "neutral"
        diff = (value - other) * sign
        scale = max(abs(other), 1e-9)
        if abs(value - other) / scale < THRESHOLD:
            return "neutral"
        return "helped" if diff > 0 else "hurt"

    def lessons(self, lang: str = "en") -> list[dict]:
        from .lessons import lessons

        return lessons(self, lang)


def paper_refs(paper: str) -> list[str]:
    """'1.1, 2.6' -> ['1.1', '2.6']."""
    return [s.strip() for s in paper.split(",") if s.strip()]


def _lever_alone(ex: Exercise, lever: str) -> dict[str, list[float]]:
    """Baseline plus the class's path of one lever, same seed and replicate."""
    return run_path(ex, [{lever: r.allocation[lever]} for r in ex.rounds])


def build_debrief(ex: Exercise) -> Debrief:
    paths = {p: {m: [r.results[p][m] for r in ex.rounds] for m in METRICS} for p in PATHS}
    totals = {p: {m: total(m, v) for m, v in paths[p].items()} for p in PATHS}
    sq = [ex.status_quo(r.index) for r in ex.rounds]
    effects = []
    for lever in P.BUDGET_LEVERS:
        chosen = [r.allocation[lever] for r in ex.rounds]
        base = [q[lever] for q in sq]
        if all(abs(a - b) <= 1e-9 * max(1.0, abs(b)) for a, b in zip(chosen, base, strict=True)):
            continue
        alone = _lever_alone(ex, lever)
        eff = {m: total(m, alone[m]) - totals["baseline"][m] for m in METRICS}
        extra = sum(P.line_costs({**q, lever: r.allocation[lever]}, ex.prices)[lever]
                    - P.line_costs(q, ex.prices)[lever] for q, r in zip(sq, ex.rounds, strict=True))
        effects.append(LeverEffect(lever, base, chosen, float(extra), eff,
                                   paper_refs(params.BY_NAME[lever].paper)))
    return Debrief(ex.settings, [r.year for r in ex.rounds], ex.budget, paths, totals,
                   [dict(r.allocation) for r in ex.rounds], ex.reference, sq, [r.cost for r in ex.rounds],
                   effects, complete=ex.finished)


# ------------------------------------------------------------------------------- is it luck?
CHANCE_METRICS = ("deaths", "accidents_larger_or_worse", "compliance_rate")


@dataclass
class ChanceCheck:
    """Class minus baseline / reference over other replicates (same seed, paired): is it luck?"""

    replicates: list[int]
    rows: list[dict]   # against, metric, diff, ci_low, ci_high, n, played


def chance_check(ex: Exercise, replicates: int = 4) -> ChanceCheck:
    """Replay the three paths on ``replicates`` other replicates of the same seed and give paired
    95% intervals of the five-year differences (``experiments.compare.paired_ci``), the played
    replicate included. Costs 3 x replicates model runs."""
    from experiments.compare import paired_ci

    if not ex.rounds:
        raise InputError("exercise", "chance check", "no year has been played yet")
    replicates = int(min(max(replicates, 1), 20))
    played = ex.settings.replicate
    reps = [played, *range(played + 1, played + 1 + replicates)]
    plans = {"class": [r.allocation for r in ex.rounds],
             "baseline": [{} for _ in ex.rounds],
             "reference": [ex.reference_allocation] + [{} for _ in ex.rounds[1:]]}
    totals: dict[str, dict[str, list[float]]] = {p: {m: [] for m in CHANCE_METRICS} for p in PATHS}
    for rep in reps:
        for p in PATHS:
            if rep == played:
                per_year = {m: [r.results[p][m] for r in ex.rounds] for m in CHANCE_METRICS}
            else:
                per_year = run_path(ex, plans[p], rep)
            for m in CHANCE_METRICS:
                totals[p][m].append(total(m, per_year[m]))
    rows = []
    for against in ("baseline", "reference"):
        for m in CHANCE_METRICS:
            d = np.array(totals["class"][m]) - np.array(totals[against][m])
            mean, lo, hi, _, _ = paired_ci(d)
            rows.append({"against": against, "metric": m, "diff": mean, "ci_low": lo, "ci_high": hi,
                         "n": len(d), "played": float(d[0])})
    return ChanceCheck(reps, rows)
