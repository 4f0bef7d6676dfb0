"""``safegov compare BASE.toml OTHER.toml [...] --replicates R --seed S [--posterior DIR [--posterior-split]]
[--workers N] [--scheduler ADDR] [--out DIR]``: paired scenario comparison on common random numbers
(and, with ``--posterior``, common posterior draws of the behavioural parameters)."""

from __future__ import annotations

import argparse
import sys
import textwrap

from safegov.commands.batchopts import add_batch_flags, report_failures
from safegov.commands.common import input_file, int_in, out_dir, scenario_path


def register(sub) -> None:
    p = sub.add_parser(
        "compare", help="compare scenarios on the same replicate seeds (effects with 95%% CIs)",
        description="Run every scenario on the same R replicate seeds (common random numbers) and report, "
                    "for each scenario against the first, paired differences with 95% confidence intervals "
                    "for the province and each region. Writes comparison.csv, figures, report.md and "
                    "report.html. Rerunning the same command resumes.")
    p.add_argument("scenarios", nargs="+", type=scenario_path, metavar="SCENARIO",
                   help="scenario files (or names in scenarios/); the first is the base")
    p.add_argument("--replicates", "-R", type=int_in(1, 100_000, "a number of replicates"), default=None,
                   help="replicates per scenario (default 10)")
    p.add_argument("--seed", type=int_in(0, 2**63 - 1, "a seed"), default=0, help="root seed (default 0)")
    p.add_argument("--months", type=int_in(1, 600, "a number of months"), default=None,
                   help="horizon in months (default: the scenarios')")
    p.add_argument("--agents", type=int_in(10, 5_000_000, "a number of agents"), default=None,
                   help="enterprise agents (default: the scenarios'); each agent then stands for more "
                        "enterprises, so counts stay at the real scale of the base scenario")
    p.add_argument("--model", default="sim", help=argparse.SUPPRESS)
    p.add_argument("--out", type=out_dir, default=None,
                   help="output folder (default outputs/compare-<scenarios>-s<seed>/)")
    p.add_argument("--posterior", type=input_file, default=None, metavar="DIR",
                   help="calibration results folder (or a posterior_<method>.parquet file): replicate r of every "
                        "scenario runs with the same weighted draw of the behavioural parameters, so the intervals "
                        "include parameter uncertainty as well as seed noise (picks posterior_abc-smc.parquet, "
                        "else posterior_history-matching.parquet, else any posterior_*.parquet)")
    p.add_argument("--posterior-split", action="store_true",
                   help="with --posterior: also run every scenario at the posterior median on the same seeds "
                        "(twice the runs) and say whether seed noise or parameter uncertainty dominates")
    p.add_argument("--no-figures", action="store_true", help="skip the figures")
    add_batch_flags(p)
    p.set_defaults(func=main)


def main(args) -> int:
    from experiments.compare import DEFAULT_REPLICATES, replicate_warning, run_compare
    from experiments.runner import check_scheduler
    from sim.errors import InputError
    from sim.inputs import check_output_dir

    if len(args.scenarios) < 2:
        raise InputError("safegov compare", "SCENARIO", "give at least two scenarios (the first is the base)")
    if args.model != "sim":
        from sim.inputs import resolve_callable

        resolve_callable(args.model, "--model")
    if args.posterior_split and args.posterior is None:
        raise InputError("safegov compare", "--posterior-split", "needs --posterior DIR")
    if args.posterior is not None:  # one line and exit 2 before any run
        from experiments.compare.posterior import load_posterior

        load_posterior(args.posterior)
    if args.out is not None:
        check_output_dir(args.out, "--out")
    check_scheduler(args.scheduler)
    replicates = args.replicates or DEFAULT_REPLICATES
    warning = replicate_warning(replicates)
    if warning:
        sys.stderr.write(warning + "\n")
    setup = {k: v for k, v in (("months", args.months), ("agents", args.agents)) if v is not None}
    if args.agents is not None and args.model == "sim":
        # Fewer agents must not mean fewer enterprises: keep the base scenario's real total (sim.scale).
        from sim.scale import rescaled
        from sim.scenario import load_scenario

        setup.update(rescaled(load_scenario(args.scenarios[0]).setup, args.agents))
    result = run_compare(args.scenarios, replicates=replicates, seed=args.seed, setup=setup, out=args.out,
                         workers=args.workers, scheduler=args.scheduler, quiet=args.quiet,
                         chunk_size=args.chunk_size, model=args.model, figures=not args.no_figures,
                         warning=warning, posterior=args.posterior, posterior_split=args.posterior_split)
    print(result["headline_text"])
    if result["posterior_sentence"]:
        for text in result["posterior_sentence"]:
            print(textwrap.fill(text, width=110))
    for en, _zh in result["warnings"]:  # the report has both languages
        print(textwrap.fill("warning: " + en.replace("**", ""), width=110, subsequent_indent="  "))
    print()
    print(result["table_text"])
    print(result["report"].summary())
    names = [p.name for p in result["files"]]
    print(f"wrote {', '.join(names)} to {result['out']}/")
    if "report.html" in names:
        print(f"open {result['out']}/report.html in a browser (the whole comparison with figures; report.md for "
              f"text); rerun the same command with more --replicates to narrow the intervals")
    return report_failures(result["report"])
