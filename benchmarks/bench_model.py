"""Model speed: enterprise-months per second of (a) the full model, (b) the numpy reference
kernel, (c) a per-agent Mesa loop, at 1e4, 1e5 and 1e6 enterprises, measured in one run.

    .venv/bin/python benchmarks/bench_model.py [--sizes 10000 100000 1000000] [--repeats 3]

Each measurement runs in a fresh subprocess (so peak memory is its own), pinned to one thread
(OMP_NUM_THREADS=1). Throughput excludes set-up; the 1e6 x 120-month line also reports the
total wall time including set-up and the peak resident memory. Trust the ratios more than the
absolute numbers: this machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {here!r})
import kernels
kind, n, months = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
t0 = time.perf_counter()
if kind == "full":
    from sim.model import SafetyModel
    model = SafetyModel(kernels.scenario(n, months), seed=0)
    t1 = time.perf_counter()
    model.run()
elif kind == "kernel":
    kernel = kernels.ReferenceKernel(n)
    t1 = time.perf_counter()
    kernel.run(months)
else:
    model = kernels.PerAgentModel(n)
    t1 = time.perf_counter()
    for _ in range(months):
        model.step()
t2 = time.perf_counter()
run = t2 - t1
print(json.dumps({{"kind": kind, "n": n, "months": months, "setup_s": t1 - t0, "run_s": run,
                  "total_s": t2 - t0, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def measure(kind: str, n: int, months: int) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD.format(here=str(HERE)), kind, str(n), str(months)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--repeats", type=int, default=3, help="best of N for (a) and (b)")
    ap.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = ap.parse_args()
    rows = []
    for n in args.sizes:
        per_agent_months = {10_000: 12, 100_000: 3}.get(n, 1)
        result = {"n": n}
        for kind, months, repeats in (
            ("full", args.months, args.repeats),
            ("kernel", args.months, args.repeats),
            ("per_agent", per_agent_months, 1),
        ):
            best = min((measure(kind, n, months) for _ in range(repeats)), key=lambda r: r["run_s"])
            result[kind] = best
            rate = n * months / best["run_s"] / 1e6
            print(
                f"n={n:>9,} {kind:<10} months={months:<4} run {best['run_s']:8.2f} s  setup {best['setup_s']:6.2f} s  "
                f"total {best['total_s']:7.2f} s  {rate:7.2f} M enterprise-months/s  peak {best['peak_mb']:7.0f} MB",
                flush=True,
            )
        rows.append(result)
    print()
    print(
        "| enterprises | full model (M e-m/s) | numpy kernel (M e-m/s) | per-agent Mesa (M e-m/s) | "
        "full / kernel time | full vs per-agent speed-up | full model 120 months, total s (peak MB) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        n = r["n"]
        full = n * r["full"]["months"] / r["full"]["run_s"] / 1e6
        kern = n * r["kernel"]["months"] / r["kernel"]["run_s"] / 1e6
        per = n * r["per_agent"]["months"] / r["per_agent"]["run_s"] / 1e6
        print(
            f"| {n:,} | {full:.2f} | {kern:.2f} | {per:.3f} | {kern / full:.2f} | {full / per:.0f}x | "
            f"{r['full']['total_s']:.1f} ({r['full']['peak_mb']:.0f}) |"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
