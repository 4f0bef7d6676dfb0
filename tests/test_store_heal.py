"""Stores that heal and explain themselves: damaged files are quarantined and rebuilt, compaction is
idempotent, a second writer is refused, reads de-duplicate, a copied folder opens, schema.md says
what every column holds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from experiments.runner import run_batch
from experiments.spec import RunSpec, replicate_specs
from experiments.store import Store, connect
from safegov.cli import main
from sim import outcomes as O
from sim import params
from sim.errors import StoreError

ROOT = Path(__file__).resolve().parent.parent
TINY = str(ROOT / "scenarios" / "tiny.toml")
SMALL = {"agents": 100, "months": 2, "warmup_months": 0}
pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")


def _toy(n: int = 6) -> list[RunSpec]:
    return [RunSpec.make("", {"rescue_capacity": 0.1 * (r % 3)}, seed=5, replicate=r, model="experiments.toy:known_effect")
            for r in range(n)]


def _sim(n: int = 2) -> list[RunSpec]:
    return replicate_specs([(TINY, "base", {}), (TINY, "fines", {"fine_level": 2.0})], n, 3, setup=SMALL)


def test_damaged_manifest_and_plan_are_quarantined_and_rebuilt(tmp_path, capsys):
    specs = _toy()
    d = tmp_path / "s"
    run_batch(specs, d, workers=0, quiet=True)
    (d / "manifest.json").write_text('{"created": "2026', encoding="utf-8")  # truncated
    (d / "plan.parquet").write_bytes((d / "plan.parquet").read_bytes()[:40])
    # results: one warning line per repair, then the report (finished runs kept)
    assert main(["results", str(d)]) == 0
    captured = capsys.readouterr()
    assert "manifest.json was damaged" in captured.err and "plan.parquet was damaged" in captured.err
    assert "Traceback" not in captured.err and "runs: 6 done, 0 failed, 0 missing" in captured.out
    assert len(list((d / "quarantine").glob("*manifest.json"))) == 1
    # the rerun rebuilds both from its spec and runs nothing
    report = run_batch(specs, d, workers=0, quiet=True)
    assert len(report.skipped) == 6 and not report.done
    store = Store(d)
    assert len(store.plan()) == 6 and store.manifest()["batches"]
    assert set(store.status()["state"]) == {"done"}


def test_a_damaged_plan_is_reported_in_one_line_when_it_cannot_be_repaired(tmp_path):
    d = tmp_path / "p"
    run_batch(_toy(2), d, workers=0, quiet=True)
    (d / "plan.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(StoreError) as exc:
        Store(d).plan()
    assert "plan.parquet" in str(exc.value) and "rerun the command" in str(exc.value)
    assert "\n" not in str(exc.value)


def test_a_garbage_series_chunk_is_quarantined_and_its_runs_redone(tmp_path, capfd):
    specs = _sim()
    d = tmp_path / "g"
    run_batch(specs, d, workers=0, chunk_size=1, quiet=True)
    store = Store(d)
    full = store.series()
    victim = store.series_files()[0]
    victim.write_bytes(b"garbage")
    report = run_batch(specs, d, workers=0, chunk_size=1, quiet=True)
    assert len(report.done) == 1 and "was damaged" in capfd.readouterr().err  # not "nothing to run"
    healed = Store(d).series()
    assert set(healed["run_id"]) == {s.run_id for s in specs}
    assert len(healed) == len(full)


def test_a_bad_runs_chunk_leaves_a_queryable_duckdb(tmp_path):
    specs = _toy()
    d = tmp_path / "b"
    run_batch(specs, d, workers=0, chunk_size=2, quiet=True)
    Store(d).run_files()[0].write_bytes(b"garbage")
    run_batch(specs, d, workers=0, chunk_size=2, quiet=True)
    con = connect(d)
    assert con.execute("select count(*) from runs").fetchone()[0] == 6
    assert con.execute("select count(*) from outcomes").fetchone()[0] == 6


def test_an_interrupted_compaction_never_duplicates_runs(tmp_path):
    specs = _sim(3)
    d = tmp_path / "c"
    run_batch(specs, d, workers=0, chunk_size=1, quiet=True)
    store = Store(d)
    before_out, before_series = store.outcomes(), store.series()
    small = store.run_files() + store.series_files()
    saved = {p: p.read_bytes() for p in small}
    assert store.compact(min_files=2) == 6
    for p, data in saved.items():  # as if killed after the merged rename, before the small files went
        p.write_bytes(data)
    assert len(store.attempts()) == 12  # raw rows: every run twice
    assert len(store.runs()) == 6 and len(store.outcomes()) == 6
    con = store.duckdb()
    assert con.execute("select count(*) from runs").fetchone()[0] == 6
    assert con.execute("select count(*) from attempts").fetchone()[0] == 12
    assert store.compact(min_files=2) == 6  # compacting again adds nothing twice
    assert len(store.attempts()) == 6
    for p, data in saved.items():
        p.write_bytes(data)
    notes = store.heal()
    assert any("interrupted compaction" in n for n in notes) and len(store.attempts()) == 6
    assert store.outcomes().equals(before_out)
    assert store.series().reset_index(drop=True).equals(before_series.reset_index(drop=True))


HOLD = """
import sys, time
from experiments.store import Store
s = Store(sys.argv[1]); s.lock(); print("locked", flush=True); time.sleep(30)
"""


def test_a_second_writer_is_refused_in_one_line(tmp_path, capsys):
    d = tmp_path / "l"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(d)], cwd=ROOT, stdout=subprocess.PIPE,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreError, match="another batch is writing this folder"):
            run_batch(_toy(2), d, workers=0, quiet=True)
        assert not (d / "plan.parquet").exists()
        spec = tmp_path / "sweep.toml"
        spec.write_text(f'base = "{TINY}"\nmodel = "experiments.toy:known_effect"\n[design]\nkind = "table"\n'
                        'points = [{ rescue_capacity = 0.5 }]\n')
        assert main(["sweep", str(spec), "--out", str(d), "--quiet"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"pid {holder.pid}" in err
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.05)
    assert run_batch(_toy(2), d, workers=0, quiet=True).ok  # the lock died with its process


def test_a_copied_store_folder_still_opens(tmp_path):
    specs = _sim(1)
    d = tmp_path / "orig"
    run_batch(specs, d, workers=0, quiet=True)
    copy = tmp_path / "elsewhere" / "copy"
    shutil.copytree(d, copy)
    shutil.rmtree(d)  # the views must not read the old folder
    con = connect(copy)
    assert con.execute("select count(*) from outcomes").fetchone()[0] == 2
    assert con.execute("select count(distinct run_id) from series").fetchone()[0] == 2
    assert con.execute("select count(*) from plan").fetchone()[0] == 2
    cwd = os.getcwd()
    try:  # plain DuckDB from inside the folder, no helper
        os.chdir(copy)
        plain = duckdb.connect("results.duckdb", read_only=True)
        assert plain.execute("select count(*) from runs").fetchone()[0] == 2
    finally:
        os.chdir(cwd)


def test_plan_has_json_objects_and_one_column_per_resolved_parameter(tmp_path):
    from experiments.compare import run_compare

    out = tmp_path / "cmp"
    run_compare([TINY, ROOT / "scenarios" / "rule_of_law.toml"], replicates=1, seed=2, setup=SMALL, out=out,
                workers=0, quiet=True, figures=False)
    plan = Store(out).plan()
    for p in params.PARAMETERS:
        assert p.name in plan.columns, p.name
    assert json.loads(plan["setup"].iloc[0]) == SMALL  # an object, not an array of pairs
    assert isinstance(json.loads(plan["overrides"].iloc[0]), dict)
    rule = plan[plan["label"] == "rule_of_law"].iloc[0]
    from sim.scenario import load_scenario

    expected = load_scenario(ROOT / "scenarios" / "rule_of_law.toml").values()
    assert all(rule[k] == pytest.approx(v) for k, v in expected.items())
    assert plan["setup_agents"].tolist() == [100, 100] and plan["setup_months"].tolist() == [2, 2]
    series = Store(out).series()
    assert set(series["label"]) == {"tiny", "rule_of_law"}
    # an old plan (arrays of pairs) still reads back as specs
    specs = Store(out).specs()
    assert {s.run_id for s in specs} == set(plan["run_id"])


def test_schema_md_is_written_and_describes_every_column(tmp_path):
    d = tmp_path / "sch"
    run_batch(_sim(1), d, workers=0, quiet=True)
    text = (d / "schema.md").read_text(encoding="utf-8")
    runs_cols = pq.read_schema(Store(d).run_files()[0]).names
    for col in runs_cols:
        assert f"`{col}`" in text, col
    deaths = next(line for line in text.splitlines() if line.startswith("| `deaths` |"))
    assert O.get("deaths").unit in deaths and "sum over" in deaths and O.get("deaths").zh in deaths
    rate = next(line for line in text.splitlines() if line.startswith("| `compliance_rate` |"))
    assert "mean over months" in rate and "compliant_enterprises / enterprises" in rate
    fine = next(line for line in text.splitlines() if line.startswith("| `fine_level` |"))
    assert params.get("fine_level").unit in fine
    hazards = next(line for line in text.splitlines() if line.startswith("| `hidden_hazards` |"))
    assert "mean of the year's end-of-month levels" in hazards
    assert "`label`" in text and "file_search_path" in text


def test_the_sensitivity_store_is_not_nested_runs_runs(tmp_path):
    from experiments.sensitivity.pipeline import run_sensitivity
    from experiments.sensitivity.spec import load_spec

    spec = load_spec(ROOT / "experiments" / "sensitivity" / "specs" / "ishigami.toml", samples=8, replicates=1)
    run_sensitivity(spec, tmp_path / "sa", workers=0, quiet=True, num_resamples=10, replicate_resamples=2)
    assert (tmp_path / "sa" / "store" / "runs").is_dir() and (tmp_path / "sa" / "store" / "schema.md").exists()
    assert not (tmp_path / "sa" / "runs").exists()
