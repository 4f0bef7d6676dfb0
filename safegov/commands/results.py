"""``safegov results DIR``: what an experiment folder holds (done / failed / missing) and headline tables."""

from __future__ import annotations

from pathlib import Path

from sim.errors import InputError


def register(sub) -> None:
    p = sub.add_parser("results", help="show what an experiment folder holds",
                       description="List done / failed / missing runs of an experiment folder (from compare or "
                                   "sweep) and print headline tables per scenario or design point.")
    p.add_argument("dir", type=Path, help="experiment folder")
    p.add_argument("--failures", type=int, default=10, help="failed runs to list (default 10)")
    p.set_defaults(func=main)


def main(args) -> int:
    from experiments.results import describe
    from experiments.store import Store

    store = Store(args.dir)
    if not store.exists():
        raise InputError(str(args.dir), None, "not an experiment folder (no manifest.json or plan.parquet)")
    print(describe(store, max_failures=args.failures))
    return 0
