"""The fused loops (sim/fused.py) against the numpy form of each rule (known answers).

Each reference below is the numpy code the mechanism ran before its arithmetic was fused; the
loop must give the same state (to the bit where it keeps the state's float32 order, to float32
rounding where it sums in another order). The state comes from a model run for a few months,
with its distributions perturbed so that every branch is exercised.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from sim import fused
from sim import sectors as S
from sim.context import Month
from sim.mechanisms import accidents, awareness, compliance, grid, hazards, information, inspection, leniency, sanctions
from sim.model import SafetyModel
from sim.state import FLOAT

F32 = {"rtol": 2e-6, "atol": 1e-12}


@pytest.fixture(scope="module")
def world(tiny):
    model = SafetyModel(tiny.with_overrides({"blacklist_strength": 0.4, "risk_targeting": 0.6}, agents=3000), seed=4)
    for _ in range(6):
        model.step()
    f = model.firms
    rng = np.random.default_rng(0)
    f.blacklist_months[rng.random(f.n) < 0.1] = 6
    f.targeted_months[rng.random(f.n) < 0.2] = 12
    f.level[:] = rng.integers(0, 5, f.n)
    f.report_month[rng.random(f.n) < 0.2] = 6
    f.perceived_detection[:] = rng.random(f.n, dtype=FLOAT) * 0.2
    f.perceived_detection[:50] = 0.0
    f.hazards[:] = rng.exponential(4.0, f.n).astype(FLOAT)
    f.suspended_months[rng.random(f.n) < 0.05] = 2
    return model


def month_of(model, number=6) -> Month:
    return Month(number, number, model.config.levers_at(number), model.bh, model.firms_per_agent, model.world,
                 model.streams)  # fmt: skip


def twins(model):
    return copy.deepcopy(model.firms), copy.deepcopy(model.firms)


def test_county_sums_are_group_sums_in_any_order():
    rng = np.random.default_rng(1)
    county = np.sort(rng.integers(0, 7, 1001)).astype(np.int32)
    x = rng.random(1001)
    np.testing.assert_allclose(fused.county_sums(x, county, 9), np.bincount(county, x, minlength=9), rtol=1e-12)
    shuffled = rng.permutation(1001)
    np.testing.assert_allclose(fused.county_sums(x[shuffled], county[shuffled], 9), np.bincount(county, x, minlength=9),
                               rtol=1e-12)  # fmt: skip


def test_decide_is_the_deterrence_rule(world):
    month = month_of(world)
    bh = month.bh
    a, b = twins(world)
    rate = world.accident_rate
    q = fused.county_share(a.compliant, a.active, a.county, world.world.n_counties)
    np.testing.assert_allclose(q, world.world.by_county(a.compliant & a.active) / np.maximum(world.world.by_county(a.active), 1))
    compliance.decide(a, month, rate, q)
    # reference (numpy): Delta for every firm, then reviews
    delta = compliance.expected_sanction(b, month)
    risk = compliance.weighted(FLOAT(1.0 - bh["optimism"]) * rate.astype(FLOAT), bh["probability_weighting"])
    delta += risk * FLOAT(bh["accident_cost"] * bh["management_effect"])
    delta += FLOAT(bh["moral_weight"]) * b.owner_awareness
    delta += (bh["peer_weight"] * (2.0 * q - 1.0)).astype(FLOAT)[b.county]
    delta -= FLOAT(1.0 - bh["violator_spending"])
    p = FLOAT(1.0) / (FLOAT(1.0) + np.exp(delta * FLOAT(-1.0 / bh["decision_noise"])))
    u = month.rng("compliance").random(b.n, dtype=FLOAT)
    review = u < bh["review_rate"]
    b.compliant[:] = np.where(review, (u / bh["review_rate"]) < p, b.compliant) | b.intrinsic
    b.investment[:] = np.where(b.compliant, FLOAT(1.0), FLOAT(bh["violator_spending"]))
    b.management += FLOAT(bh["management_adjustment"]) * (b.investment - b.management)
    assert 0.05 < review.mean() < 0.95 and 0.05 < b.compliant.mean() < 0.95
    np.testing.assert_array_equal(a.compliant, b.compliant)
    np.testing.assert_array_equal(a.investment, b.investment)
    np.testing.assert_array_equal(a.management, b.management)


def test_learning_tracks_detection_and_leniency(world):
    month = month_of(world)
    bh = month.bh
    a, b = twins(world)
    rng = np.random.default_rng(2)
    caught = (rng.random(a.n) * 0.1).astype(FLOAT)
    own = np.where(rng.random(a.n) < 0.1, FLOAT(0.8), FLOAT(0.0)).astype(FLOAT)
    letoff = rng.random(a.n) * 0.5
    regulated = rng.random(a.n) < 0.9
    compliance.learn(a, month, caught, own, letoff, regulated)
    w = world.world
    penalties = w.by_county(caught * (1.0 - letoff) * (~b.compliant & b.active)) / np.maximum(w.by_county(b.active), 1)
    publicity = (bh["publicity_salience"] * penalties).astype(FLOAT)[b.county] * regulated
    peers = np.minimum(caught + publicity, FLOAT(1.0))
    signal = (1.0 - bh["own_experience_weight"]) * peers + bh["own_experience_weight"] * own
    b.perceived_detection += FLOAT(bh["detection_learning"]) * (signal - b.perceived_detection)
    b.expected_leniency += FLOAT(bh["detection_learning"]) * (letoff - b.expected_leniency)
    np.testing.assert_array_equal(a.perceived_detection, b.perceived_detection)
    np.testing.assert_allclose(a.expected_leniency, b.expected_leniency, **F32)


def test_selection_is_targeted_poisson_sampling(world):
    month = month_of(world)
    lv, bh, w = month.lv, month.bh, world.world
    f = world.firms
    risk = world.accident_rate
    regulated = inspection.regulated(f, month)
    capacity = inspection.capacity(month, world.committees.effective(month))
    boost = np.ones(len(S.SECTORS))
    boost[S.CHEMICALS] = 3.0
    sel = inspection.select(f, month, risk, regulated, capacity, boost)
    # reference (numpy)
    q = information.score_quality(f, month)
    log_risk = np.log(risk + 1e-12)
    log_score = q * log_risk + (1.0 - q) * (log_risk.mean() + f.score_noise)
    score = np.exp(log_score - log_score.max())
    fresh = (f.report_month <= month.number) & (f.report_month > month.number - bh["report_shelf_life"])
    score *= 1.0 + bh["report_weight"] * fresh
    tau = lv["risk_targeting"]
    weight = (1.0 - tau) + tau * score / np.maximum(w.by_county.mean(score).astype(FLOAT)[f.county], 1e-30)
    weight *= 1.0 + (bh["targeted_weight"] - 1.0) * (f.targeted_months > 0)
    weight *= boost[f.sector]
    weight *= regulated & f.active
    pi = np.minimum(1.0, (capacity / month.firms_per_agent / np.maximum(w.by_county(weight), 1e-30)).astype(FLOAT)[f.county]
                    * weight)  # fmt: skip
    listed = np.flatnonzero((f.blacklist_months > 0) & regulated & f.active)
    pi[listed] = np.maximum(pi[listed], 1.0 / inspection.BLACKLIST_CHECK_MONTHS)
    u = month.rng("inspection").random(f.n, dtype=FLOAT)
    cross = inspection.cross_share(month)
    real = (1.0 - cross) * (1.0 - inspection.formality(month))
    caught = pi * (real * lv["inspector_skill"] + cross * min(1.0, lv["inspector_skill"] + bh["cross_region_skill"]))
    np.testing.assert_allclose(sel.caught_probability, caught, rtol=1e-5, atol=1e-9)
    chosen = np.flatnonzero(u < pi)
    close = np.abs(u - pi) < 1e-5 * np.maximum(pi, 1e-12)
    assert 50 < len(chosen) < f.n / 2
    assert set(sel.slots) ^ set(chosen) <= set(np.flatnonzero(close))


def test_patrol_visits_finds_and_reports(world):
    month = month_of(world)
    lv, bh, w = month.lv, month.bh, world.world
    a, b = twins(world)
    delay = 2
    got = grid.patrol(a, month, delay)
    # reference (numpy)
    workers = lv["grid_workers_per_grid"]
    per_grid = w.by_county(b.active) * month.firms_per_agent / np.maximum(w.grids_per_county, 1)
    v = np.minimum(1.0, workers * bh["grid_visits"] / np.maximum(per_grid, 1.0)).astype(FLOAT)[b.county]
    if workers > 0:
        v = np.where(b.major_hazard, FLOAT(1.0), v)
    v = v * b.active
    u = month.rng("grid").random(b.n, dtype=FLOAT)
    seen = np.flatnonzero(u < v)
    p_find = bh["grid_skill_ratio"] * lv["inspector_skill"] * -np.expm1(-b.hazards[seen] / bh["violation_hazards"])
    found = seen[u[seen] < v[seen] * p_find]
    b.hazards[found] *= 1.0 - bh["grid_fix_share"]
    b.owner_awareness[seen] = np.minimum(1.0, b.owner_awareness[seen] + bh["grid_visit_gain"])
    assert len(found) > 0 and len(seen) > len(found)
    np.testing.assert_array_equal(got.visited, u < v)
    np.testing.assert_array_equal(np.flatnonzero(got.reported), found)
    np.testing.assert_array_equal(got.visit_probability, v)
    np.testing.assert_allclose(a.hazards, b.hazards, **F32)
    np.testing.assert_array_equal(a.owner_awareness, b.owner_awareness)
    assert (a.report_month[found] == month.number + delay).all()


def test_awareness_hazards_and_rates_keep_the_float32_rule(world):
    month = month_of(world)
    lv, bh = month.lv, month.bh
    a, b = twins(world)
    forced = np.arange(10)
    trained = awareness.train_and_decay(a, month, forced=forced)
    u = month.rng("awareness").random(b.n, dtype=FLOAT)
    ref_trained = (u < lv["training_rate"] / 12.0) & b.active
    ref_trained[forced] = True
    gain = np.where(ref_trained, FLOAT(bh["training_gain"]), FLOAT(0.0))
    gain += FLOAT(bh["party_branch_gain"]) * awareness.party_branch(b, lv)
    for aw in (b.owner_awareness, b.worker_awareness):
        aw += gain * (1.0 - aw) - bh["awareness_decay"] * (aw - bh["awareness_floor"])
        np.clip(aw, 0.0, 1.0, out=aw)
    np.testing.assert_array_equal(trained, ref_trained)
    np.testing.assert_array_equal(a.owner_awareness, b.owner_awareness)
    np.testing.assert_array_equal(a.worker_awareness, b.worker_awareness)

    hazards.evolve(a, month)
    s, e = b.investment, b.equipment
    e += bh["equipment_renewal"] * s * (1.0 - e) - bh["equipment_decay"] * (1.0 - s)
    np.clip(e, 0.0, 1.0, out=e)
    floor = bh["hazard_floor"]
    inflow = bh["hazard_inflow"] * b.hazard_size * (floor + (1.0 - floor) * (1.0 - s))
    inflow *= 1.0 + bh["equipment_hazard_factor"] * (1.0 - e)
    b.hazards *= 1.0 - bh["hazard_repair"] * s
    b.hazards += inflow
    np.testing.assert_array_equal(a.equipment, b.equipment)
    np.testing.assert_array_equal(a.hazards, b.hazards)

    r = accidents.rates(a, bh)
    base = bh["base_incident_rate"] * np.where(b.suspended_months > 0, 0.0, b.base_exposure)
    acts = base * accidents.unsafe_acts(b, bh)
    uc = -np.expm1(-bh["condition_sensitivity"] * b.hazards)
    human, combined = acts * (1.0 - uc), acts * uc * bh["combined_amplifier"]
    unavoidable = base * bh["unavoidable_rate"]
    for got, want in ((r.human, human), (r.combined, combined), (r.unavoidable, unavoidable),
                      (r.total, human + combined + unavoidable)):  # fmt: skip
        np.testing.assert_allclose(got, want, **F32)
    assert (r.combined > 0).any() and (r.total[b.suspended_months > 0] == 0).all()


def test_fade_ties_and_rotation(world):
    month = month_of(world)
    bh = month.bh
    a, b = twins(world)
    b_level = b.level.copy()
    a.clean_months[:] = b.clean_months[:] = np.arange(a.n) % int(bh["deterrence_months"] + 2)
    sanctions.fade(a, month)
    b.clean_months += 1
    forgiven = np.flatnonzero(b.clean_months >= bh["deterrence_months"])
    b_level[forgiven] = np.maximum(b_level[forgiven] - 1, 0)
    b.clean_months[forgiven] = 0
    for clock in (b.targeted_months, b.blacklist_months, b.suspended_months):
        np.subtract(clock, 1, out=clock, where=clock > 0)
    assert len(forgiven) > 0
    np.testing.assert_array_equal(a.level, b_level)
    for name in ("clean_months", "targeted_months", "blacklist_months", "suspended_months"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))

    a.tie[:] = b.tie[:] = np.linspace(0, 1, a.n, dtype=FLOAT)
    leniency.relax_ties(a, month)
    b.tie += FLOAT(bh["tie_decay"]) * (leniency.resting_tie(b, month) - b.tie)
    np.testing.assert_array_equal(a.tie, b.tie)
    rotated = np.zeros(world.world.n_inspectors, bool)
    rotated[::3] = True
    fused.reset_ties(a.tie, a.inspector, rotated)
    b.tie[rotated[b.inspector]] = 0.0
    np.testing.assert_array_equal(a.tie, b.tie)


def test_month_end_stocks_and_sector_mix(world):
    f, out, w = world.firms, world.last_outcome, world.world
    from sim.recorder import STOCK_COLUMNS

    stocks = fused.county_stocks(f.county, w.n_counties, out.patrol.visited, out.patrol.reported, out.trained,
                                 f.safety_cost, f.investment, f.compliant, f.hazards, out.is_regulated,
                                 f.blacklist_months, f.sector, S.CHEMICALS, f.major_hazard, f.active)  # fmt: skip
    reference = {
        "grid_visits": out.patrol.visited,
        "grid_reports": out.patrol.reported,
        "trained": out.trained,
        "compliance_cost_10k_cny": f.safety_cost * f.investment * f.active,
        "compliant_enterprises": f.compliant & f.active,
        "hidden_hazards": f.hazards * f.active,
        "unregulated_enterprises": ~out.is_regulated & f.active,
        "blacklisted_enterprises": f.blacklist_months > 0,
        "chemical_enterprises": (f.sector == S.CHEMICALS) & f.active,
        "major_hazard_enterprises": f.major_hazard & f.active,
        "enterprises": f.active,
    }
    assert list(reference) == list(STOCK_COLUMNS)
    for j, name in enumerate(STOCK_COLUMNS):
        np.testing.assert_allclose(stocks[:, j], w.by_county(reference[name]), rtol=1e-6, err_msg=name)
    n_sec = len(S.SECTORS)
    counts = np.bincount(f.region[f.active].astype(np.int64) * n_sec + f.sector[f.active], minlength=3 * n_sec)
    np.testing.assert_array_equal(fused.sector_counts(f.region, f.sector, f.active, n_sec), counts.reshape(3, n_sec))


def test_pyramid_by_county_sums_the_expectations(world):
    month = month_of(world)
    from sim.mechanisms import severity

    r = accidents.rates(world.firms, month.bh)
    minor, near = severity.pyramid_expectations(world.firms, r, month)
    got_minor, got_near = severity.pyramid_by_county(world.firms, r, month)
    np.testing.assert_allclose(got_minor, world.world.by_county(minor), rtol=1e-5)
    np.testing.assert_allclose(got_near, world.world.by_county(near), rtol=1e-5)
    assert got_minor.sum() > 0


def test_forced_inspections_survive_the_fused_selection(world):
    month = month_of(world)
    f = world.firms
    regulated = inspection.regulated(f, month)
    forced = np.array([0, 5, 7])
    sel = inspection.select(f, month, world.accident_rate, regulated, np.zeros(world.world.n_counties),
                            np.ones(len(S.SECTORS)), forced=forced)  # fmt: skip
    assert set(forced) <= set(sel.slots)
