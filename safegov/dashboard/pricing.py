"""The exercise's budget: prices of lever allocations and the budget rules.

Prices come from the one cost model in ``sim.costs`` (``lever_prices``: the model's enforcement
cost on the counts full delivery of the levers gives), so what the class pays for is what the
model's ``enforcement_cost_10k_cny`` counts. Amounts are 10k CNY (万元) per year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim import costs, params
from sim import sectors as S
from sim.costs import PRICED_LEVERS, PriceBase
from sim.errors import InputError
from sim.model import SafetyModel

from . import world as W

#: Levers the class pays for, in display order (the priced levers of ``sim.costs``).
BUDGET_LEVERS = PRICED_LEVERS
MAX_BUDGET = 1e8      # 10k CNY (1e12 CNY): any larger input is a typo
DEFAULT_RAISE = 0.10  # default budget: status-quo spending of the scenario plus 10%
UNSPENT_FLAG = 0.95   # a class that spent less than this share of its budget is told so


class BudgetError(InputError):
    """An allocation over the budget (when rejecting), or a budget below the minimum cost.

    ``ui`` and ``ui_args`` name the page's own wording of it (``i18n.UI``)."""

    def __init__(self, source: str, key: str, problem: str, ui: str = "", **ui_args):
        super().__init__(source, key, problem)
        self.ui, self.ui_args = ui, ui_args


def price_base(model: SafetyModel) -> PriceBase:
    """The quantities of a model's world that prices depend on (real enterprises, not agents)."""
    f, m = model.firms, model.firms_per_agent
    return PriceBase(model.jurisdiction.n_counties, model.jurisdiction.n_grids, float(f.n * m),
                     float((f.sector == S.CHEMICALS).sum() * m), float(model.bh["inspections_per_inspector"]),
                     float(model.bh["cross_region_cost"]))


def line_costs(levers: dict[str, float], base: PriceBase) -> dict[str, float]:
    """Annual cost [10k CNY] of each budget lever at these values (``sim.costs.lever_prices``)."""
    return costs.lever_prices(levers, base)


def annual_cost(levers: dict[str, float], base: PriceBase) -> float:
    """Annual cost [10k CNY] of an allocation (``sim.costs.annual_price``)."""
    return costs.annual_price(levers, base)


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
    return {k: W.clamp_lever(k, values.get(k, fallback[k])) for k in BUDGET_LEVERS}


def scale_to_budget(levers: dict[str, float], budget: float, base: PriceBase) -> dict[str, float]:
    """Scale every lever's spending above its lower bound by one factor so the total fits the budget.

    Costs are monotone in the factor (cross-region cost is a product of two levers), so the
    factor is found by bisection; the result never exceeds the budget.
    """
    if annual_cost(levers, base) <= budget:
        return dict(levers)
    if minimum_cost(base) > budget:
        raise BudgetError("exercise", "budget", f"{budget:,.0f} is below the minimum cost "
                          f"{minimum_cost(base):,.0f} (10k CNY per year)", "budget_low", budget=budget,
                          minimum=minimum_cost(base))
    return furthest_within_budget(lows(), levers, budget, base)[0]


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
                      f"(10k CNY per year) by {cost - budget:,.0f}", "over", over=cost - budget)


def default_budget(status_quo: dict[str, float], base: PriceBase) -> float:
    """Status-quo spending plus DEFAULT_RAISE, rounded up to 1,000 (10k CNY)."""
    return float(math.ceil(annual_cost(status_quo, base) * (1 + DEFAULT_RAISE) / 1000.0) * 1000.0)


@dataclass(frozen=True)
class Reference:
    """The reference policy: the status quo moved toward a reference scenario's allocation.

    Attributes:
        allocation: the levers played on the reference path from year 1.
        target: the reference scenario's own allocation.
        reached: the share of the way from the status quo to the target that the budget
            allows (1 = the target itself; 0 = the status quo; below 0 never happens).
        target_cost: what the target would cost per year [10k CNY].
        start: the status quo it starts from.
        scaled_down: the status quo itself was over the budget and was scaled down to it.
    """

    allocation: dict[str, float]
    target: dict[str, float]
    reached: float
    target_cost: float
    start: dict[str, float]
    scaled_down: bool = False


def towards(start: dict[str, float], target: dict[str, float], budget: float, base: PriceBase) -> Reference:
    """As far from ``start`` toward ``target`` as the budget allows (the reference policy).

    ``start + f (target - start)`` with the largest f in [0, 1] that fits; if even ``start`` is over
    the budget, ``start`` scaled down to it (f = 0).
    """
    target_cost = annual_cost(target, base)
    if target_cost <= budget:
        return Reference(dict(target), dict(target), 1.0, target_cost, dict(start))
    if annual_cost(start, base) > budget:
        return Reference(scale_to_budget(start, budget, base), dict(target), 0.0, target_cost, dict(start),
                         scaled_down=True)
    alloc, f = furthest_within_budget(start, target, budget, base)
    return Reference(alloc, dict(target), f, target_cost, dict(start))


def furthest_within_budget(start: dict[str, float], end: dict[str, float], budget: float,
                           base: PriceBase) -> tuple[dict[str, float], float]:
    """``start + f (end - start)`` with the largest f in [0, 1] whose cost fits (bisection); and f."""

    def at(f: float) -> dict[str, float]:
        return {k: start[k] + f * (end[k] - start[k]) for k in BUDGET_LEVERS}

    a, b = 0.0, 1.0
    for _ in range(60):
        mid = 0.5 * (a + b)
        if annual_cost(at(mid), base) <= budget:
            a = mid
        else:
            b = mid
    return at(a), a
