"""``safegov sweep SPEC.toml [--workers N] [--scheduler ADDR] [--out DIR]``: a designed batch of runs."""

from __future__ import annotations

from pathlib import Path

from safegov.commands.batchopts import add_batch_flags, report_failures
from safegov.commands.common import input_file, out_dir


def register(sub) -> None:
    p = sub.add_parser("sweep", help="run a designed sweep (factorial, Latin hypercube or table) into a store",
                       description="Run every design point of a sweep spec on the same replicate seeds and write the "
                                   "results store (Parquet + DuckDB). Rerunning the same command resumes. "
                                   "Examples: experiments/sweep_*.toml.")
    p.add_argument("spec", type=input_file, help="sweep spec (TOML)")
    p.add_argument("--out", type=out_dir, default=None, help="experiment folder (default outputs/sweep-<spec>/)")
    add_batch_flags(p)
    p.set_defaults(func=main)


def main(args) -> int:
    from experiments.results import headline_table
    from experiments.runner import check_scheduler, run_batch
    from experiments.store import Store
    from experiments.sweep import load_sweep
    from sim.inputs import check_output_dir, safe_file_name
    from sim.outputs import atomic_write

    sweep = load_sweep(args.spec)  # one-line InputError before anything is written
    out = check_output_dir(args.out or Path("outputs") / f"sweep-{safe_file_name(args.spec.stem)}", "--out")
    check_scheduler(args.scheduler)
    specs = sweep.specs()
    report = run_batch(specs, out, workers=args.workers, scheduler=args.scheduler, quiet=args.quiet,
                       chunk_size=args.chunk_size, manifest_extra=sweep.manifest(), desc="sweep")
    design = sweep.design_table()
    atomic_write(Path(out) / "design.csv", lambda p: design.to_csv(p, index=False))
    store = Store(out)
    wanted = {s.run_id for s in specs}
    outcomes = store.outcomes()
    outcomes = outcomes[outcomes["run_id"].isin(wanted)]
    print(headline_table(outcomes, max_rows=20))
    print(report.summary())
    if len(outcomes):
        from experiments.sweep_report import ENVELOPE_METRICS, write_sweep_report

        series = store.series(metrics=list(ENVELOPE_METRICS)) if sweep.raw.model == "sim" else None
        if series is not None:
            series = series[series["run_id"].isin(wanted)]
        files = write_sweep_report(Path(out), sweep, outcomes.reset_index(drop=True), series, report)
        print(f"wrote design.csv, {', '.join(f.name for f in files)} to {out}/")
        print(f"open {Path(out) / 'report.html'} in a browser (factors against outcomes, envelopes per design point)")
    return report_failures(report)
