"""Benchmark: Morris screening of every policy lever (r = 20 trajectories, 5 replicates) at the
default sensitivity scale, on 2 workers. Target: at most 5 minutes.

    .venv/bin/python benchmarks/bench_sensitivity.py [--workers 2] [--out DIR] [--samples 20] [--replicates 5]

The scale is ``experiments.sensitivity.spec.DEFAULT_SCALE`` (the whole province, 3,000 agents of
400 enterprises, 36 months after a 12-month warm-up); the spec is
``experiments/sensitivity/specs/levers_morris.toml``. The output folder is emptied first so
every run is timed (a rerun of the same command would otherwise resume and skip them).
It prints the scale, the number of runs, the wall time (runs, analysis, report) and the
median time of one run, and writes them to ``<out>/benchmark.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_S = 300.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--samples", type=int, default=20)
    ap.add_argument("--replicates", type=int, default=5)
    ap.add_argument("--out", type=Path, default=ROOT / "outputs" / "bench_sensitivity")
    args = ap.parse_args(argv)

    from experiments.sensitivity.pipeline import STORE, run_sensitivity
    from experiments.sensitivity.spec import load_spec
    from experiments.store import Store

    spec = load_spec(
        ROOT / "experiments" / "sensitivity" / "specs" / "levers_morris.toml", samples=args.samples, replicates=args.replicates
    )
    if args.out.exists():
        shutil.rmtree(args.out)
    load_before = os.getloadavg()
    started = time.perf_counter()
    result = run_sensitivity(spec, args.out, workers=args.workers, quiet=True)
    wall = time.perf_counter() - started
    runs = Store(args.out / STORE).runs()
    per_run = statistics.median(runs["elapsed_s"]) if len(runs) else float("nan")
    record = {
        "benchmark": "Morris screening of all levers",
        "factors": len(spec.factors),
        "trajectories": spec.samples,
        "replicates": spec.replicates,
        "design_points": len(result.X),
        "runs": int(len(runs)),
        "failed": len(result.batch.failed),
        "workers": args.workers,
        "scale": spec.setup,
        "scenario": Path(spec.scenario).name,
        "outputs": list(spec.all_outputs()),
        "wall_s": round(wall, 1),
        "batch_s": round(result.batch.elapsed_s, 1),
        "analysis_and_report_s": round(wall - result.batch.elapsed_s, 1),
        "median_run_s": round(per_run, 3),
        "target_s": TARGET_S,
        "within_target": wall <= TARGET_S,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    (args.out / "benchmark.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    print(
        f"Morris screening: {record['factors']} levers, r = {spec.samples}, {spec.replicates} replicates -> "
        f"{record['runs']} runs ({record['failed']} failed) on {args.workers} workers"
    )
    print(f"scale: {spec.setup} (scenario {record['scenario']})")
    print(
        f"wall {wall:.1f} s (runs {record['batch_s']} s, analysis + report {record['analysis_and_report_s']} s); "
        f"median run {per_run:.3f} s; target {TARGET_S:.0f} s: {'met' if record['within_target'] else 'MISSED'}"
    )
    print(f"load average before/after: {record['load_average_before']} / {record['load_average_after']}")
    for a in result.analyses:
        if "__" not in a.output:
            print(f"  {a.output:<18} top: {(a.summary.get('top_factors') or '-').replace(';', ', ')}")
    print(f"report: {args.out / 'report.html'}")
    return 0 if record["within_target"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
