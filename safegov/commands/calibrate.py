"""``safegov calibrate SPEC.toml [--workers N] [--scheduler ADDR] [--out DIR]``"""

from __future__ import annotations

import sys
from pathlib import Path

from safegov.commands.batchopts import scheduler_arg
from safegov.commands.common import input_file, int_in, out_dir, out_file


def register(sub) -> None:
    p = sub.add_parser(
        "calibrate", help="fit uncertain parameters to historical figures (ABC-SMC and a CRN point estimate)",
        description="Fit the free uncertain parameters named in SPEC to the targets it names, with ABC-SMC "
                    "(pyABC) and/or a simulated-likelihood point estimate; write posterior samples, 90% "
                    "intervals, posterior predictive figures, the held-out check and a calibrated scenario. "
                    "Every model run goes through the experiments runner: rerunning resumes.")
    p.add_argument("spec", type=input_file, help="calibration spec (TOML), e.g. calibration/specs/jiangsu.toml")
    p.add_argument("--workers", type=int_in(0, 4096, "a number of workers"), default=None,
                   help="worker processes (default: all cores; 0 = in-process)")
    p.add_argument("--scheduler", type=scheduler_arg, default=None,
                   help="Dask scheduler: 'local' or tcp://HOST:PORT (default: a local process pool)")
    p.add_argument("--out", type=out_dir, default=None, help="output folder (default outputs/calibrate-<spec>/)")
    p.add_argument("--scenario-out", type=out_file, default=None,
                   help="calibrated scenario to write (default: the spec's output_scenario, "
                        "else scenarios/calibrated.toml)")
    p.add_argument("--method", choices=("abc-smc", "point", "all"), default="all",
                   help="run only one of the spec's methods (default: all it lists)")
    p.add_argument("--allow-recalled", action="store_true",
                   help="allow figures flagged 'recalled' (not found in a source) in the targets")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=main)


def main(args) -> int:
    from calibration.pipeline import calibrate
    from calibration.spec import load_spec
    from experiments.runner import check_scheduler
    from sim.errors import InputError
    from sim.inputs import check_output_dir, check_output_file, safe_file_name

    spec = load_spec(args.spec, allow_recalled=args.allow_recalled or None)  # validates before writing
    methods = spec.methods if args.method == "all" else [args.method]
    if args.method != "all" and args.method not in spec.methods:
        raise InputError("--method", None, f"{args.method!r} is not among the spec's methods {spec.methods}")
    # every output place is checked before the calibration starts (it can take hours)
    out = check_output_dir(args.out or Path("outputs") / f"calibrate-{safe_file_name(args.spec.stem)}", "--out")
    scenario_flag = "--scenario-out" if args.scenario_out is not None else f"{args.spec}: output_scenario"
    check_output_file(spec.output_scenario(args.scenario_out), scenario_flag)
    check_scheduler(args.scheduler)
    try:
        summary = calibrate(spec, out, workers=args.workers, scheduler=args.scheduler, quiet=args.quiet,
                            scenario_out=args.scenario_out, methods=methods)
    except RuntimeError as exc:  # model runs failed: the store keeps what finished; a rerun resumes
        sys.stderr.write(f"safegov calibrate: {exc} (tracebacks: safegov results {out}/store/...; "
                         "rerun to resume)\n")
        return 1
    print(f"wrote {out}/ (parameters.csv, predictive.csv, posterior_*.parquet, figures/, report.md) and "
          f"{summary['scenario_written']} in {summary['seconds']:.1f} s ({summary['model_runs']} model runs)")
    return 0
