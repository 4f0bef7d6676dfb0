"""``safegov validate FILE [FILE ...]``: check scenario files without running them."""

from __future__ import annotations

from safegov.commands.common import scenario_path
from sim.scenario import load_scenario


def register(sub) -> None:
    p = sub.add_parser("validate", help="check scenario files", description="Check scenario files.")
    p.add_argument("files", nargs="+", type=scenario_path, metavar="FILE")
    p.set_defaults(func=main)


def main(args) -> int:
    for path in args.files:
        sc = load_scenario(path)
        changes = sum(len(e.levers) for e in sc.schedule)
        print(
            f"{path}: ok ({sc.name}; {sc.setup.agents} agents, {sc.setup.months} months, "
            f"{len(sc.schedule)} schedule entries changing {changes} lever values)"
        )
    return 0
