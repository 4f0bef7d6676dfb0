"""``safegov sensitivity SPEC.toml --method morris|sobol|pawn [--samples N] [--replicates R]
[--outputs deaths,major_accidents,...] [--regions] [--workers N] [--scheduler ADDR] [--out DIR]``

Global sensitivity analysis over the factors a spec picks from the declared parameter space
(or over a callable model's factors); runs go through the experiments runner (progress, resume,
Dask, failures). See experiments/sensitivity/spec.py for the spec format and README
"Sensitivity analysis" for how to read the results.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from safegov.commands.batchopts import scheduler_arg
from safegov.commands.common import input_file, int_in, out_dir


def _outputs(text: str) -> list[str]:
    names = [t.strip() for t in text.split(",") if t.strip()]
    if not names or len(text) > 10_000:
        raise argparse.ArgumentTypeError(f"expected comma-separated output names, got {text[:80]!r}")
    return names


def register(sub) -> None:
    p = sub.add_parser("sensitivity", help="sensitivity analysis over levers (Morris, Sobol', PAWN)",
                       description="Global sensitivity analysis of the model's outputs to the levers and "
                                   "uncertain parameters a spec chooses, with replicate noise handled.")
    p.add_argument("spec", type=input_file, metavar="SPEC.toml", help="sensitivity spec (experiments/sensitivity/spec.py)")
    p.add_argument("--method", choices=("morris", "sobol", "pawn"), default=None,
                   help="method (default: the spec's, else morris)")
    p.add_argument("--samples", type=int_in(2, 1_000_000, "a number of samples"), default=None,
                   help="Morris trajectories r / Sobol' base N (a power of two) / PAWN rows")
    p.add_argument("--replicates", type=int_in(1, 10_000, "a number of replicates"), default=None,
                   help="runs per design point, sharing seeds across points (CRN)")
    p.add_argument("--outputs", type=_outputs, default=None,
                   help="comma-separated outputs, e.g. deaths,major_accidents,compliance_rate "
                        "(aliases and region suffixes like deaths__north accepted)")
    p.add_argument("--regions", action="store_true", default=None,
                   help="also analyse each output per region (苏南/苏中/苏北)")
    p.add_argument("--seed", type=int_in(0, 2**63 - 1, "a seed"), default=None, help="sampling and root seed")
    p.add_argument("--workers", type=int_in(0, 1024, "a number of workers"), default=None,
                   help="worker processes (default: all cores; 0 = in-process)")
    p.add_argument("--scheduler", type=scheduler_arg, default=None,
                   help="Dask scheduler: 'local' or tcp://HOST:PORT (default: a local process pool)")
    p.add_argument("--out", type=out_dir, default=None,
                   help="output folder (default outputs/sensitivity-<spec>-<method>/); rerun to resume")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=main)


def main(args) -> int:
    from experiments.runner import check_scheduler
    from experiments.sensitivity.pipeline import SensitivityError, run_sensitivity
    from experiments.sensitivity.spec import load_spec
    from sim.inputs import check_output_dir, safe_file_name

    spec = load_spec(args.spec, method=args.method, samples=args.samples, replicates=args.replicates,
                     outputs=args.outputs, seed=args.seed, regions=args.regions)
    out = check_output_dir(args.out or Path("outputs") / f"sensitivity-{safe_file_name(args.spec.stem)}-{spec.method}",
                           "--out")
    check_scheduler(args.scheduler)
    try:
        result = run_sensitivity(spec, out, workers=args.workers, scheduler=args.scheduler, quiet=args.quiet)
    except SensitivityError as exc:
        print(f"safegov sensitivity: {exc}", file=sys.stderr)
        for line in exc.batch.failure_lines(5):
            print(line, file=sys.stderr)
        return 1
    batch = result.batch
    print(f"{spec.method}: {len(spec.factors)} factors, {len(result.X)} design points x {spec.replicates} "
          f"replicates; {batch.summary()}")
    for line in batch.failure_lines():
        print(line, file=sys.stderr)
    for line in result.meta.get("skipped_outputs", []):
        print(f"  not analysed: {line}", file=sys.stderr)
    for a in result.analyses:
        s = a.summary
        top = s.get("top_factors") or "-"
        noise = s.get("noise_share_runs")
        noise_txt = "" if noise is None or noise != noise else f"  noise {100 * noise:.0f}%/{100 * s['noise_share_means']:.0f}%"
        print(f"  {a.output:<28} top: {top.replace(';', ', ')}{noise_txt}")
        if a.warnings:
            more = f" (+{len(a.warnings) - 1} more in report.md)" if len(a.warnings) > 1 else ""
            print(f"    warning: {a.warnings[0]}{more}")
    print(f"wrote {len(result.files)} files to {out}/ (report.html, indices.csv) in {result.elapsed_s:.1f} s")
    return 0
