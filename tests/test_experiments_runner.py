"""Runner and store: common random numbers, executors agree, failures are recorded, resume skips."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

from experiments.runner import run_batch
from experiments.spec import RunSpec, replicate_seed_sequence, replicate_specs
from experiments.store import Store
from sim.run import run_scenario
from sim.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"

TINY = str(SCENARIOS / "tiny.toml")
SMALL = {"agents": 200, "months": 12}
# Forking a pytest process that already ran Arrow, DuckDB or Dask (threads) warns; the CLI forks first.
pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
# Every feedback of accident grades on later draws: committee jumps, campaign closures,
# closure after a serious accident and investigations (see docs/ODD.md section 9).
NO_FEEDBACK = {"campaign_jump": 0.0, "campaign_closure": 0.0, "accident_closure": 0.0, "investigation_exposure": 0.0}


def test_run_id_is_stable_and_order_free():
    a = RunSpec.make(TINY, {"rescue_capacity": 0.5, "fine_level": 2}, {"agents": 200}, seed=3, replicate=1)
    b = RunSpec.make(TINY, {"fine_level": 2.0, "rescue_capacity": 0.5}, {"agents": 200}, seed=3, replicate=1)
    assert a.run_id == b.run_id and len(a.run_id) == 16
    assert a.run_id != RunSpec.make(TINY, {"rescue_capacity": 0.5, "fine_level": 2}, {"agents": 200}, seed=3,
                                    replicate=2).run_id
    import pickle

    assert pickle.loads(pickle.dumps(a)) == a


def test_replicate_seeds_are_seedsequence_spawn():
    children = __import__("numpy").random.SeedSequence(42).spawn(4)
    for r, child in enumerate(children):
        assert (replicate_seed_sequence(42, r).generate_state(4) == child.generate_state(4)).all()


def test_common_random_numbers_rescue_capacity(tmp_path):
    """Scenarios differing only in rescue capacity (a severity lever) share accident occurrences."""
    specs = replicate_specs([(TINY, "low", {"rescue_capacity": 0.0, **NO_FEEDBACK}),
                             (TINY, "high", {"rescue_capacity": 1.0, **NO_FEEDBACK})], 3, 11, setup=SMALL)
    report = run_batch(specs, tmp_path / "crn", workers=0, quiet=True)
    assert report.ok and len(report.done) == 6
    out = Store(tmp_path / "crn").outcomes()
    low = out[out.label == "low"].set_index("replicate")
    high = out[out.label == "high"].set_index("replicate")
    for col in ("accidents", "accidents_human", "accidents_combined", "accidents_unavoidable",
                "accidents__south", "accidents__north"):
        pdt.assert_series_equal(low[col], high[col])
    assert (high["deaths"] <= low["deaths"]).all()
    # The accident tables: same (month, firm, cause) rows, one by one.
    sc = load_scenario(TINY)
    for r in range(3):
        a = run_scenario(sc.with_overrides({"rescue_capacity": 0.0, **NO_FEEDBACK}, **SMALL), seed=11, replicate=r)
        b = run_scenario(sc.with_overrides({"rescue_capacity": 1.0, **NO_FEEDBACK}, **SMALL), seed=11, replicate=r)
        cols = ["month", "firm_uid", "cause"]
        pdt.assert_frame_equal(a.accidents[cols].astype(str), b.accidents[cols].astype(str))


def test_crn_with_feedback_agrees_until_first_grade_difference():
    """With committee reactions on, runs agree up to (and including) the first month a grade differs.

    A higher severity scale makes graded (较大+) accidents, hence grade differences, common.
    """
    sc = load_scenario(TINY)
    first_months = []
    cols = ["month", "firm_uid", "cause"]
    for r in range(3):
        a = run_scenario(sc.with_overrides({"rescue_capacity": 0.0, "severity_scale": 3.0}), seed=5, replicate=r)
        b = run_scenario(sc.with_overrides({"rescue_capacity": 1.0, "severity_scale": 3.0}), seed=5, replicate=r)
        a, b = a.accidents, b.accidents
        ga = a.groupby("month")["grade"].apply(lambda s: sorted(s.astype(str)))
        gb = b.groupby("month")["grade"].apply(lambda s: sorted(s.astype(str)))
        months = sorted(set(ga.index) | set(gb.index))
        first = next((m for m in months if ga.get(m) != gb.get(m)), 10**9)
        first_months.append(first)
        ka = a[a.month <= first][cols].astype(str).reset_index(drop=True)
        kb = b[b.month <= first][cols].astype(str).reset_index(drop=True)
        assert len(ka) > 0
        pdt.assert_frame_equal(ka, kb)
    assert min(first_months) < 10**9, "no grade differed: the test did not exercise the feedback"


def _frames(store_dir):
    s = Store(store_dir)
    return s.outcomes(), s.series()


def test_pool_and_dask_localcluster_store_identical_results(tmp_path):
    specs = replicate_specs([(TINY, "base", {}), (TINY, "fines", {"fine_level": 3.0})], 3, 21, setup=SMALL)
    import logging

    from distributed import LocalCluster

    reports = {}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster:  # an "existing cluster" for --scheduler tcp://
        for name, kwargs in {"inprocess": {"workers": 0}, "pool": {"workers": 2, "chunk_size": 2},
                             "dask": {"workers": 2, "scheduler": "local"},
                             "dask-tcp": {"scheduler": cluster.scheduler_address, "chunk_size": 1}}.items():
            reports[name] = run_batch(specs, tmp_path / name, quiet=True, **kwargs)
            assert reports[name].ok and len(reports[name].done) == 6, name
    versions = set().union(*(r.versions for r in reports.values()))
    if len(versions) > 1:  # only in a tree whose model is being edited while the test runs
        pytest.skip(f"the model source changed during the test ({versions})")
    ref_out, ref_series = _frames(tmp_path / "inprocess")
    assert len(ref_out) == 6 and len(ref_series) > 0
    for name in ("pool", "dask", "dask-tcp"):
        out, series = _frames(tmp_path / name)
        pdt.assert_frame_equal(out, ref_out)
        pdt.assert_frame_equal(series, ref_series)
    assert "LocalCluster" in reports["dask"].executor and "tcp://" in reports["dask-tcp"].executor


def test_failing_run_is_recorded_and_the_rest_complete(tmp_path):
    specs = [RunSpec.make("", {"fail_replicate": 2}, seed=1, replicate=r, model="experiments.toy:flaky")
             for r in range(5)]
    report = run_batch(specs, tmp_path / "f", workers=2, chunk_size=5, quiet=True)
    assert len(report.done) == 4 and len(report.failed) == 1
    bad = specs[2].run_id
    assert report.failed == [bad] and "injected failure in replicate 2" in report.errors[bad]
    status = Store(tmp_path / "f").status().set_index("run_id")
    assert status.loc[bad, "state"] == "failed" and "Traceback" in status.loc[bad, "error"]
    assert (status.drop(index=bad)["state"] == "done").all()
    assert sorted(Store(tmp_path / "f").outcomes()["y"]) == [0.0, 1.0, 3.0, 4.0]
    # rerun: done runs are skipped, the failed one is retried (and fails again)
    again = run_batch(specs, tmp_path / "f", workers=0, quiet=True)
    assert len(again.skipped) == 4 and again.failed == [bad] and not again.done


def test_resume_skips_done_runs_and_extends_the_plan(tmp_path):
    specs = [RunSpec.make("", {"rescue_capacity": 0.5}, seed=3, replicate=r, model="experiments.toy:known_effect")
             for r in range(4)]
    first = run_batch(specs[:2], tmp_path / "r", workers=0, quiet=True)
    assert len(first.done) == 2
    second = run_batch(specs, tmp_path / "r", workers=0, quiet=True)
    assert len(second.skipped) == 2 and len(second.done) == 2
    store = Store(tmp_path / "r")
    assert len(store.outcomes()) == 4 and set(store.status()["state"]) == {"done"}
    m = store.manifest()
    assert m["root_seeds"] == [3] and len(m["batches"]) == 2 and "SeedSequence" in m["seeding"]
    assert m["git"] and m["versions"]["numpy"]
    con = store.duckdb()
    assert con.execute("select count(*) from outcomes").fetchone()[0] == 4
    assert (tmp_path / "r" / "results.duckdb").exists()


def test_bad_spec_is_rejected_before_anything_is_written(tmp_path):
    from sim.errors import InputError

    with pytest.raises(InputError, match="rescue_capacity"):
        run_batch([RunSpec.make(TINY, {"rescue_capacity": 7.0})], tmp_path / "bad", workers=0, quiet=True)
    assert not (tmp_path / "bad" / "manifest.json").exists()
    with pytest.raises(InputError, match="cannot import"):
        run_batch([RunSpec.make("", {}, model="nosuch.module:fn")], tmp_path / "bad2", workers=0, quiet=True)


def test_outcomes_match_the_run_summary(tmp_path):
    spec = RunSpec.make(TINY, {}, SMALL, seed=4, replicate=1)
    run_batch([spec], tmp_path / "o", workers=0, quiet=True)
    row = Store(tmp_path / "o").outcomes().iloc[0]
    result = run_scenario(load_scenario(TINY).with_overrides({}, **SMALL), seed=4, replicate=1)
    s = result.summary
    assert row["deaths"] == s["deaths_total"] and row["accidents"] == s["accidents_total"]
    assert row["larger_or_worse"] == s["larger_or_worse_total"]
    assert row["deaths__south"] + row["deaths__central"] + row["deaths__north"] == row["deaths"]
    assert row["inspections"] == pytest.approx(s["inspections_total"])
    assert isinstance(Store(tmp_path / "o").series(), pd.DataFrame)


def test_whole_number_parameters_and_partial_reads(tmp_path):
    """blacklist_months is declared integer: 18 and 18.0 give one run id and a valid run."""
    a = RunSpec.make(TINY, {"blacklist_months": 18.0}, SMALL, seed=2)
    b = RunSpec.make(TINY, {"blacklist_months": 18}, SMALL, seed=2)
    assert a.run_id == b.run_id and a.params == {"blacklist_months": 18}
    c = RunSpec.make(TINY, {}, SMALL, seed=2, design_point=1)
    report = run_batch([a, c], tmp_path / "i", workers=0, quiet=True)
    assert report.ok, report.errors
    store = Store(tmp_path / "i")
    one = store.series(metrics=["deaths"], run_ids=[a.run_id])
    assert set(one["run_id"]) == {a.run_id} and set(one["metric"]) == {"deaths"}
    assert list(store.outcomes(run_ids=[c.run_id])["run_id"]) == [c.run_id]


def test_a_worker_that_dies_fails_only_its_run(tmp_path):
    """A run that kills its worker process is retried once alone, then recorded as failed; the pool
    is restarted and every other run completes."""
    specs = [RunSpec.make("", {"crash_replicate": 3}, seed=1, replicate=r, model="experiments.toy:crash")
             for r in range(8)]
    report = run_batch(specs, tmp_path / "x", workers=2, chunk_size=3, quiet=True)
    bad = specs[3].run_id
    assert report.failed == [bad] and "worker process died" in report.errors[bad]
    assert len(report.done) == 7
    assert sorted(Store(tmp_path / "x").outcomes()["y"]) == [0.0, 1.0, 2.0, 4.0, 5.0, 6.0, 7.0]
