"""Flags shared by the batch commands (compare, sweep): workers, scheduler, quiet, chunking."""

from __future__ import annotations

import argparse
import sys

from safegov.commands.common import int_in


def scheduler_arg(text: str) -> str:
    """A scheduler choice, syntax checked here; reachability is checked before the batch starts."""
    from experiments.runner import parse_scheduler
    from sim.errors import InputError

    try:
        parse_scheduler(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(exc.problem) from None
    return text


def add_batch_flags(p) -> None:
    g = p.add_argument_group("execution")
    g.add_argument("--workers", type=int_in(0, 4096, "a number of workers"), default=None,
                   help="worker processes (default: all cores; 0 = run in this process)")
    g.add_argument("--scheduler", type=scheduler_arg, default=None, metavar="ADDR",
                   help="Dask scheduler address tcp://HOST:PORT, or 'local' for a Dask LocalCluster "
                        "(default: a local process pool)")
    g.add_argument("--chunk-size", type=int_in(1, 100_000, "a chunk size"), default=None,
                   help="runs per task (default: adapts to about 0.25 s of work per task)")
    g.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def report_failures(report) -> int:
    """Print the batch summary and failures; return the exit status (1 if any run failed)."""
    if report.failed:
        sys.stderr.write(f"{len(report.failed)} run(s) failed (rerun the same command to retry them):\n")
        sys.stderr.write("\n".join(report.failure_lines()) + "\n")
        return 1
    return 0
