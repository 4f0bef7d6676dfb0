"""One cost model: the exercise's lever prices are the model's enforcement cost of full delivery."""

from __future__ import annotations

import numpy as np
import pytest

from safegov.dashboard import pricing as P
from safegov.dashboard import rounds as R
from sim import costs, params
from sim.costs import PriceBase

BASE = PriceBase(counties=10, grids=100, enterprises=1000.0, chemical_enterprises=50.0, inspections_per_inspector=6.0,
                 cross_region_capacity=1.5)


def _defaults():
    return {k: params.BY_NAME[k].default for k in costs.PRICED_LEVERS}


def test_enforcement_cost_is_the_sum_of_its_items_for_arrays_and_scalars():
    lv = {**_defaults(), "cross_region_share": 0.2}
    local, cross = np.array([10.0, 0.0, 3.0]), np.array([1.0, 2.0, 0.0])
    grids, chem, trained = np.array([5.0, 5.0, 4.0]), np.array([2.0, 0.0, 7.0]), np.array([0.5, 1.0, 0.0])
    items = costs.cost_items(lv, local, cross, grids, chem, trained)
    assert np.allclose(costs.enforcement_cost(lv, local, cross, grids, chem, trained), sum(items.values()))
    assert items["cross_region_inspections"][1] == pytest.approx(2.0 * costs.CROSS_REGION_INSPECTION)
    assert costs.enforcement_cost(lv, 0, 0, 0, 0, 0) == pytest.approx(
        lv["inspectors_per_county"] * costs.INSPECTOR_MONTH + lv["informatisation"] * costs.INFORMATISATION_COUNTY_MONTH
        + lv["data_sharing"] * costs.DATA_SHARING_COUNTY_MONTH + lv["rescue_capacity"] * costs.RESCUE_COUNTY_MONTH)


def test_prices_are_enforcement_cost_on_the_planned_counts():
    lv = {**_defaults(), "cross_region_share": 0.3, "training_rate": 0.4}
    counts = costs.planned_counts(lv, BASE)
    per_county_month = costs.enforcement_cost(lv, **counts)
    assert costs.annual_price(lv, BASE) == pytest.approx(per_county_month * 10 * 12)
    lines = costs.lever_prices(lv, BASE)
    assert set(lines) == set(costs.PRICED_LEVERS) == set(P.BUDGET_LEVERS)
    assert sum(lines.values()) == pytest.approx(costs.annual_price(lv, BASE))  # the lines add up
    # known answers on a small world
    assert lines["grid_workers_per_grid"] == pytest.approx(1.0 * 100 * 12 * costs.GRID_WORKER_MONTH)
    assert lines["training_rate"] == pytest.approx(0.4 * 1000 * costs.TRAINING)
    n = lv["inspectors_per_county"]
    assert lines["inspectors_per_county"] == pytest.approx(n * 10 * 12 * (costs.INSPECTOR_MONTH + 6 * costs.INSPECTION))
    k = n * 6 * 10 * 12  # inspections a year at full capacity
    assert lines["cross_region_share"] == pytest.approx(
        0.3 * k * (costs.CROSS_REGION_INSPECTION / 1.5 - costs.INSPECTION))
    assert lines["chem_platform"] == pytest.approx(lv["chem_platform"] * 50 * 12 * costs.CHEM_PLATFORM_FIRM_MONTH)


def test_cross_region_enforcement_costs_more_and_prices_grow_with_every_lever():
    lv = _defaults()
    base_cost = costs.annual_price(lv, BASE)
    assert costs.annual_price({**lv, "cross_region_share": 0.3}, BASE) > base_cost
    for k in costs.PRICED_LEVERS:
        p = params.BY_NAME[k]
        assert costs.annual_price({**lv, k: p.high}, BASE) >= costs.annual_price({**lv, k: p.low}, BASE)


def test_the_exercise_prices_its_world_with_the_one_cost_model():
    ex = R.Exercise(R.Settings(scenario="tiny", seed=3))
    base = ex.prices
    model = ex.models["class"]
    assert base.counties == model.jurisdiction.n_counties and base.grids == model.jurisdiction.n_grids
    assert base.enterprises == pytest.approx(model.firms.n * model.firms_per_agent)
    alloc = ex.proposal()
    assert ex.cost(alloc) == pytest.approx(costs.annual_price(alloc, base))
    assert ex.line_costs(alloc) == pytest.approx(costs.lever_prices(alloc, base))
    assert ex.budget >= P.annual_cost(ex.status_quo(0), base)  # default: status quo plus a margin


def test_scaling_and_the_reference_stay_within_the_budget():
    lv = _defaults()
    budget = costs.annual_price(lv, BASE) * 1.05
    greedy = {k: params.BY_NAME[k].high for k in costs.PRICED_LEVERS}
    scaled = P.scale_to_budget(greedy, budget, BASE)
    assert P.annual_cost(scaled, BASE) <= budget * (1 + 1e-9)
    ref = P.towards(lv, greedy, budget, BASE)
    assert 0 < ref.reached < 1 and P.annual_cost(ref.allocation, BASE) <= budget * (1 + 1e-9)
    assert P.towards(lv, lv, budget, BASE).reached == 1.0
    small = 0.9 * costs.annual_price(lv, BASE)  # neither the start nor the target fits
    tight = P.towards(greedy, lv, small, BASE)
    assert tight.scaled_down and tight.reached == 0.0 and P.annual_cost(tight.allocation, BASE) <= small * (1 + 1e-9)
    with pytest.raises(P.BudgetError):
        P.scale_to_budget(greedy, 1.0, BASE)
