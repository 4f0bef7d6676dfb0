"""Property-based checks (hypothesis) of the small pure pieces the model rests on."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import params
from sim.errors import ScenarioError
from sim.mechanisms.grading import DEATH_BOUNDS, INJURY_BOUNDS, LOSS_BOUNDS, grade
from sim.rollup import SegmentSum
from sim.scenario import default_scenario

counts = st.integers(min_value=0, max_value=200)
losses = st.floats(min_value=0, max_value=50_000, allow_nan=False)


@given(counts, counts, losses, counts, counts, losses)
def test_grade_is_monotone_in_every_criterion(d, i, loss, dd, di, dl):
    before = grade(np.array([d]), np.array([i]), np.array([loss]))[0]
    after = grade(np.array([d + dd]), np.array([i + di]), np.array([loss + dl]))[0]
    assert after >= before


@given(counts, counts, losses)
def test_grade_is_the_highest_criterion(d, i, loss):
    def level(x, bounds):
        return sum(x >= b for b in bounds)

    expected = max(level(d, DEATH_BOUNDS), level(i, INJURY_BOUNDS), level(loss, LOSS_BOUNDS))
    assert grade(np.array([d]), np.array([i]), np.array([loss]))[0] == expected


@given(st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=300), st.integers(0, 2**31))
def test_segment_sums_equal_bincount(groups, seed):
    g = np.sort(np.asarray(groups))
    values = np.random.default_rng(seed).random(len(g)).astype(np.float32)
    sums = SegmentSum(g, 10)
    np.testing.assert_allclose(sums(values), np.bincount(g, values, 10), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(sums(values > 0.5), np.bincount(g, values > 0.5, 10))


@settings(max_examples=60)
@given(st.sampled_from([p.name for p in params.PARAMETERS]), st.floats(0, 1))
def test_overrides_inside_bounds_are_accepted_and_outside_rejected(name, share):
    p = params.BY_NAME[name]
    value = p.low + share * (p.high - p.low)
    value = round(value) if p.integer else value
    sc = default_scenario().with_overrides({name: value})
    assert sc.values()[name] == pytest.approx(value)
    with pytest.raises(ScenarioError):
        default_scenario().with_overrides({name: p.high + max(1.0, abs(p.high))})
