"""Benchmark of the experiments runner (not a test): per-run overhead and 2-worker efficiency.

    .venv/bin/python benchmarks/bench_runner.py            # full (about 2 minutes on 2 cores)
    .venv/bin/python benchmarks/bench_runner.py --quick    # smaller counts

1. Per-run overhead of each executor including storage (target <= 20 ms): batches of no-op
   callable runs (``experiments.toy:sleeper``) of two sizes; overhead = (T(N2) - T(N1)) /
   (N2 - N1), so executor start-up is reported separately. Dask is measured on one running
   LocalCluster reached by its tcp:// address (as an existing cluster); starting a LocalCluster
   per batch (``--scheduler local``) is timed on its own. Also with chunk_size=1 (no chunking),
   and for real tiny model runs (in-process batch time minus the runs' own time, series stored).
2. 2-worker efficiency for runs of >= 0.5 s (target >= 0.9): CPU-bound runs of 0.5 s each;
   efficiency = work / (2 x wall time), steady state (slope between two batch sizes) and for
   a whole batch including executor start-up, for the process pool and a Dask LocalCluster.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from experiments.runner import run_batch
from experiments.spec import RunSpec
from experiments.store import Store

ROOT = Path(__file__).resolve().parent.parent
EXECUTORS = {"in-process": {"workers": 0}, "pool-2": {"workers": 2}}  # + "dask-2", filled in main()


def noop_specs(n: int, tag: str, **params) -> list[RunSpec]:
    return [RunSpec.make("", params, seed=1, replicate=r, model="experiments.toy:sleeper", label=tag) for r in range(n)]


def timed_batch(specs, **kwargs) -> tuple[float, object]:
    folder = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        t = time.perf_counter()
        report = run_batch(specs, folder / "store", quiet=True, **kwargs)
        elapsed = time.perf_counter() - t
        assert report.ok and len(report.done) == len(specs), report.summary()
        return elapsed, report
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def overhead(n1: int, n2: int, reps: int, **kwargs) -> tuple[float, float]:
    """(per-run overhead in ms, start-up in s): medians over reps."""
    per, start = [], []
    for k in range(reps):
        t1, _ = timed_batch(noop_specs(n1, f"a{k}"), **kwargs)
        t2, _ = timed_batch(noop_specs(n2, f"b{k}"), **kwargs)
        slope = (t2 - t1) / (n2 - n1)
        per.append(1000 * slope)
        start.append(t1 - slope * n1)
    per.sort()
    start.sort()
    return per[len(per) // 2], start[len(start) // 2]


def _sim_batch(n: int, **kwargs) -> tuple[float, float]:
    """(wall s, sum of the runs' own time s) of n tiny model runs with outcomes and series stored."""
    tiny = str(ROOT / "scenarios" / "tiny.toml")
    specs = [RunSpec.make(tiny, {}, {"months": 12, "agents": 300}, seed=2, replicate=r, label=f"n{n}") for r in range(n)]
    folder = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        t = time.perf_counter()
        run_batch(specs, folder / "s", quiet=True, **kwargs)
        wall = time.perf_counter() - t
        return wall, float(Store(folder / "s").runs()["elapsed_s"].sum())
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def sim_overhead(n1: int, n2: int) -> tuple[float, float]:
    """In-process tiny model runs: (per-run overhead ms outside the runs, mean run s); slope n1 -> n2."""
    w1, c1 = _sim_batch(n1, workers=0)
    w2, c2 = _sim_batch(n2, workers=0)
    return 1000 * ((w2 - c2) - (w1 - c1)) / (n2 - n1), c2 / n2


def efficiency(n1: int, n2: int, seconds: float, **kwargs) -> tuple[float, float]:
    """(steady-state efficiency from the slope n1 -> n2, whole-batch efficiency of n2 incl. start-up)."""
    w1, _ = timed_batch(noop_specs(n1, f"cpu{seconds}-{n1}", cpu_seconds=seconds), **kwargs)
    w2, _ = timed_batch(noop_specs(n2, f"cpu{seconds}-{n2}", cpu_seconds=seconds), **kwargs)
    return (n2 - n1) * seconds / (2 * (w2 - w1)), n2 * seconds / (2 * w2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n1, n2, reps = (50, 250, 1) if args.quick else (100, 600, 3)
    # Dask: one LocalCluster (2 single-threaded worker processes) for all measurements, reached by
    # its tcp address as an existing cluster would be; its start-up is measured on its own.
    import logging

    from distributed import LocalCluster

    t_local, _ = timed_batch(noop_specs(1, "startup"), workers=2, scheduler="local")
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                           silence_logs=logging.ERROR)
    EXECUTORS["dask-2"] = {"scheduler": cluster.scheduler_address}
    load = os.getloadavg()
    print(f"cores: {len(os.sched_getaffinity(0))}; load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("\n1. per-run overhead incl. storage (no-op callable runs; target <= 20 ms)")
    print(f"{'executor':<16}{'chunking':<12}{'ms per run':>12}{'start-up s':>12}")
    for name, kw in EXECUTORS.items():
        ms, start = overhead(n1, n2, reps, **kw)
        print(f"{name:<16}{'adaptive':<12}{ms:>12.2f}{start:>12.2f}")
    for name, kw in EXECUTORS.items():
        if name == "in-process":
            continue
        ms, start = overhead(20, 120, 1, chunk_size=1, **kw)
        print(f"{name:<16}{'1 per task':<12}{ms:>12.2f}{start:>12.2f}")
    ms, run_s = sim_overhead(*((10, 30) if args.quick else (20, 80)))
    print(
        f"{'in-process':<16}{'adaptive':<12}{ms:>12.2f}{'':>12}  tiny model runs ({1000 * run_s:.0f} ms each), "
        "outcomes + annual series stored"
    )
    print("\n2. 2-worker efficiency, CPU-bound runs of 0.5 s (target >= 0.9)")
    n1, n2 = (4, 8) if args.quick else (4, 20)
    for name in ("pool-2", "dask-2"):
        steady, whole = efficiency(n1, n2, 0.5, **EXECUTORS[name])
        print(f"{name:<16}steady state {steady:.3f}; whole batch of {n2} runs incl. start-up {whole:.3f}")
    print(f"\n'--scheduler local' (a new LocalCluster per batch): a 1-run batch takes {t_local:.2f} s; "
          "dask-2 above is a running LocalCluster reached by its tcp address")
    cluster.close()
    load = os.getloadavg()
    print(f"\nload average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
