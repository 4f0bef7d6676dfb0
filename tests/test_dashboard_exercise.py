"""Exercise logic of the training dashboard (no browser): budget, rounds, debrief = direct runs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from safegov.dashboard import exercise as X
from safegov.dashboard import report
from safegov.dashboard import world as W
from safegov.dashboard.i18n import SECTIONS
from safegov.dashboard.map import svg_map
from safegov.dashboard.state import ExploreSession
from sim import params
from sim.errors import InputError
from sim.model import SafetyModel
from sim.run import collect, run_scenario

TINY = X.Settings(scenario="tiny", seed=11, replicate=2)


@pytest.fixture(scope="module")
def played():
    """Five rounds on the tiny world with a different allocation each year."""
    ex = X.Exercise(TINY)
    plans = []
    for k in range(X.YEARS):
        alloc = ex.proposal()
        alloc["training_rate"] = 0.15 + 0.1 * k
        alloc["informatisation"] = min(1.0, 0.3 + 0.15 * k)
        alloc["grid_workers_per_grid"] = max(0.0, 1.0 - 0.2 * k)
        plans.append(alloc)
        ex.commit(alloc, mode="rescale")
    return ex, plans


def test_price_of_the_status_quo_uses_sim_costs():
    base = X.PriceBase(counties=10, grids=100, enterprises=1000.0, chemical_enterprises=50.0,
                       inspections_per_inspector=6.0)
    lv = {k: params.BY_NAME[k].default for k in X.BUDGET_LEVERS}
    lines = X.line_costs(lv, base)
    from sim import costs
    assert lines["grid_workers_per_grid"] == pytest.approx(1.0 * 100 * 12 * costs.GRID_WORKER_MONTH)
    assert lines["training_rate"] == pytest.approx(0.15 * 1000 * costs.TRAINING)
    assert lines["inspectors_per_county"] == pytest.approx(25 * 10 * 12 * (costs.INSPECTOR_MONTH + 6 * costs.INSPECTION))
    assert X.annual_cost(lv, base) == pytest.approx(sum(lines.values()))
    more = X.annual_cost({**lv, "cross_region_share": 0.3}, base)
    assert more > X.annual_cost(lv, base)  # cross-region inspections cost more


def test_over_budget_is_rejected_and_nothing_runs():
    ex = X.Exercise(TINY)
    greedy = {k: params.BY_NAME[k].high for k in X.BUDGET_LEVERS}
    assert ex.cost(greedy) > ex.budget
    with pytest.raises(X.BudgetError, match="over the budget"):
        ex.commit(greedy, mode="reject")
    assert ex.rounds == []
    assert all(m.month == 0 for m in ex.models.values())


def test_over_budget_is_rescaled_proportionally_within_bounds():
    ex = X.Exercise(TINY)
    greedy = {k: params.BY_NAME[k].high for k in X.BUDGET_LEVERS}
    rnd = ex.commit(greedy, mode="rescale")
    assert rnd.rescaled
    assert rnd.cost <= ex.budget * (1 + 1e-9)
    assert rnd.cost >= ex.budget * 0.999  # scaled down to the budget, not below it
    lo = X.lows()
    factors = {(rnd.allocation[k] - lo[k]) / (greedy[k] - lo[k]) for k in X.BUDGET_LEVERS}
    assert max(factors) - min(factors) < 1e-9  # one factor for every lever
    for k, v in rnd.allocation.items():
        p = params.BY_NAME[k]
        assert p.low <= v <= p.high


def test_budget_below_minimum_and_bad_settings_are_refused():
    with pytest.raises(X.BudgetError, match="minimum"):
        X.Exercise(X.Settings(scenario="tiny", budget=1.0))
    for bad in (dict(scenario="../sim/data/x"), dict(scenario="/etc/passwd"), dict(reference="nope"),
                dict(seed=-1), dict(seed=1.5), dict(budget=float("nan")), dict(budget=-5.0), dict(role="Atlantis")):
        with pytest.raises(InputError):
            X.Settings(**{"scenario": "tiny", **bad}).checked()


def test_inputs_are_clamped_to_the_declaration():
    ex = X.Exercise(TINY)
    wild = {"training_rate": 7.0, "inspectors_per_county": -3.0}
    clean = X.clean_allocation(wild, ex.proposal())
    assert clean["training_rate"] == params.BY_NAME["training_rate"].high
    assert clean["inspectors_per_county"] == params.BY_NAME["inspectors_per_county"].low
    with pytest.raises(InputError):
        X.clean_allocation({"optimism": 0.1}, ex.proposal())  # not a lever the class pays for
    with pytest.raises(InputError):
        X.clean_allocation({"training_rate": float("inf")}, ex.proposal())
    with pytest.raises(InputError):
        W.clamp_lever("no_such_lever", 1.0)
    assert W.clamp_lever("blacklist_months", 12.4) == 12.0  # integer lever


def test_five_rounds_then_no_more(played):
    ex, _ = played
    assert ex.finished and len(ex.rounds) == X.YEARS
    assert [r.year for r in ex.rounds] == [ex.start_year + k for k in range(X.YEARS)]
    assert all(r.cost <= ex.budget * (1 + 1e-9) for r in ex.rounds)
    with pytest.raises(InputError):
        ex.commit(ex.proposal())


def _direct(ex, allocations):
    """SafetyModel run directly (not through the exercise) with one lever dict per year."""
    model = SafetyModel(ex.scenario, seed=ex.settings.seed, replicate=ex.settings.replicate)
    while model.month < 0:
        model.step()
    for alloc in allocations:
        if alloc:
            model.set_levers(alloc)
        for _ in range(12):
            model.step()
    return collect(model, ex.settings.seed, ex.settings.replicate)


def test_debrief_numbers_equal_direct_runs_on_the_same_draws(played):
    ex, _ = played
    d = ex.debrief()
    years = d.years
    # the class's path
    direct = _direct(ex, [r.allocation for r in ex.rounds]).summary
    assert d.paths["class"]["deaths"] == [direct["deaths_by_year"][y] for y in years]
    assert d.paths["class"]["accidents"] == [direct["accidents_by_year"][y] for y in years]
    assert d.totals["class"]["deaths"] == direct["deaths_total"]
    # the baseline is the scenario as it is
    base = run_scenario(ex.scenario, seed=ex.settings.seed, replicate=ex.settings.replicate).summary
    assert d.paths["baseline"]["deaths"] == [base["deaths_by_year"][y] for y in years]
    assert d.paths["baseline"]["accidents"] == [base["accidents_by_year"][y] for y in years]
    # the reference policy, from year 1
    ref = _direct(ex, [ex.reference_allocation] + [{}] * (X.YEARS - 1)).summary
    assert d.paths["reference"]["deaths"] == [ref["deaths_by_year"][y] for y in years]
    # each lever alone: baseline plus that lever's path
    eff = next(e for e in d.levers if e.lever == "training_rate")
    alone = _direct(ex, [{"training_rate": r.allocation["training_rate"]} for r in ex.rounds]).summary
    assert eff.effects["deaths"] == alone["deaths_total"] - base["deaths_total"]


def test_debrief_verdicts_lessons_and_paper_sections(played):
    ex, _ = played
    d = ex.debrief()
    changed = {e.lever for e in d.levers}
    assert {"training_rate", "informatisation", "grid_workers_per_grid"} <= changed
    for lang in ("en", "zh"):
        lessons = d.lessons(lang)
        assert any(x["kind"] == "outcome" and x["metric"] == "deaths" for x in lessons)
        lever_lessons = [x for x in lessons if x["kind"] == "lever"]
        assert {x["lever"] for x in lever_lessons} == changed
        for x in lever_lessons:
            assert x["refs"] and all(r in SECTIONS for r in x["refs"])
            assert x["verdict"] in ("helped", "hurt", "neutral")
    assert d.verdict("deaths", 90, 100) == "helped"
    assert d.verdict("deaths", 110, 100) == "hurt"
    assert d.verdict("compliance_rate", 0.5, 0.4) == "helped"
    assert d.verdict("deaths", 100.2, 100) == "neutral"


def test_debrief_exports_self_contained_html(played, tmp_path):
    ex, _ = played
    d = ex.debrief()
    for lang, word in (("zh", "复盘"), ("en", "Debrief")):
        page = report.debrief_html(d, ex.prices, lang)
        assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
        assert word in page
        assert page.count('src="data:image/png;base64,') == 3
        assert "http://" not in page and "https://" not in page  # nothing to fetch
        assert "§2.5" in page  # training's paper section
        out = tmp_path / f"debrief_{lang}.html"
        out.write_text(page, encoding="utf-8")
        assert out.read_text(encoding="utf-8") == page


def test_city_committee_plays_a_smaller_world():
    ex = X.Exercise(X.Settings(scenario="tiny", role="Nanjing", seed=1))
    assert ex.models["class"].jurisdiction.cities == ["Nanjing"]
    province = X.Exercise(X.Settings(scenario="tiny", seed=1))
    assert ex.budget < province.budget


def test_explore_session_levers_steps_and_map():
    s = ExploreSession("tiny", seed=3)
    assert s.months == 24 and s.month == 0
    assert s.set_lever("training_rate", 5.0) == params.BY_NAME["training_rate"].high
    assert s.model.config.levers_at(1)["training_rate"] == params.BY_NAME["training_rate"].high
    assert s.step(12) == 12 and s.month == 12
    s.set_lever("rescue_capacity", 0.9)
    assert s.changes == [13]
    assert s.step(100) == 12 and s.done
    series = s.series()
    assert len(series["deaths"]) == 24 and np.all(series["compliance_rate"] <= 1)
    values = W.county_metric(s.model, "deaths_per_100k")
    assert values.shape == (s.model.jurisdiction.n_counties,)
    svg = svg_map(W.MapLayout.of(s.model), values, "deaths_per_100k", "zh")
    assert svg.count('class="sg-county"') == s.model.jurisdiction.n_counties
    assert "苏南" in svg and "南京" in svg
    with pytest.raises(InputError):
        s.set_scenario("../../etc/passwd")
    with pytest.raises(InputError):
        W.county_metric(s.model, "__class__")


def test_dashboard_world_keeps_the_number_of_enterprises():
    sc = W.scenario("baseline")
    small = W.dashboard_scenario(sc)
    assert small.setup.agents == W.DASHBOARD_AGENTS
    assert math.isclose(small.setup.agents * small.setup.enterprises_per_agent,
                        sc.setup.agents * sc.setup.enterprises_per_agent)


def test_cli_defaults_to_localhost():
    from safegov.cli import build_parser

    args = build_parser().parse_args(["dashboard"])
    assert (args.host, args.port, args.lang) == ("127.0.0.1", 8765, "zh")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["dashboard", "--port", "70000"])
    with pytest.raises(SystemExit):
        build_parser().parse_args(["dashboard", "--lang", "fr"])
    from safegov.dashboard.server import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0")


def test_chance_check_pairs_replicates_with_experiments_statistics(played):
    ex, _ = played
    d = ex.debrief()
    check = X.chance_check(ex, replicates=2)
    assert check.replicates == [TINY.replicate, TINY.replicate + 1, TINY.replicate + 2]
    assert len(check.rows) == 2 * len(X.CHANCE_METRICS)
    deaths = next(r for r in check.rows if r["against"] == "baseline" and r["metric"] == "deaths")
    assert deaths["n"] == 3
    assert deaths["played"] == d.totals["class"]["deaths"] - d.totals["baseline"]["deaths"]
    assert deaths["ci_low"] <= deaths["diff"] <= deaths["ci_high"]
    page = report.debrief_html(d, ex.prices, "en", chance=check)
    assert "sg-chance" in page and "95%" in page


def test_busy_port_is_one_line_error():
    import socket

    from safegov.dashboard.server import check_port

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        with pytest.raises(InputError, match="--port"):
            check_port("127.0.0.1", s.getsockname()[1])


def test_explore_sliders_follow_a_lever_schedule_until_the_user_sets_them():
    sc = W.scenario("historical")
    first = next(e for e in sc.schedule if "party_building" in e.levers)
    s = ExploreSession("historical", seed=1, agents=300)
    assert s.levers["party_building"] == sc.levers["party_building"]
    s.step(first.month - 1)
    assert s.levers["party_building"] == first.levers["party_building"]  # the schedule moves the slider
    s.set_lever("party_building", 0.9)
    s.step(24)
    assert s.levers["party_building"] == 0.9  # the user's value replaces the schedule
    s.restore()
    assert s.levers["party_building"] == sc.levers_at(s.month + 1)["party_building"]
    assert s.user == {}
