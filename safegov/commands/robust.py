"""``safegov robust SPEC.toml [--out DIR]``: many-objective robust policy search (EMA Workbench's
epsilon-NSGA-II over the levers, robustness over sampled uncertain states; resumable)."""

from __future__ import annotations

from pathlib import Path

from safegov.commands.batchopts import add_batch_flags


def register(sub) -> None:
    p = sub.add_parser(
        "robust", help="robust policy search over the levers (EMA Workbench, epsilon-NSGA-II)",
        description="Search the policy levers for non-dominated policies whose objectives (from sim/outcomes.py) "
                    "hold up over sampled states of the world of the uncertain parameters (the calibration "
                    "posterior when calibration/results/jiangsu/ has one, else the declared ranges), within a "
                    "budget on the enforcement cost. Writes pareto.csv, a parallel-coordinates figure and a report. "
                    "Rerunning the same spec resumes. Examples: experiments/robust_*.toml.")
    p.add_argument("spec", type=Path, help="robust-search spec (TOML)")
    p.add_argument("--out", type=Path, default=None, help="output folder (default outputs/robust-<spec>/)")
    add_batch_flags(p)
    p.set_defaults(func=main)


def main(args) -> int:
    from experiments.ema import require_ema
    from experiments.robust import load_spec, run_robust, write

    require_ema()
    spec = load_spec(args.spec)  # one-line InputError before anything is written
    out = args.out or Path("outputs") / f"robust-{args.spec.stem}"
    result = run_robust(spec, out, workers=args.workers, scheduler=args.scheduler, chunk_size=args.chunk_size,
                        quiet=args.quiet)
    files = write(result, spec, out)
    table, stat = result["pareto"], spec.raw.statistic
    print(f"uncertainty: {spec.raw.scenarios} states from the {spec.uncertainty_source()}")
    print(f"{len(table)} non-dominated policies ({result['runs_done']} runs, {result['runs_reused']} reused):")
    cols = list(spec.levers) + [f"{n}_{stat}" for n in spec.objectives] + (["cost_per_year"] if spec.raw.budget else [])
    if len(table):
        from experiments.reporting.numbers import num

        print(table[cols].to_string(index=False, float_format=num))
    print(f"wrote {', '.join(f.name for f in files)} to {out}/")
    return 0
