"""Training exercise: a class plays a safety committee (安全生产委员会) for five simulated years.

Pure Python (no Solara): the dashboard and the tests drive the same objects.

Each year the class splits a fixed annual budget [10k CNY] across the levers that cost money,
priced with the unit costs of ``sim.costs`` (the same units the model uses for its
enforcement-cost tally), commits, and the model runs the year's 12 months with those levers
(``SafetyModel.set_levers``). Two more models run alongside on the same (seed, replicate), i.e.
on common random numbers: the *baseline* (the starting scenario as it is) and a *reference
policy* (a reference scenario's allocation, scaled to the same budget). The debrief compares the
three paths year by year and metric by metric, isolates the effect of each lever the class moved
(that lever's path alone on top of the baseline, same draws), and ties each lesson to the
paper's sections (``sim.params`` ``paper`` refs).

Prices (per year; full delivery assumed, so the budget is an upper bound of what is spent):
    inspectors      n x counties x 12 x (INSPECTOR_MONTH + k x INSPECTION)      k = inspections per inspector-month
    cross-region    share x n x counties x 12 x k x (CROSS_REGION_INSPECTION / 1.5 - INSPECTION)
    grid workers    g x grids x 12 x GRID_WORKER_MONTH
    informatisation x x counties x 12 x INFORMATISATION_COUNTY_MONTH   (data sharing, rescue alike)
    chem platform   x x chemical enterprises x 12 x CHEM_PLATFORM_FIRM_MONTH
    training        rate x enterprises x TRAINING
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sim import costs, params
from sim import sectors as S
from sim.errors import InputError
from sim.jurisdiction import city_names
from sim.metrics import INDEX
from sim.model import SafetyModel
from sim.params import get as get_param

from . import world as W
from .i18n import lever_label, metric_label, section_title, sections_of, unit_label

#: Levers the class pays for, in display order.
BUDGET_LEVERS = ("inspectors_per_county", "cross_region_share", "grid_workers_per_grid", "informatisation",
                 "data_sharing", "chem_platform", "training_rate", "rescue_capacity")
YEARS = 5
MONTHS_PER_YEAR = 12
#: Year metrics of the debrief; direction -1: lower is better, +1: higher is better, 0: not judged.
METRICS = {"deaths": -1, "accidents": -1, "accidents_larger_or_worse": -1, "compliance_rate": 1,
           "hazards_per_enterprise": -1, "zero_penalty_counties": -1, "inspections": 0,
           "penalty_cases": 0, "enforcement_cost_10k_cny": 0}
RATIOS = ("compliance_rate", "hazards_per_enterprise", "zero_penalty_counties")
THRESHOLD = 0.01   # relative difference below which an effect is called "no clear effect"
MAX_BUDGET = 1e8   # 10k CNY (1e12 CNY): any larger input is a typo
DEFAULT_RAISE = 0.10  # default budget: status-quo spending of the scenario plus 10%


class BudgetError(InputError):
    """An allocation over the budget (when rejecting), or a budget below the minimum cost."""


@dataclass(frozen=True)
class PriceBase:
    """Quantities of the world that prices depend on."""

    counties: int
    grids: int
    enterprises: float            # real enterprises
    chemical_enterprises: float   # real hazardous-chemicals enterprises
    inspections_per_inspector: float

    @classmethod
    def of(cls, model: SafetyModel) -> PriceBase:
        f, m = model.firms, model.firms_per_agent
        return cls(model.jurisdiction.n_counties, model.jurisdiction.n_grids, float(f.n * m),
                   float((f.sector == S.CHEMICALS).sum() * m), float(model.bh["inspections_per_inspector"]))


def line_costs(levers: dict[str, float], base: PriceBase) -> dict[str, float]:
    """Annual cost [10k CNY] of each budget lever at these values."""
    c, y, k = base.counties, MONTHS_PER_YEAR, base.inspections_per_inspector
    n = levers["inspectors_per_county"]
    cross_extra = costs.CROSS_REGION_INSPECTION / get_param("cross_region_cost").default - costs.INSPECTION
    return {
        "inspectors_per_county": n * c * y * (costs.INSPECTOR_MONTH + k * costs.INSPECTION),
        "cross_region_share": levers["cross_region_share"] * n * c * y * k * cross_extra,
        "grid_workers_per_grid": levers["grid_workers_per_grid"] * base.grids * y * costs.GRID_WORKER_MONTH,
        "informatisation": levers["informatisation"] * c * y * costs.INFORMATISATION_COUNTY_MONTH,
        "data_sharing": levers["data_sharing"] * c * y * costs.DATA_SHARING_COUNTY_MONTH,
        "chem_platform": levers["chem_platform"] * base.chemical_enterprises * y * costs.CHEM_PLATFORM_FIRM_MONTH,
        "training_rate": levers["training_rate"] * base.enterprises * costs.TRAINING,
        "rescue_capacity": levers["rescue_capacity"] * c * y * costs.RESCUE_COUNTY_MONTH,
    }


def annual_cost(levers: dict[str, float], base: PriceBase) -> float:
    return float(sum(line_costs(levers, base).values()))


def lows() -> dict[str, float]:
    return {k: params.BY_NAME[k].low for k in BUDGET_LEVERS}


def minimum_cost(base: PriceBase) -> float:
    """The cheapest allocation the declaration allows (every lever at its lower bound)."""
    return annual_cost(lows(), base)


def clean_allocation(values: dict, fallback: dict[str, float]) -> dict[str, float]:
    """Budget levers only, clamped to the declaration; missing ones taken from ``fallback``."""
    unknown = [k for k in values if k not in BUDGET_LEVERS]
    if unknown:
        raise InputError("exercise", unknown[0], f"not a budget lever; expected one of {', '.join(BUDGET_LEVERS)}")
    out = {k: W.clamp_lever(k, values.get(k, fallback[k])) for k in BUDGET_LEVERS}
    return out


def scale_to_budget(levers: dict[str, float], budget: float, base: PriceBase) -> dict[str, float]:
    """Scale every lever's spending above its lower bound by one factor so the total fits the budget.

    Costs are monotone in the factor (cross-region cost is a product of two levers), so the
    factor is found by bisection; the result never exceeds the budget.
    """
    lo = lows()
    if annual_cost(levers, base) <= budget:
        return dict(levers)
    if minimum_cost(base) > budget:
        raise BudgetError("exercise", "budget", f"{budget:,.0f} is below the minimum cost "
                          f"{minimum_cost(base):,.0f} (10k CNY per year)")

    return _furthest_within_budget(lo, levers, budget, base)


def fit_budget(levers: dict[str, float], budget: float, base: PriceBase, mode: str = "reject") -> dict[str, float]:
    """Apply the budget constraint: ``reject`` raises BudgetError, ``rescale`` scales down."""
    cost = annual_cost(levers, base)
    if cost <= budget * (1 + 1e-9):
        return dict(levers)
    if mode == "rescale":
        return scale_to_budget(levers, budget, base)
    if mode != "reject":
        raise InputError("exercise", "mode", f"expected 'reject' or 'rescale', got {mode!r}")
    raise BudgetError("exercise", "allocation", f"costs {cost:,.0f}, over the budget of {budget:,.0f} "
                      f"(10k CNY per year) by {cost - budget:,.0f}")


def default_budget(status_quo: dict[str, float], base: PriceBase) -> float:
    """Status-quo spending plus DEFAULT_RAISE, rounded up to 1,000 (10k CNY)."""
    return float(math.ceil(annual_cost(status_quo, base) * (1 + DEFAULT_RAISE) / 1000.0) * 1000.0)


def towards(start: dict[str, float], target: dict[str, float], budget: float, base: PriceBase) -> dict[str, float]:
    """As far from ``start`` toward ``target`` as the budget allows (the reference policy).

    ``start + f (target - start)`` with the largest f in [0, 1] that fits; if even ``start`` is over
    the budget, ``start`` scaled down to it.
    """
    if annual_cost(target, base) <= budget:
        return dict(target)
    if annual_cost(start, base) > budget:
        return scale_to_budget(start, budget, base)

    return _furthest_within_budget(start, target, budget, base)


def _furthest_within_budget(start: dict[str, float], end: dict[str, float], budget: float,
                            base: PriceBase) -> dict[str, float]:
    """``start + f (end - start)`` with the largest f in [0, 1] whose cost fits (bisection)."""

    def at(f: float) -> dict[str, float]:
        return {k: start[k] + f * (end[k] - start[k]) for k in BUDGET_LEVERS}

    a, b = 0.0, 1.0
    for _ in range(60):
        mid = 0.5 * (a + b)
        if annual_cost(at(mid), base) <= budget:
            a = mid
        else:
            b = mid
    return at(a)


# ------------------------------------------------------------------------------------- set-up
@dataclass(frozen=True)
class Settings:
    """What a trainer sets. Validated by ``checked()``."""

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
        if not math.isfinite(budget) or not 0 <= budget <= MAX_BUDGET:
            raise InputError("exercise", "budget", f"expected a number between 0 and {MAX_BUDGET:g}, got {self.budget!r}")
        if self.role != "province" and self.role not in city_names():
            raise InputError("exercise", "role", f"expected 'province' or a city ({', '.join(city_names())}), "
                             f"got {self.role!r}")
        agents = int(self.agents)
        if not 100 <= agents <= 200_000:
            raise InputError("exercise", "agents", f"expected 100 to 200000, got {self.agents!r}")
        years = int(self.years)
        if not 1 <= years <= 10:
            raise InputError("exercise", "years", f"expected 1 to 10, got {self.years!r}")
        return Settings(self.scenario, seed, rep, budget, self.role, self.reference, agents, years)


@dataclass
class Round:
    year: int                        # calendar year
    index: int                       # 0-based
    allocation: dict[str, float]
    cost: float
    rescaled: bool
    results: dict[str, dict[str, float]]   # path -> metric -> value for the year


PATHS = ("class", "baseline", "reference")


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


class Exercise:
    """Five rounds of budget decisions on one world, with baseline and reference alongside."""

    def __init__(self, settings: Settings | None = None):
        self.settings = s = (settings or Settings()).checked()
        start = W.scenario(s.scenario)
        cities = None if s.role == "province" else [s.role]
        self.scenario = W.dashboard_scenario(start, s.agents, months=s.years * MONTHS_PER_YEAR, cities=cities)
        self.start_year = self.scenario.setup.start_year
        self.models = {p: W.build_model(self.scenario, s.seed, s.replicate) for p in PATHS}
        self.prices = PriceBase.of(self.models["class"])
        self.minimum = minimum_cost(self.prices)
        status_quo = self.status_quo(0)
        self.budget = s.budget or default_budget(status_quo, self.prices)
        if self.budget < self.minimum:
            raise BudgetError("exercise", "budget", f"{self.budget:,.0f} is below the minimum cost "
                              f"{self.minimum:,.0f} (10k CNY per year)")
        ref = W.scenario(s.reference).levers_at(1)
        target = clean_allocation({k: ref[k] for k in BUDGET_LEVERS}, status_quo)
        self.reference_allocation = towards(status_quo, target, self.budget, self.prices)
        self.rounds: list[Round] = []
        self._debrief: Debrief | None = None

    # ---------------------------------------------------------------------------- state
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
        return {k: float(lv[k]) for k in BUDGET_LEVERS}

    def proposal(self) -> dict[str, float]:
        """Default allocation shown for the next round: last year's, or the status quo."""
        return dict(self.rounds[-1].allocation) if self.rounds else self.status_quo(0)

    def cost(self, allocation: dict) -> float:
        return annual_cost(clean_allocation(allocation, self.proposal()), self.prices)

    def line_costs(self, allocation: dict) -> dict[str, float]:
        return line_costs(clean_allocation(allocation, self.proposal()), self.prices)

    # ---------------------------------------------------------------------------- rounds
    def commit(self, allocation: dict, mode: str = "reject") -> Round:
        """Apply the budget constraint, then run the year's 12 months on all three paths."""
        if self.finished:
            raise InputError("exercise", "round", f"all {self.years} years are done; see the debrief")
        values = clean_allocation(allocation, self.proposal())
        fitted = fit_budget(values, self.budget, self.prices, mode)
        index = len(self.rounds)
        self.models["class"].set_levers(fitted, source=f"exercise year {index + 1}")
        self.models["reference"].set_levers(self.reference_allocation, source="reference policy")
        for model in self.models.values():
            for _ in range(MONTHS_PER_YEAR):
                model.step()
        results = {p: year_metrics(m, index) for p, m in self.models.items()}
        rnd = Round(self.start_year + index, index, fitted, annual_cost(fitted, self.prices),
                    fitted != values, results)
        self.rounds.append(rnd)
        self._debrief = None
        return rnd

    def series(self, metric: str) -> dict[str, list[float]]:
        return {p: [r.results[p][metric] for r in self.rounds] for p in PATHS}

    def debrief(self) -> Debrief:
        if not self.rounds:
            raise InputError("exercise", "debrief", "no year has been played yet")
        if self._debrief is None:
            self._debrief = build_debrief(self)
        return self._debrief


# ------------------------------------------------------------------------------------ debrief
@dataclass
class LeverEffect:
    lever: str
    baseline: list[float]         # status-quo value per year
    chosen: list[float]           # class value per year
    extra_cost: float             # class minus baseline spending over the years [10k CNY]
    effects: dict[str, float]     # metric -> (lever alone) minus baseline, over all years played
    paper: list[str]


@dataclass
class Debrief:
    settings: Settings
    years: list[int]
    budget: float
    paths: dict[str, dict[str, list[float]]]      # path -> metric -> per-year values
    totals: dict[str, dict[str, float]]           # path -> metric -> total (flows) or mean (ratios)
    allocations: list[dict[str, float]]
    reference_allocation: dict[str, float]
    status_quo: list[dict[str, float]]
    levers: list[LeverEffect] = field(default_factory=list)
    complete: bool = True

    def verdict(self, metric: str, value: float, other: float) -> str:
        """'helped', 'hurt' or 'neutral' for value against other (direction of the metric)."""
        sign = METRICS.get(metric, 0)
        if sign == 0:
            return "neutral"
        diff = (value - other) * sign
        scale = max(abs(other), 1e-9)
        if abs(value - other) / scale < THRESHOLD:
            return "neutral"
        return "helped" if diff > 0 else "hurt"

    def lessons(self, lang: str = "en") -> list[dict]:
        return lessons(self, lang)


def _total(metric: str, values: list[float]) -> float:
    return float(np.mean(values)) if metric in RATIOS else float(np.sum(values))


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


def _lever_alone(ex: Exercise, lever: str) -> dict[str, list[float]]:
    """Baseline plus the class's path of one lever, same seed and replicate."""
    return run_path(ex, [{lever: r.allocation[lever]} for r in ex.rounds])


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
    reps = [played] + [r for r in range(played + 1, played + 1 + replicates)]
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
                totals[p][m].append(_total(m, per_year[m]))
    rows = []
    for against in ("baseline", "reference"):
        for m in CHANCE_METRICS:
            d = np.array(totals["class"][m]) - np.array(totals[against][m])
            mean, lo, hi, _, _ = paired_ci(d)
            rows.append({"against": against, "metric": m, "diff": mean, "ci_low": lo, "ci_high": hi,
                         "n": len(d), "played": float(d[0])})
    return ChanceCheck(reps, rows)


def build_debrief(ex: Exercise) -> Debrief:
    paths = {p: {m: [r.results[p][m] for r in ex.rounds] for m in METRICS} for p in PATHS}
    totals = {p: {m: _total(m, v) for m, v in paths[p].items()} for p in PATHS}
    sq = [ex.status_quo(r.index) for r in ex.rounds]
    effects = []
    for lever in BUDGET_LEVERS:
        chosen = [r.allocation[lever] for r in ex.rounds]
        base = [q[lever] for q in sq]
        if all(abs(a - b) <= 1e-9 * max(1.0, abs(b)) for a, b in zip(chosen, base, strict=True)):
            continue
        alone = _lever_alone(ex, lever)
        eff = {m: _total(m, alone[m]) - totals["baseline"][m] for m in METRICS}
        extra = sum(line_costs({**q, lever: r.allocation[lever]}, ex.prices)[lever]
                    - line_costs(q, ex.prices)[lever] for q, r in zip(sq, ex.rounds, strict=True))
        effects.append(LeverEffect(lever, base, chosen, float(extra), eff,
                                   sections_of(params.BY_NAME[lever].paper)))
    return Debrief(ex.settings, [r.year for r in ex.rounds], ex.budget, paths, totals,
                   [dict(r.allocation) for r in ex.rounds], dict(ex.reference_allocation), sq, effects,
                   complete=ex.finished)


def _fmt(x: float, metric: str) -> str:
    if round(x, {"compliance_rate": 3, "hazards_per_enterprise": 2}.get(metric, 0)) == 0:
        x = 0.0  # no "-0"
    if metric == "compliance_rate":
        return f"{100 * x:+.1f} pp" if x != 0 else "0"
    if metric == "hazards_per_enterprise":
        return f"{x:+.2f}"
    return f"{x:+,.0f}"


def lessons(d: Debrief, lang: str = "en") -> list[dict]:
    """Plain-language lessons, each tied to sections of the paper."""
    zh = lang == "zh"
    out = []
    tb, tc, tr = d.totals["baseline"], d.totals["class"], d.totals["reference"]
    for metric in ("deaths", "accidents_larger_or_worse", "compliance_rate"):
        v_b, v_r = d.verdict(metric, tc[metric], tb[metric]), d.verdict(metric, tc[metric], tr[metric])
        name = metric_label(metric, lang)
        diff_b, diff_r = _fmt(tc[metric] - tb[metric], metric), _fmt(tc[metric] - tr[metric], metric)
        word = {"helped": ("better", "更好"), "hurt": ("worse", "更差"), "neutral": ("about the same", "相当")}
        if zh:
            text = f"{name}：与基准相比{word[v_b][1]}（{diff_b}）；与参照政策相比{word[v_r][1]}（{diff_r}）。"
        else:
            text = (f"{name}: compared with the baseline, {word[v_b][0]} ({diff_b}); compared with the "
                    f"reference policy, {word[v_r][0]} ({diff_r}).")
        out.append({"kind": "outcome", "metric": metric, "verdict": v_b, "refs": [], "text": text})
    for e in sorted(d.levers, key=lambda e: e.effects["deaths"]):
        p = params.BY_NAME[e.lever]
        v = d.verdict("deaths", tb["deaths"] + e.effects["deaths"], tb["deaths"])
        refs = "; ".join(f"§{r} {section_title(r, lang)}" for r in e.paper)
        mean_b, mean_c = float(np.mean(e.baseline)), float(np.mean(e.chosen))
        d_deaths, d_comp = e.effects["deaths"], e.effects["compliance_rate"]
        per = ""
        if abs(e.extra_cost) > 0 and d_deaths < 0 < e.extra_cost:
            per = (f"；每亿元避免死亡约{-d_deaths / (e.extra_cost / 1e4):.1f}人" if zh else
                   f"; about {-d_deaths / (e.extra_cost / 1e4):.1f} deaths avoided per 100M CNY")
        if zh:
            text = (f"{lever_label(e.lever, lang)}：由{mean_b:.3g}调至平均{mean_c:.3g}（{unit_label(p.unit, lang)}），"
                    f"投入变化{e.extra_cost:+,.0f}万元。仅此一项（其余保持基准，相同随机数）使死亡"
                    f"{_fmt(d_deaths, 'deaths')}人、守法率{_fmt(d_comp, 'compliance_rate')}{per}。对应论文：{refs}。")
        else:
            text = (f"{p.label} ({p.zh}): moved from {mean_b:.3g} to {mean_c:.3g} on average ({p.unit}), "
                    f"{e.extra_cost:+,.0f} (10k CNY) over the years. On its own (everything else at the "
                    f"baseline, same draws) it changed deaths by {_fmt(d_deaths, 'deaths')} and compliance by "
                    f"{_fmt(d_comp, 'compliance_rate')}{per}. Mechanism: {p.doc} Paper: {refs}.")
        out.append({"kind": "lever", "lever": e.lever, "verdict": v, "refs": e.paper, "text": text})
    joint = tc["deaths"] - tb["deaths"]
    singles = sum(e.effects["deaths"] for e in d.levers)
    if d.levers:
        rest = joint - singles
        if zh:
            text = (f"各项单独效果之和为{singles:+,.0f}人，组合效果为{joint:+,.0f}人：差额{rest:+,.0f}人来自杠杆之间的"
                    f"相互作用（如信息化提升了检查的针对性，网格上报提高了风险评分）。对应论文：§2.2 "
                    f"{section_title('2.2', lang)}；§2.3 {section_title('2.3', lang)}。")
        else:
            text = (f"The single effects add up to {singles:+,.0f} deaths, the combination to {joint:+,.0f}: "
                    f"{rest:+,.0f} come from interactions between levers (informatisation makes inspections "
                    f"better targeted, grid reports sharpen risk scores). Paper: §2.2 {section_title('2.2', lang)}; "
                    f"§2.3 {section_title('2.3', lang)}.")
        out.append({"kind": "interaction", "verdict": "neutral", "refs": ["2.2", "2.3"], "text": text})
    return out
