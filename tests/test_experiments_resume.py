"""A batch killed with SIGKILL at any point and resumed ends with exactly the planned runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas.testing as pdt
import pyarrow.parquet as pq
import pytest

from experiments.runner import run_batch
from experiments.spec import replicate_specs
from experiments.store import Store

ROOT = Path(__file__).resolve().parent.parent
TINY = str(ROOT / "scenarios" / "tiny.toml")
pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")

SCRIPT = """
import sys
from experiments.runner import run_batch
from experiments.spec import replicate_specs
specs = replicate_specs([({tiny!r}, "a", {{}}), ({tiny!r}, "b", {{"fine_level": 2.5}})], 12, 9,
                        setup={{"agents": 150, "months": 12}})
report = run_batch(specs, sys.argv[1], workers=int(sys.argv[2]), chunk_size=2, quiet=True)
print(len(report.done), len(report.skipped), len(report.failed))
"""


def _specs():
    return replicate_specs([(TINY, "a", {}), (TINY, "b", {"fine_level": 2.5})], 12, 9,
                           setup={"agents": 150, "months": 12})


def _committed(store_dir: Path) -> int:
    runs = store_dir / "runs"
    return len([p for p in runs.glob("*.parquet") if not p.name.startswith(".")]) if runs.exists() else 0


def test_sigkill_then_resume_gives_exactly_the_planned_runs(tmp_path):
    script = tmp_path / "batch.py"
    script.write_text(SCRIPT.format(tiny=TINY))
    store_dir = tmp_path / "killed"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # Kill at different moments: before any chunk, after the first, and later ones (mid-write
    # at whatever point the process happens to be).
    kills = 0
    for wait_for in (0, 1, 3):
        proc = subprocess.Popen([sys.executable, str(script), str(store_dir), "2"], cwd=ROOT, env=env,
                                start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        start_count = _committed(store_dir)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if wait_for == 0 and (store_dir / "manifest.json").exists():
                break
            if wait_for and _committed(store_dir) >= start_count + wait_for:
                break
            time.sleep(0.01)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait(timeout=30)
    assert kills >= 2, "the batch finished before it could be killed; make it longer"
    # A partial state exists: fewer runs than planned (unless the last kill came very late).
    final = subprocess.run([sys.executable, str(script), str(store_dir), "2"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120, check=True)
    done_now, skipped, failed = map(int, final.stdout.split())
    assert failed == 0 and done_now + skipped == 24 and skipped > 0

    store = Store(store_dir)
    planned = {s.run_id for s in _specs()}
    status = store.status()
    assert set(status["run_id"]) == planned and set(status["state"]) == {"done"}
    # No duplicates anywhere: every committed run row is a distinct planned run.
    rows = [r for f in store.run_files() for r in pq.read_table(f, columns=["run_id"]).column(0).to_pylist()]
    assert sorted(rows) == sorted(planned)
    assert not list(store_dir.rglob(".*.tmp-*"))

    reference = tmp_path / "reference"
    run_batch(_specs(), reference, workers=0, quiet=True)
    ref = Store(reference)
    versions = set(store.runs()["code_version"]) | set(ref.runs()["code_version"])
    if len(versions) > 1:  # only in a tree whose model is being edited while the test runs
        pytest.skip(f"the model source changed during the test ({versions})")
    pdt.assert_frame_equal(store.outcomes(), ref.outcomes())
    pdt.assert_frame_equal(store.series(), ref.series())


def test_half_written_chunk_is_never_read(tmp_path):
    """A crash between a chunk's series file and its runs file (or mid-write) leaves nothing readable."""
    import pyarrow as pa

    specs = [s for s in _specs() if s.replicate < 2]
    store_dir = tmp_path / "s"
    run_batch(specs[:2], store_dir, workers=0, quiet=True)
    store = Store(store_dir)
    before_out, before_series = store.outcomes(), store.series()
    # an orphan series file (its runs file never renamed into place) and temporary files
    orphan = pa.table({"run_id": [specs[2].run_id], "year": pa.array([2020], pa.int32()), "region": ["all"],
                       "city": ["all"], "metric": ["deaths"], "value": [1.0]})
    pq.write_table(orphan, store_dir / "series" / "deadbeef-0000.parquet")
    (store_dir / "runs" / ".abc.parquet.tmp-123").write_bytes(b"PAR1 half a file")
    pdt.assert_frame_equal(store.outcomes(), before_out)
    pdt.assert_frame_equal(store.series(), before_series)
    assert store.status()["state"].value_counts()["done"] == 2
    run_batch(specs, store_dir, workers=0, quiet=True)
    assert not (store_dir / "series" / "deadbeef-0000.parquet").exists()
    assert not list(store_dir.rglob(".*.tmp-*"))
    assert len(Store(store_dir).outcomes()) == len(specs)


def test_compaction_keeps_every_run_once(tmp_path):
    specs = [s for s in _specs() if s.replicate < 3]
    store_dir = tmp_path / "c"
    run_batch(specs, store_dir, workers=0, chunk_size=1, quiet=True)  # 6 chunks: below the threshold
    store = Store(store_dir)
    assert len(store.run_files()) == 6
    out, series, status = store.outcomes(), store.series(), store.status()
    assert store.compact(min_files=2) == 6
    assert len(store.run_files()) == 1 and len(store.series_files()) == 1
    pdt.assert_frame_equal(store.outcomes(), out)
    pdt.assert_frame_equal(store.series(), series)
    pdt.assert_frame_equal(store.status(), status)
    assert store.duckdb().execute("select count(*) from outcomes").fetchone()[0] == 6


def test_a_damaged_chunk_file_is_quarantined_and_its_runs_redone(tmp_path, capfd):
    specs = [s for s in _specs() if s.replicate < 2]
    store_dir = tmp_path / "d"
    run_batch(specs, store_dir, workers=0, chunk_size=1, quiet=True)
    store = Store(store_dir)
    victim = store.run_files()[0]
    victim.write_bytes(victim.read_bytes()[:20])  # as if a power loss truncated it
    with pytest.warns(RuntimeWarning, match="unreadable"):
        assert len(store.outcomes()) == len(specs) - 1
    report = run_batch(specs, store_dir, workers=0, quiet=True)
    assert len(report.done) == 1
    assert f"chunk {victim.name} was damaged" in capfd.readouterr().err
    assert not victim.exists() and victim.name in (store_dir / "quarantine" / "log.txt").read_text()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing left to warn about
        assert len(Store(store_dir).outcomes()) == len(specs)
