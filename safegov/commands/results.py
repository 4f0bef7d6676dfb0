"""``safegov results DIR``: what an experiment folder holds (done / failed / missing) and headline tables."""

from __future__ import annotations

import sys

from safegov.commands.common import input_file, int_in
from sim.errors import InputError


def register(sub) -> None:
    p = sub.add_parser("results", help="show what an experiment folder holds",
                       description="List done / failed / missing runs of an experiment folder (from compare or "
                                   "sweep) and print headline tables per scenario or design point.")
    p.add_argument("dir", type=input_file, help="experiment folder")
    p.add_argument("--failures", type=int_in(0, 1_000_000, "a number of failed runs"), default=10,
                   help="failed runs to list (default 10)")
    p.set_defaults(func=main)


def main(args) -> int:
    from experiments.results import describe
    from experiments.store import Store

    if not args.dir.is_dir():
        raise InputError(str(args.dir), None, "not a folder" if args.dir.exists() else "folder not found")
    store = Store(args.dir)
    if not store.exists():
        raise InputError(str(args.dir), None, "not an experiment folder (no manifest.json, plan.parquet or runs/)")
    if store.try_lock():  # no batch is writing it: repair what can be repaired, say what was done
        try:
            for note in store.heal():
                sys.stderr.write(f"warning: {note}\n")
        finally:
            store.unlock()
    print(describe(store, max_failures=args.failures))
    return 0
