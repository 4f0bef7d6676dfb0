"""The runner survives its workers: a pool broken between a result and the next submit is restarted,
and pool workers never outlive a killed batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from experiments import runner
from experiments.runner import run_batch
from experiments.spec import RunSpec
from experiments.store import Store

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")


def _specs(n: int, **params) -> list[RunSpec]:
    return [RunSpec.make("", {"rescue_capacity": 0.5, **params}, seed=1, replicate=r, model="experiments.toy:sleeper")
            for r in range(n)]


class RacyPool(runner.ForkPool):
    """A real fork pool whose worker is SIGKILLed right before one submit, after a result came
    back: the pool is broken when ``submit`` is called (the race seen 1 in 22 kills)."""

    kill_at = 5  # workers=2 keeps 4 tasks in flight: call 5 is the first submit after a result
    killed = 0

    def submit(self, fn, /, *args, **kwargs):
        self.calls = getattr(self, "calls", 0) + 1
        if self.calls == self.kill_at and not RacyPool.killed:
            RacyPool.killed += 1
            victim = next(iter(self._ex._processes.values()))
            os.kill(victim.pid, signal.SIGKILL)
            deadline = time.monotonic() + 20
            while not self._ex._broken and time.monotonic() < deadline:  # the executor noticed the death
                time.sleep(0.005)
            assert self._ex._broken, "the pool did not notice its dead worker"
        return super().submit(fn, *args, **kwargs)


def test_a_worker_dying_between_a_result_and_the_next_submit_does_not_abort_the_batch(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "ForkPool", RacyPool)
    RacyPool.killed = 0
    specs = _specs(12)
    report = run_batch(specs, tmp_path / "race", workers=2, chunk_size=1, quiet=True)
    assert RacyPool.killed == 1
    assert report.ok and sorted(report.done) == sorted(s.run_id for s in specs)
    status = Store(tmp_path / "race").status()
    assert len(status) == 12 and set(status["state"]) == {"done"}


def test_a_pool_that_keeps_dying_fails_the_runs_instead_of_looping(tmp_path, monkeypatch):
    class DeadPool(runner.ForkPool):
        def submit(self, fn, /, *args, **kwargs):
            from concurrent.futures.process import BrokenProcessPool

            raise BrokenProcessPool("every worker is killed at once")

    monkeypatch.setattr(runner, "ForkPool", DeadPool)
    specs = _specs(3)
    report = run_batch(specs, tmp_path / "dead", workers=1, quiet=True)
    assert len(report.failed) == 3 and "died" in report.errors[specs[0].run_id]


SCRIPT = """
import sys
from experiments.runner import run_batch
from experiments.spec import RunSpec
specs = [RunSpec.make("", {"duration": 0.3, "rescue_capacity": 0.1}, seed=2, replicate=r, model="experiments.toy:sleeper")
         for r in range(200)]
run_batch(specs, sys.argv[1], workers=2, chunk_size=1, quiet=True)
"""


def _children(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                kids.append(int(entry.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the pool workers")
def test_sigkill_of_the_batch_leaves_no_worker_alive_after_5_seconds(tmp_path):
    script = tmp_path / "batch.py"
    script.write_text(SCRIPT)
    store_dir = tmp_path / "orphans"
    proc = subprocess.Popen([sys.executable, str(script), str(store_dir)], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            workers = _children(proc.pid)
            if len(workers) >= 2 and Store(store_dir).run_files():  # the pool is working
                break
            time.sleep(0.05)
        assert len(workers) >= 2, "the batch never started its pool"
        os.kill(proc.pid, signal.SIGKILL)  # the parent only, as the OOM killer or kill -9 would
        proc.wait(timeout=10)
        killed_at = time.monotonic()
        while time.monotonic() - killed_at < 5 and any(_alive(w) for w in workers):
            time.sleep(0.05)
        alive = [w for w in workers if _alive(w)]
        assert not alive, f"pool workers {alive} outlived their killed parent by more than 5 s"
    finally:
        for w in workers:  # only the processes this test started
            if _alive(w):
                os.kill(w, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
