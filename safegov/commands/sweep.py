"""``safegov sweep SPEC.toml [--workers N] [--scheduler ADDR] [--out DIR]``: a designed batch of runs."""

from __future__ import annotations

from pathlib import Path

from safegov.commands.batchopts import add_batch_flags, report_failures


def register(sub) -> None:
    p = sub.add_parser("sweep", help="run a designed sweep (factorial, Latin hypercube or table) into a store",
                       description="Run every design point of a sweep spec on the same replicate seeds and write the "
                                   "results store (Parquet + DuckDB). Rerunning the same command resumes. "
                                   "Examples: experiments/sweep_*.toml.")
    p.add_argument("spec", type=Path, help="sweep spec (TOML)")
    p.add_argument("--out", type=Path, default=None, help="experiment folder (default outputs/sweep-<spec>/)")
    add_batch_flags(p)
    p.set_defaults(func=main)


def main(args) -> int:
    from experiments.results import headline_table
    from experiments.runner import run_batch
    from experiments.store import Store, _atomic
    from experiments.sweep import load_sweep

    sweep = load_sweep(args.spec)  # one-line InputError before anything is written
    out = args.out or Path("outputs") / f"sweep-{args.spec.stem}"
    specs = sweep.specs()
    report = run_batch(specs, out, workers=args.workers, scheduler=args.scheduler, quiet=args.quiet,
                       chunk_size=args.chunk_size, manifest_extra=sweep.manifest(), desc="sweep")
    design = sweep.design_table()
    _atomic(Path(out) / "design.csv", lambda p: design.to_csv(p, index=False))
    outcomes = Store(out).outcomes()
    outcomes = outcomes[outcomes["run_id"].isin({s.run_id for s in specs})]
    print(headline_table(outcomes, max_rows=20))
    print(report.summary())
    return report_failures(report)
