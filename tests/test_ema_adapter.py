"""experiments.ema: safegov as an EMA Workbench model, an evaluator through the runner (tiny world)."""

from __future__ import annotations

import numpy as np
import pytest

ema_workbench = pytest.importorskip("ema_workbench")

from ema_workbench import IntegerParameter, RealParameter, Sample, ScalarOutcome, SequentialEvaluator  # noqa: E402

from experiments import ema  # noqa: E402
from experiments.outcomes import DIRECTIONS  # noqa: E402
from experiments.store import Store  # noqa: E402
from sim import params as P  # noqa: E402
from sim.evaluate import resolve_scenario  # noqa: E402


def test_model_reads_the_declarations():
    m = ema.build_model("rule_of_law")
    assert {p.name for p in m.levers} == {p.name for p in P.LEVERS}
    assert {p.name for p in m.uncertainties} == {p.name for p in P.UNCERTAIN}
    assert isinstance(m.levers["blacklist_months"], IntegerParameter)
    assert isinstance(m.levers["fine_level"], RealParameter)
    sc = resolve_scenario("rule_of_law")
    changed = [k for k, v in sc.levers.items() if v != P.BY_NAME[k].default]
    assert changed, "rule_of_law should change some lever"
    for k in changed:  # the scenario is the reference: its values are the defaults
        assert m.levers[k].default == pytest.approx(sc.levers[k])
    for o in m.outcomes:
        assert o.kind == DIRECTIONS[o.name]
    assert m.outcomes["deaths"].kind == ScalarOutcome.MINIMIZE
    assert m.outcomes["compliance_rate"].kind == ScalarOutcome.MAXIMIZE
    assert m.outcomes["inspections"].kind == ScalarOutcome.INFO


def test_evaluator_runs_through_the_runner_with_crn_and_resumes(tmp_path):
    m = ema.build_model("tiny", replicates=2, months=3, seed=11, uncertainties=["optimism", "accident_cost"],
                        levers=["training_rate", "blacklist_months"],
                        outcome_names=["deaths", "accidents", "compliance_rate"])
    scenarios = [Sample(f"s{i}", optimism=0.2 + 0.3 * i, accident_cost=np.float64(20.0 * (i + 1))) for i in range(3)]
    policies = [Sample("p0", training_rate=0.1, blacklist_months=np.int64(12))]
    with ema.SafegovEvaluator(m, tmp_path / "store", workers=0, quiet=True) as ev:
        exp, out = ev.perform_experiments(scenarios, policies, log_progress=True)
        first = ev.reports[-1]
    assert len(exp) == 3 and first.planned == 6 and len(first.done) == 6
    runs = Store(tmp_path / "store").outcomes()
    assert sorted(runs["replicate"].unique()) == [0, 1] and set(runs["seed"]) == {11}  # (seed, r) everywhere
    # the same experiments under EMA's own evaluator (the model's function, in this process)
    with SequentialEvaluator(m) as seq:
        _, direct = seq.perform_experiments(scenarios, policies, log_progress=True)
    for k in out:
        assert np.allclose(out[k], direct[k]), k
    per_run = runs.groupby("design_point")["deaths"].mean().to_numpy()
    assert np.allclose(per_run, out["deaths"])
    # rerun: every run is read back from the store
    with ema.SafegovEvaluator(m, tmp_path / "store", workers=0, quiet=True) as ev:
        _, again = ev.perform_experiments(scenarios, policies, log_progress=True)
        assert len(ev.reports[-1].skipped) == 6 and not ev.reports[-1].done
    for k in out:
        assert np.allclose(out[k], again[k])


def test_scheduled_levers_keep_their_schedule():
    m = ema.build_model("historical", levers=["chemical_remediation", "training_rate"], uncertainties=[])
    target = m.safegov_target
    sc = resolve_scenario("historical")
    scheduled = {k for e in sc.schedule for k in e.levers}
    assert "chemical_remediation" in scheduled
    at_default = target.overrides({"chemical_remediation": m.levers["chemical_remediation"].default,
                                   "training_rate": 0.5})
    assert "chemical_remediation" not in at_default and at_default["training_rate"] == 0.5
    assert target.overrides({"chemical_remediation": 0.5})["chemical_remediation"] == 0.5


def test_unknown_names_are_one_line_errors():
    from sim.errors import InputError

    with pytest.raises(InputError, match="not a declared policy lever"):
        ema.build_model("tiny", levers=["optimism"])
    with pytest.raises(InputError, match="unknown outcome 'death'"):
        ema.build_model("tiny", outcome_names=["death"])
