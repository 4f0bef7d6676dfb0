"""``safegov experiment rct [SCENARIO] --share S --month T --follow M [--replicates R] [--out DIR]``:
a randomised inspection experiment in silico, with a twin run on common random numbers."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from safegov.commands.common import DEFAULT_SCENARIO, int_in, out_dir, scenario_path


def share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a share between 0 and 1, got {text!r}") from None
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a share between 0 (excluded) and 1, got {value}")
    return value


def register(sub) -> None:
    p = sub.add_parser(
        "experiment",
        help="in-silico experiments (rct: a randomised inspection experiment)",
        description="In-silico experiments that intervene through the model's own code paths.",
    )
    kinds = p.add_subparsers(dest="kind", metavar="KIND")
    kinds.required = True
    r = kinds.add_parser(
        "rct",
        help="inspect a random share of firms and follow them against a twin run",
        description="In month T, inspect a random share S of eligible firms (active, with a regulator) on top of the "
        "routine inspections, follow them for M months and compare each with itself in a twin run without the "
        "inspection (common random numbers). Reports the effect on accidents, injuries, deaths, accident risk and "
        "survival by year after the inspection, split by what it did (penalty, rectification only, let off, "
        "nothing found), with 95% intervals over replicates; and the classical treated-vs-untreated estimate.",
    )
    r.add_argument(
        "scenario", nargs="?", type=scenario_path, default=DEFAULT_SCENARIO, help="scenario file or name (default: baseline)"
    )
    r.add_argument("--share", type=share, default=0.05, help="share of eligible firms inspected (default 0.05)")
    r.add_argument("--month", type=int_in(1, 480, "a month"), default=13, help="month of the inspection (default 13)")
    r.add_argument(
        "--follow",
        type=int_in(1, 240, "a number of months"),
        default=48,
        help="months followed, the inspection month included (default 48)",
    )
    r.add_argument("--replicates", "-R", type=int_in(1, 1000, "a number of replicates"), default=8, help="replicates (default 8)")
    r.add_argument(
        "--agents",
        type=int_in(10, 5_000_000, "a number of agents"),
        default=20_000,
        help="agents (default 20,000; the scenario's real number of firms is kept)",
    )
    r.add_argument("--seed", type=int_in(0, 2**63 - 1, "a seed"), default=0, help="root seed (default 0)")
    r.add_argument("--workers", type=int_in(0, 256, "a number of workers"), default=2, help="worker processes (default 2)")
    r.add_argument("--out", type=out_dir, default=None, help="output folder (default outputs/experiment-rct-<scenario>/)")
    r.set_defaults(func=main)


def main(args) -> int:
    from experiments import rct
    from experiments.rct_report import write_report
    from sim.scenario import load_scenario

    base = load_scenario(args.scenario)
    firms = base.setup.agents * base.setup.enterprises_per_agent
    sc = base.with_overrides(
        {}, agents=args.agents, enterprises_per_agent=max(1.0, firms / args.agents), months=args.month + args.follow - 1
    )
    design = rct.Design(share=args.share, month=args.month, follow=args.follow)
    from sim.inputs import check_output_dir, safe_file_name

    if args.out is not None:
        out = check_output_dir(args.out, "--out")
    else:  # the name comes from the scenario file: a folder inside outputs/, never a path
        out = check_output_dir(Path("outputs") / f"experiment-rct-{safe_file_name(base.name)}", "--out",
                               inside="outputs")
    started = time.perf_counter()
    rows = rct.run(sc, design, args.replicates, seed=args.seed, workers=args.workers)
    effects = rct.effects(rows)
    written = write_report(out, sc, design, rows, effects, args.replicates, args.seed, time.perf_counter() - started)
    e = effects[effects.metric == "accident_risk"]
    print(
        f"randomised inspections in {base.name}: {args.share:.0%} of eligible firms in month {args.month}, "
        f"{args.replicates} replicates, effect on accident risk by year (95% CI):"
    )
    for g in rct.GROUPS:
        d = e[e.group == g].sort_values("year")
        cells = "  ".join(
            f"y{int(r.year)} {100 * r.effect:+.1f}% [{100 * r.low:+.1f}, {100 * r.high:+.1f}]" for r in d.itertuples()
        )
        print(f"  {g:14s} {cells}")
    print(f"wrote {len(written)} files to {out}/ (open {out}/report.html)")
    return 0
