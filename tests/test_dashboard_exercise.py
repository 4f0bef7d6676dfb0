"""Exercise logic of the training dashboard (no browser): rounds, undo, debrief = direct runs, explore."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from safegov.dashboard import charts, report
from safegov.dashboard import pricing as P
from safegov.dashboard import rounds as R
from safegov.dashboard import world as W
from safegov.dashboard.debrief import CHANCE_METRICS, chance_check
from safegov.dashboard.i18n import SECTIONS
from safegov.dashboard.map import svg_map
from safegov.dashboard.state import ExploreSession
from sim import params
from sim.errors import InputError
from sim.model import SafetyModel
from sim.run import collect, run_scenario

TINY = R.Settings(scenario="tiny", seed=11, replicate=2)


def _plan(ex, k):
    alloc = ex.proposal()
    alloc["training_rate"] = 0.15 + 0.1 * k
    alloc["informatisation"] = min(1.0, 0.3 + 0.15 * k)
    alloc["grid_workers_per_grid"] = max(0.0, 1.0 - 0.2 * k)
    return alloc


@pytest.fixture(scope="module")
def played():
    """Five rounds on the tiny world with a different allocation each year."""
    ex = R.Exercise(TINY)
    plans = []
    for k in range(R.YEARS):
        alloc = _plan(ex, k)
        plans.append(alloc)
        ex.commit(alloc, mode="rescale")
    return ex, plans


def test_over_budget_is_rejected_and_nothing_runs():
    ex = R.Exercise(TINY)
    greedy = {k: params.BY_NAME[k].high for k in P.BUDGET_LEVERS}
    assert ex.cost(greedy) > ex.budget
    with pytest.raises(P.BudgetError, match="over the budget"):
        ex.commit(greedy, mode="reject")
    assert ex.rounds == []
    assert all(m.month == 0 for m in ex.models.values())


def test_over_budget_is_rescaled_proportionally_within_bounds():
    ex = R.Exercise(TINY)
    greedy = {k: params.BY_NAME[k].high for k in P.BUDGET_LEVERS}
    rnd = ex.commit(greedy, mode="rescale")
    assert rnd.rescaled
    assert rnd.cost <= ex.budget * (1 + 1e-9)
    assert rnd.cost >= ex.budget * 0.999  # scaled down to the budget, not below it
    lo = P.lows()
    factors = {(rnd.allocation[k] - lo[k]) / (greedy[k] - lo[k]) for k in P.BUDGET_LEVERS}
    assert max(factors) - min(factors) < 1e-9  # one factor for every lever
    for k, v in rnd.allocation.items():
        p = params.BY_NAME[k]
        assert p.low <= v <= p.high


def test_budget_below_minimum_and_bad_settings_are_refused():
    with pytest.raises(P.BudgetError, match="minimum"):
        R.Exercise(R.Settings(scenario="tiny", budget=1.0))
    for bad in (dict(scenario="../sim/data/x"), dict(scenario="/etc/passwd"), dict(reference="nope"),
                dict(seed=-1), dict(seed=1.5), dict(budget=float("nan")), dict(budget=-5.0), dict(role="Atlantis"),
                dict(years=0), dict(years=2.5), dict(agents="many")):
        with pytest.raises(InputError):
            R.Settings(**{"scenario": "tiny", **bad}).checked()


def test_inputs_are_clamped_to_the_declaration():
    ex = R.Exercise(TINY)
    wild = {"training_rate": 7.0, "inspectors_per_county": -3.0}
    clean = P.clean_allocation(wild, ex.proposal())
    assert clean["training_rate"] == params.BY_NAME["training_rate"].high
    assert clean["inspectors_per_county"] == params.BY_NAME["inspectors_per_county"].low
    with pytest.raises(InputError):
        P.clean_allocation({"optimism": 0.1}, ex.proposal())  # not a lever the class pays for
    with pytest.raises(InputError):
        P.clean_allocation({"training_rate": float("inf")}, ex.proposal())
    with pytest.raises(InputError):
        W.clamp_lever("no_such_lever", 1.0)
    assert W.clamp_lever("blacklist_months", 12.4) == 12.0  # integer lever


def test_five_rounds_then_no_more(played):
    ex, _ = played
    assert ex.finished and len(ex.rounds) == R.YEARS
    assert [r.year for r in ex.rounds] == [ex.start_year + k for k in range(R.YEARS)]
    assert all(r.cost <= ex.budget * (1 + 1e-9) for r in ex.rounds)
    with pytest.raises(InputError):
        ex.commit(ex.proposal())


def test_undo_takes_the_last_year_back_and_replay_is_exact(played):
    ex, _ = played
    again = R.Exercise.replay(TINY, [(r.allocation, "reject") for r in ex.rounds[:3]])
    assert [r.results for r in again.rounds] == [r.results for r in ex.rounds[:3]]  # deterministic replay
    undone = again.undo()
    assert undone.year == ex.rounds[2].year and len(again.rounds) == 2
    assert again.models["class"].month == 24 and again.proposal() == ex.rounds[1].allocation
    other = {**again.proposal(), "training_rate": 0.0}
    rnd = again.commit(other)
    assert rnd.allocation["training_rate"] == 0.0 and len(again.rounds) == 3
    assert again.rounds[2].results["baseline"] == ex.rounds[2].results["baseline"]  # same draws
    with pytest.raises(InputError):
        R.Exercise(TINY).undo()


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
    direct = _direct(ex, [r.allocation for r in ex.rounds]).summary
    assert d.paths["class"]["deaths"] == [direct["deaths_by_year"][y] for y in years]
    assert d.paths["class"]["accidents"] == [direct["accidents_by_year"][y] for y in years]
    assert d.totals["class"]["deaths"] == direct["deaths_total"]
    base = run_scenario(ex.scenario, seed=ex.settings.seed, replicate=ex.settings.replicate).summary
    assert d.paths["baseline"]["deaths"] == [base["deaths_by_year"][y] for y in years]
    assert d.paths["baseline"]["accidents"] == [base["accidents_by_year"][y] for y in years]
    ref = _direct(ex, [ex.reference_allocation] + [{}] * (R.YEARS - 1)).summary
    assert d.paths["reference"]["deaths"] == [ref["deaths_by_year"][y] for y in years]
    eff = next(e for e in d.levers if e.lever == "training_rate")
    alone = _direct(ex, [{"training_rate": r.allocation["training_rate"]} for r in ex.rounds]).summary
    assert eff.effects["deaths"] == alone["deaths_total"] - base["deaths_total"]


def test_debrief_spending_and_the_reference_policy(played):
    ex, _ = played
    d = ex.debrief()
    assert d.spent == [r.cost for r in ex.rounds]
    assert d.spent_share == pytest.approx(sum(d.spent) / (ex.budget * R.YEARS))
    ref = ex.reference
    assert 0.0 <= ref.reached <= 1.0
    assert P.annual_cost(ref.allocation, ex.prices) <= ex.budget * (1 + 1e-9)
    if ref.reached < 1:  # the budget stopped it: the reference scenario itself costs more
        assert ref.target_cost > ex.budget
    for k in P.BUDGET_LEVERS:
        assert ref.allocation[k] == pytest.approx(ref.start[k] + ref.reached * (ref.target[k] - ref.start[k]))


def test_debrief_verdicts_lessons_and_paper_sections(played):
    ex, _ = played
    d = ex.debrief()
    changed = {e.lever for e in d.levers}
    assert {"training_rate", "informatisation", "grid_workers_per_grid"} <= changed
    for lang in ("en", "zh"):
        lessons = d.lessons(lang)
        assert any(x["kind"] == "outcome" and x["metric"] == "deaths" for x in lessons)
        assert any(x["kind"] == "reference" for x in lessons)
        lever_lessons = [x for x in lessons if x["kind"] == "lever"]
        assert {x["lever"] for x in lever_lessons} == changed
        for x in lever_lessons:
            assert x["refs"] and all(r in SECTIONS for r in x["refs"])
            assert x["verdict"] in ("helped", "hurt", "neutral")
    assert d.verdict("deaths", 90, 100) == "helped"
    assert d.verdict("deaths", 110, 100) == "hurt"
    assert d.verdict("compliance_rate", 0.5, 0.4) == "helped"
    assert d.verdict("deaths", 100.2, 100) == "neutral"
    assert d.verdict("enforcement_cost_10k_cny", 200, 100) == "neutral"  # spending is a choice, not judged


def test_unspent_budget_is_flagged():
    ex = R.Exercise(TINY)
    frugal = {k: params.BY_NAME[k].low for k in P.BUDGET_LEVERS}
    ex.commit(frugal)
    d = ex.debrief()
    assert d.underspent and d.spent_share < P.UNSPENT_FLAG
    assert any(x["kind"] == "budget" for x in d.lessons("zh"))
    page = report.debrief_html(d, ex.prices, "zh")
    assert "sg-unspent-flag" in page and "只使用了预算" in page
    full = R.Exercise(TINY)
    full.commit(P.scale_to_budget({k: params.BY_NAME[k].high for k in P.BUDGET_LEVERS}, full.budget, full.prices))
    assert not full.debrief().underspent
    assert not any(x["kind"] == "budget" for x in full.debrief().lessons("en"))


def test_debrief_exports_self_contained_html_with_a_print_stylesheet(played):
    ex, _ = played
    d = ex.debrief()
    for lang, word in (("zh", "复盘"), ("en", "Debrief")):
        page = report.debrief_html(d, ex.prices, lang, team="第一组", klass="春季班")
        assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
        assert word in page and "第一组" in page and "春季班" in page
        assert page.count("<svg") == 6  # four year charts, the levers and the spending, inline
        assert not re.search(r"""(src|href)=["']https?:|url\((?!#)|@import""", page)  # nothing to fetch
        assert "@media print" in page and "<thead>" in page and "display:table-header-group" in page
        assert ("二（五）" if lang == "zh" else "II(5)") in page  # training's paper section, the paper's numbering
    zh = report.debrief_html(d, ex.prices, "zh")
    for jargon in ("随机种子", "重复编号", "共同随机数", "replicate", " pp"):
        assert jargon not in zh


def test_exercise_bars_start_at_zero(played):
    ex, _ = played
    years = [r.year for r in ex.rounds]
    paths = {p: {m: ex.series(m)[p] for m in ("deaths", "compliance_rate")} for p in R.PATHS}
    for metric in ("deaths", "compliance_rate"):
        ax = charts.exercise_axes(years, paths, "zh", metric)
        assert ax.get_ylim()[0] == 0.0
        assert max(b.get_height() for b in ax.patches) <= ax.get_ylim()[1]


def test_city_committee_plays_a_smaller_world():
    ex = R.Exercise(R.Settings(scenario="tiny", role="Nanjing", seed=1))
    assert ex.models["class"].jurisdiction.cities == ["Nanjing"]
    province = R.Exercise(R.Settings(scenario="tiny", seed=1))
    assert ex.budget < province.budget


def test_chance_check_pairs_replicates_with_experiments_statistics(played):
    ex, _ = played
    d = ex.debrief()
    check = chance_check(ex, replicates=2)
    assert check.replicates == [TINY.replicate, TINY.replicate + 1, TINY.replicate + 2]
    assert len(check.rows) == 2 * len(CHANCE_METRICS)
    deaths = next(r for r in check.rows if r["against"] == "baseline" and r["metric"] == "deaths")
    assert deaths["n"] == 3
    assert deaths["played"] == d.totals["class"]["deaths"] - d.totals["baseline"]["deaths"]
    assert deaths["ci_low"] <= deaths["diff"] <= deaths["ci_high"]
    page = report.debrief_html(d, ex.prices, "en", chance=check)
    assert "sg-chance" in page and "95%" in page


# ------------------------------------------------------------------------------------ explore
def test_explore_session_levers_steps_and_map():
    s = ExploreSession("tiny", seed=3)
    assert s.months == 24 and s.month == 0
    assert s.set_lever("training_rate", 5.0) == params.BY_NAME["training_rate"].high
    assert s.model.config.levers_at(1)["training_rate"] == params.BY_NAME["training_rate"].high
    assert s.step(12) == 12 and s.month == 12
    assert s.changes == []  # a value set before month 1 is the starting value, not a change
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


def test_one_slider_change_is_one_labelled_change_point():
    s = ExploreSession("tiny", seed=3)
    s.step(6)
    for v in np.linspace(0.16, 0.55, 12):   # a drag sends many values
        s.set_lever("training_rate", float(v))
    s.set_lever("rescue_capacity", 0.9)
    s.step(1)
    assert len(s.changes) == 1
    c = s.changes[0]
    assert c.month == 7 and c.values == {"training_rate": pytest.approx(0.55), "rescue_capacity": 0.9}
    before = s.levers["fine_level"]
    s.set_lever("fine_level", before + 1.0)
    s.set_lever("fine_level", before)  # dragged back: nothing changed
    s.step(1)
    assert len(s.changes) == 1
    svgs = charts.explore_charts(s.series(), s.baseline_series(), "zh", 2020, s.months, s.changes)
    assert all('id="change-label-7"' in x for x in svgs)
    assert all("安全培训" in x for x in svgs)


def test_explore_baseline_is_the_unchanged_scenario_on_the_same_draws():
    s = ExploreSession("tiny", seed=5)
    s.step(3)
    s.set_lever("training_rate", 1.0)
    s.set_lever("inspectors_per_county", 100.0)
    s.step(21)
    direct = run_scenario(W.dashboard_scenario(W.scenario("tiny")), seed=5).summary
    base = s.baseline_series()
    assert float(base["deaths"].sum()) == direct["deaths_total"]
    user = s.series()
    assert np.array_equal(user["deaths"][:3], base["deaths"][:3])  # identical until the change
    assert not np.array_equal(user["compliance_rate"], base["compliance_rate"])
    svgs = charts.explore_charts(user, base, "en", 2020, s.months, s.changes)
    for key, markup in zip(("deaths", "gap", "larger", "compliance", "hazards", "penalties"), svgs, strict=True):
        assert f'data-chart="{key}"' in markup
        assert 'id="baseline-' in markup and 'id="title-' in markup


def test_explore_sliders_follow_a_lever_schedule_until_the_user_sets_them():
    sc = W.scenario("historical")
    first = next(e for e in sc.schedule if "party_building" in e.levers)
    s = ExploreSession("historical", seed=1, agents=300)
    # the levers in force (the history's reform_extent scales the written steps before 2020)
    assert s.levers["party_building"] == sc.levers_at(1)["party_building"]
    s.step(first.month - 1)
    moved = sc.levers_at(first.month)["party_building"]
    assert moved != sc.levers_at(1)["party_building"]
    assert s.levers["party_building"] == moved  # the schedule moves the slider
    s.set_lever("party_building", 0.9)
    s.step(24)
    assert s.levers["party_building"] == 0.9  # the user's value replaces the schedule
    s.restore()
    assert s.levers["party_building"] == sc.levers_at(s.month + 1)["party_building"]
    assert s.user == {}
    s.step(1)
    assert s.changes[-1].restored


# -------------------------------------------------------------------------------------- misc
def test_dashboard_world_keeps_the_number_of_enterprises():
    sc = W.scenario("baseline")
    small = W.dashboard_scenario(sc)
    assert small.setup.agents == W.DASHBOARD_AGENTS
    assert math.isclose(small.setup.agents * small.setup.enterprises_per_agent,
                        sc.setup.agents * sc.setup.enterprises_per_agent)


def test_cli_defaults_to_localhost_and_checks_the_sessions_folder(tmp_path):
    from safegov.cli import build_parser
    from safegov.dashboard.server import check_sessions_dir, is_loopback

    args = build_parser().parse_args(["dashboard"])
    assert (args.host, args.port, args.lang, args.sessions) == ("127.0.0.1", 8765, "zh", None)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["dashboard", "--port", "70000"])
    with pytest.raises(SystemExit):
        build_parser().parse_args(["dashboard", "--lang", "fr"])
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0")
    assert check_sessions_dir(tmp_path / "new" / "dir").is_dir()
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="--sessions"):
        check_sessions_dir(tmp_path / "file")


def test_busy_port_is_one_line_error():
    import socket

    from safegov.dashboard.server import check_port

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        with pytest.raises(InputError, match="--port"):
            check_port("127.0.0.1", s.getsockname()[1])
