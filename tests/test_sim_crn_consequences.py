"""Common random numbers for consequences: an accident keeps its deaths when other accidents
appear or disappear (severity draws keyed to the firm, the month and the accident's rank)."""

from __future__ import annotations

import numpy as np

from sim.model import SafetyModel
from sim.run import collect

FEEDBACK_OFF = {"campaign_jump": 0.0, "campaign_closure": 0.0, "accident_closure": 0.0, "investigation_exposure": 0.0}
KEY = ["month", "firm_uid", "order"]


def _run_with_training_in(sc, city: str, seed: int):
    """Run ``sc``; when ``city`` is given, train every firm there in month 3 (an intervention that
    changes accidents in that city only)."""
    model = SafetyModel(sc, seed=seed)
    while model.month < 2:
        model.step()
    if city:
        model.force_training(np.flatnonzero(model.firms.city == model.jurisdiction.cities.index(city)))
    model.run()
    acc = collect(model, seed, 0).accidents
    # The rank of an accident at its firm within the month identifies it (with firm and month).
    acc["order"] = acc.groupby(["month", "firm_uid"]).cumcount()
    return acc


def test_deaths_of_unchanged_accidents_stay_identical(tiny):
    # Tiny world: one city per region, so regional entry mixes are not shared between cities.
    sc = tiny.with_overrides({**FEEDBACK_OFF, "severity_scale": 2.5}, agents=3000, months=36)
    plain = _run_with_training_in(sc, "", seed=3)
    trained = _run_with_training_in(sc, "Nanjing", seed=3)
    elsewhere = [c for c in ("Nantong", "Xuzhou")]

    def pick(acc, cities):
        return acc[acc.city.isin(cities)].sort_values(KEY).reset_index(drop=True)

    # Accidents changed in Nanjing ...
    a, b = pick(plain, ["Nanjing"]), pick(trained, ["Nanjing"])
    assert len(b) < len(a)
    # ... and everywhere else every accident and its consequences are the same.
    x, y = pick(plain, elsewhere), pick(trained, elsewhere)
    assert len(x) > 50
    cols = [*KEY, "cause", "deaths", "serious_injuries", "direct_loss_10k_cny", "grade"]
    assert x[cols].equals(y[cols])
    # Inside Nanjing, the accidents that happen in both runs (same firm, month, rank and cause)
    # keep their deaths too.
    both = a.merge(b, on=[*KEY, "cause"], suffixes=("_a", "_b"))
    assert len(both) > 20
    np.testing.assert_array_equal(both.deaths_a.to_numpy(), both.deaths_b.to_numpy())
