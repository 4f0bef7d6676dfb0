"""Invariants of a run: no negative stocks, Decree 493 grades, counts that add up."""

from __future__ import annotations

import numpy as np
import pytest

from sim.mechanisms.accidents import CAUSES
from sim.mechanisms.grading import GRADES, grade
from sim.metrics import FLOW, STOCK
from sim.model import SafetyModel
from sim.run import run_scenario


@pytest.fixture(scope="module")
def run(tiny):
    return run_scenario(tiny.with_overrides({"severity_scale": 2.5}), seed=3)


def test_state_stays_in_bounds(tiny):
    model = SafetyModel(tiny, seed=2)
    for _ in range(30):
        model.step()
        f = model.firms
        assert (f.hazards >= 0).all()
        for arr in (
            f.equipment,
            f.owner_awareness,
            f.worker_awareness,
            f.perceived_detection,
            f.expected_leniency,
            f.tie,
            f.management,
        ):
            assert (arr >= 0).all() and (arr <= 1).all()
        assert (f.blacklist_months >= 0).all() and (f.suspended_months >= 0).all()
        assert ((f.level >= 0) & (f.level <= 4)).all()
        for p in (model.committees.province, model.committees.city, model.committees.county):
            assert ((p >= 0) & (p <= 1)).all()


def test_no_negative_counts(run):
    assert (run.county_monthly >= 0).all()
    assert (run.accidents[["deaths", "serious_injuries", "direct_loss_10k_cny"]] >= 0).all().all()


def test_grades_follow_decree_493(run):
    acc = run.accidents
    assert len(acc) > 0
    expected = grade(acc.deaths.to_numpy(), acc.serious_injuries.to_numpy(), acc.direct_loss_10k_cny.to_numpy())
    assert (acc.grade.cat.codes.to_numpy() == expected).all()
    larger_by_deaths = acc[(acc.deaths >= 3) & (acc.deaths < 10)]
    assert (larger_by_deaths.grade != "general").all()


@pytest.mark.parametrize(
    ("deaths", "injuries", "loss", "expected"),
    [
        (0, 1, 10, "general"),
        (2, 9, 999, "general"),
        (3, 0, 0, "larger"),
        (9, 0, 0, "larger"),
        (0, 10, 0, "larger"),
        (0, 0, 1000, "larger"),
        (10, 0, 0, "major"),
        (29, 0, 0, "major"),
        (0, 50, 0, "major"),
        (0, 0, 5000, "major"),
        (30, 0, 0, "especially_major"),
        (0, 100, 0, "especially_major"),
        (0, 0, 10000, "especially_major"),
        (2, 60, 0, "major"),
        (12, 0, 10000, "especially_major"),  # highest criterion wins
    ],
)
def test_decree_493_boundaries(deaths, injuries, loss, expected):
    assert GRADES[grade(np.array([deaths]), np.array([injuries]), np.array([loss]))[0]] == expected


def test_counts_add_up_across_levels(run):
    m = run.monthly
    for metric in ("deaths", "accidents", "inspections", "penalty_cases", "enterprises"):
        rows = m[m.metric == metric]
        cities = rows[(rows.city != "all")].groupby("month")["value"].sum()
        regions = rows[(rows.city == "all") & (rows.region != "all")].groupby("month")["value"].sum()
        province = rows[(rows.region == "all")].set_index("month")["value"]
        np.testing.assert_allclose(cities.to_numpy(), province.to_numpy())
        np.testing.assert_allclose(regions.to_numpy(), province.to_numpy())


def test_accident_table_matches_metrics_and_summary(run):
    s = run.summary
    assert s["accidents_total"] == len(run.accidents)
    assert sum(s["accidents_by_grade"].values()) == s["accidents_total"]
    assert sum(s["accidents_by_cause"].values()) == s["accidents_total"]
    assert set(s["accidents_by_cause"]) == set(CAUSES)
    assert s["deaths_total"] == sum(s["deaths_by_year"].values())
    prov = run.monthly[(run.monthly.region == "all")]
    assert prov[prov.metric == "deaths"]["value"].sum() == s["deaths_total"]
    grades = prov[prov.metric.isin(["accidents_general", "accidents_larger", "accidents_major", "accidents_especially_major"])][
        "value"
    ].sum()
    assert grades == s["accidents_total"]


def test_annual_flows_are_sums_and_stocks_are_means(run):
    m, a = run.monthly, run.annual
    prov_m = m[(m.region == "all")]
    prov_a = a[(a.region == "all")]
    year = int(prov_a.year.min())
    for metric in FLOW[:5]:
        assert prov_a[(prov_a.year == year) & (prov_a.metric == metric)].value.item() == pytest.approx(
            prov_m[(prov_m.year == year) & (prov_m.metric == metric)].value.sum()
        )
    for metric in STOCK[:3]:
        assert prov_a[(prov_a.year == year) & (prov_a.metric == metric)].value.item() == pytest.approx(
            prov_m[(prov_m.year == year) & (prov_m.metric == metric)].value.mean()
        )


def test_counts_are_at_real_scale(tiny):
    result = run_scenario(tiny, seed=1, months=2)
    m = result.monthly
    enterprises = m[(m.region == "all") & (m.metric == "enterprises")].value
    # Every slot holds a real firm or a vacant premises (closures leave slots empty until entry).
    slots = tiny.setup.agents * tiny.setup.enterprises_per_agent
    assert (enterprises <= slots).all() and (enterprises >= 0.9 * slots).all()
