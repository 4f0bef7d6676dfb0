"""``safegov run [SCENARIO] [--seed N] [--months M] [--out DIR]``"""

from __future__ import annotations

import time
from pathlib import Path

from safegov.commands.common import DEFAULT_SCENARIO, int_in, out_dir, scenario_path
from sim.inputs import check_output_dir, safe_file_name
from sim.mechanisms.grading import GRADES, GRADES_ZH
from sim.outputs import write_run
from sim.run import run_scenario
from sim.scenario import load_scenario


def register(sub) -> None:
    p = sub.add_parser(
        "run",
        help="run one scenario and write its outputs",
        description="Run one scenario and write tables, summary, manifest and figures.",
    )
    p.add_argument(
        "scenario",
        nargs="?",
        type=scenario_path,
        default=DEFAULT_SCENARIO,
        help="scenario file or name in scenarios/ (default: baseline)",
    )
    p.add_argument("--seed", type=int_in(0, 2**63 - 1, "a seed"), default=0, help="root seed (default 0)")
    p.add_argument("--replicate", type=int_in(0, 10**9, "a replicate number"), default=0)
    p.add_argument(
        "--months", type=int_in(1, 600, "a number of months"), default=None, help="horizon in months (default: the scenario's)"
    )
    p.add_argument("--out", type=out_dir, default=None, help="output folder (default outputs/run-<scenario>-<seed>/)")
    p.add_argument("--no-figures", action="store_true", help="skip the PNG figures")
    p.set_defaults(func=main)


def _pad(text: str, width: int = 30) -> str:
    """Left-justify counting CJK characters as two columns, so the numbers line up."""
    from experiments.reporting.terminal import pad

    return pad(text, width - 1) + " "


def headline_table(summary: dict) -> str:
    by_grade = summary["accidents_by_grade"]
    cause = summary["accidents_by_cause"]
    total = max(summary["accidents_total"], 1)
    lines = [
        f"scenario {summary['scenario']}  seed {summary['seed']}  months {summary['months']}  "
        f"({summary['agents']} agents x {summary['enterprises_per_agent']:g} enterprises)",
        f"{_pad('deaths 死亡')}{summary['deaths_total']:>12,}",
        f"{_pad('accidents 事故')}{summary['accidents_total']:>12,}",
    ]
    for g, zh in zip(GRADES, GRADES_ZH, strict=True):
        lines.append(f"{_pad('  ' + g.replace('_', ' ') + ' ' + zh)}{by_grade[g]:>12,}")
    lines.append(
        f"{_pad('causes 致因 (human:comb:unav)')}   "
        f"{100 * cause['human'] / total:.1f}:{100 * cause['combined'] / total:.1f}:"
        f"{100 * cause['unavoidable'] / total:.1f}"
    )
    lines.append(f"{_pad('inspections 执法检查')}{summary['inspections_total']:>12,.0f}")
    lines.append(f"{_pad('penalty cases 立案处罚')}{summary['penalty_cases_total']:>12,.0f}")
    zero = summary["zero_penalty_counties_by_year"]
    if zero:
        lines.append(f"{_pad('zero-penalty counties/yr')}{sum(zero.values()) / len(zero):>12.1f}")
    lines.append(f"{_pad('compliance rate 守法率 (end)')}{summary['compliance_rate_final']:>12.1%}")
    return "\n".join(lines)


def main(args) -> int:
    config = load_scenario(args.scenario)  # raises ScenarioError before anything is written
    if args.out is not None:
        out = check_output_dir(args.out, "--out")
    else:  # the name comes from the scenario file: it names a folder inside outputs/, never a path
        out = check_output_dir(Path("outputs") / f"run-{safe_file_name(config.name)}-{args.seed}", "--out",
                               inside="outputs")
    started = time.perf_counter()
    result = run_scenario(config, seed=args.seed, replicate=args.replicate, months=args.months)
    files = write_run(result, out, figures=not args.no_figures)
    print(headline_table(result.summary))
    print(f"wrote {len(files)} files to {out}/ in {time.perf_counter() - started:.1f} s")
    print(next_steps(out, files))
    return 0


def next_steps(out: Path, files: list[Path]) -> str:
    """What was written and what to open or run next (the README's first command ends here)."""
    pngs = [f.name for f in files if f.suffix == ".png"]
    tables = [f.name for f in files if f.suffix != ".png"]
    lines = [f"  tables: {', '.join(tables)}"]
    if pngs:
        lines.append(f"  figures: {', '.join(pngs)}")
        lines.append(f"open {out / pngs[0]} first (deaths and accidents by year and region)")
    lines += ["next: compare a policy with the baseline on the same random draws (effects with 95% CIs):",
              "  .venv/bin/safegov compare baseline cross_region_enforcement --agents 20000",
              "or train with the dashboard: .venv/bin/safegov dashboard   (README.md: quick starts; docs/: the rest)"]
    return "\n".join(lines)
