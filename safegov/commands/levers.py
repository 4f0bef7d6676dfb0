"""``safegov levers``: print the one declaration of the parameter space."""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import asdict

from sim import params


def register(sub) -> None:
    p = sub.add_parser(
        "levers",
        help="list policy levers and uncertain parameters",
        description="List the declared parameter space (levers and uncertain parameters).",
    )
    p.add_argument("--kind", choices=("lever", "uncertain", "all"), default="all")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=main)


def main(args) -> int:
    rows = [p for p in params.PARAMETERS if args.kind in ("all", p.kind)]
    if args.format == "json":
        print(json.dumps([asdict(p) for p in rows], ensure_ascii=False, indent=1))
    elif args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(asdict(rows[0])))
        writer.writeheader()
        for p in rows:
            writer.writerow(asdict(p))
    else:
        from experiments.reporting.terminal import table

        for kind in ("lever", "uncertain"):
            chosen = [p for p in rows if p.kind == kind]
            if not chosen:
                continue
            print("POLICY LEVERS 政策杠杆" if kind == "lever" else "UNCERTAIN PARAMETERS 不确定行为参数")
            header = ["name", "default", "range", "unit", "中文", "mechanism", "paper §"]
            body = [[p.name, f"{p.default:g}", f"[{p.low:g}, {p.high:g}]", p.unit, p.zh, p.mechanism, p.paper]
                    for p in chosen]
            print(table(header, body, right={1}, indent="  "))  # aligned by display width (CJK = 2 columns)
            print()
    return 0
