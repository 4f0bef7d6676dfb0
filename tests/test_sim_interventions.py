"""The intervention API acts through the model's own code paths, for the next month."""

from __future__ import annotations

import numpy as np

from sim.model import SafetyModel


def _model(tiny, **overrides):
    model = SafetyModel(tiny.with_overrides(overrides, agents=2000), seed=5)
    for _ in range(3):
        model.step()
    return model


def test_forced_inspections_are_inspected_and_sanctioned_next_month(tiny):
    model = _model(tiny)
    f = model.firms
    violators = np.flatnonzero(f.active & ~f.compliant)[:200]
    model.force_inspections(violators)
    model.step()
    out = model.last_outcome
    assert np.isin(violators, out.insp.slots).all()
    punished = out.insp.slots[out.insp.punished]
    penalised = np.intersect1d(violators, out.sanc.penalty_cases)
    assert len(penalised) > 0 and np.isin(penalised, punished).all()
    # A penalty case moves the firm to the targeted group (Harrington 1988), unless it closed.
    still = penalised[f.active[penalised] & ~np.isin(penalised, out.sanc.revoked)]
    assert len(still) > 0 and (f.targeted_months[still] > 0).all()
    # Only once: the month after, no forced inspections are left.
    model.step()
    assert not np.isin(violators, model.last_outcome.insp.slots).all()


def test_forced_penalty_climbs_the_pyramid(tiny):
    model = _model(tiny)
    f = model.firms
    slots = np.flatnonzero(f.active & ~f.compliant & (f.level == 0))[:100]
    model.force_penalty(slots)
    model.step()
    assert np.isin(slots, model.last_outcome.sanc.penalty_cases).all()
    assert (f.level[slots][f.active[slots]] >= 2).all()


def test_forced_training_raises_awareness(tiny):
    model = _model(tiny, training_rate=0.0)
    f = model.firms
    slots = np.flatnonzero(f.active)[:300]
    others = np.flatnonzero(f.active)[300:600]
    before, before_others = f.worker_awareness[slots].copy(), f.worker_awareness[others].copy()
    model.force_training(slots)
    model.step()
    assert (f.worker_awareness[slots] > before + 0.1).all()
    assert np.abs(f.worker_awareness[others] - before_others).max() < 0.05
