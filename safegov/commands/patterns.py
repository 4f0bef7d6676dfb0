"""``safegov patterns [--scale quick|full] [--out DIR] [--strict] [--baseline FILE] [--history FILE]``:
run the pattern battery (pattern-oriented modelling) and report each pattern's pass or fail."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from safegov.commands.common import int_in, out_dir, scenario_path


def register(sub) -> None:
    p = sub.add_parser(
        "patterns",
        help="check the model against documented patterns (pass/fail with 95%% intervals)",
        description="Run the model on documented patterns (causes 88:10:2, accident grades, Jiangsu's 2015-2024 "
        "history, the inspection experiment's penalty dependence and fade, the size gradient, lever liveness, "
        "resolution invariance, capture) and write patterns.csv, report.md/html and figures. History patterns "
        "need calibrated parameters: give them with --history.",
    )
    p.add_argument(
        "--scale",
        choices=("quick", "full"),
        default="quick",
        help="quick: a small world, a test of the pipeline (about a minute); full: the province (about 20 minutes on 2 cores)",
    )
    p.add_argument("--out", type=out_dir, default=None, help="output folder (default outputs/patterns-<scale>/)")
    p.add_argument("--strict", action="store_true", help="exit with status 1 when a pattern fails")
    p.add_argument("--baseline", type=scenario_path, default=None, help="baseline scenario (default scenarios/baseline.toml)")
    p.add_argument(
        "--history",
        type=scenario_path,
        default=None,
        help="historical scenario, with the parameters to test (default scenarios/historical.toml)",
    )
    p.add_argument(
        "--workers",
        type=int_in(0, 256, "a number of workers"),
        default=2,
        help="worker processes (default 2; 0 runs in this process)",
    )
    p.add_argument("--seed", type=int_in(0, 2**63 - 1, "a seed"), default=0, help="root seed (default 0)")
    p.set_defaults(func=main)


def main(args) -> int:
    from calibration.patterns import BASELINE, HISTORY, run_battery
    from sim.scenario import load_scenario

    baseline = str(args.baseline) if args.baseline else BASELINE
    history = str(args.history) if args.history else HISTORY
    from sim.inputs import check_output_dir

    for path in (baseline, history):  # bad input is reported before any run starts
        load_scenario(path)  # a path, a bare name or scenarios/NAME.toml from any working directory
    out = check_output_dir(args.out or Path("outputs") / f"patterns-{args.scale}", "--out")
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            sys.stderr.write(f"\rpatterns: {done}/{total} runs")
            sys.stderr.flush()

    result = run_battery(
        args.scale, out=out, workers=args.workers, baseline=baseline, history=history, seed=args.seed, progress=progress
    )
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    failed = [p for p in result.patterns if not p.passed]
    for p in result.patterns:
        mark = "pass" if p.passed else "FAIL"
        tag = " (needs calibration)" if p.needs_calibration else ""
        print(f"{mark:4s}  {p.name:40s} model {p.model:10.4g}  band [{p.low:.4g}, {p.high:.4g}]{tag}")
    print(
        f"{len(result.patterns) - len(failed)} of {len(result.patterns)} patterns pass; "
        f"wrote {out}/ in {time.perf_counter() - started:.0f} s (open {out}/report.html)"
    )
    return 1 if args.strict and failed else 0
