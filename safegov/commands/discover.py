"""``safegov discover STORE --outcome deaths [--above Q | --below Q] [--method prim|cart]``: scenario
discovery (EMA Workbench's PRIM or CART, feature scoring) on a sweep, sensitivity or EMA store."""

from __future__ import annotations

import argparse
from pathlib import Path

from safegov.commands.common import int_in


def _share(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a share between 0 and 1, got {text!r}") from None
    if not 0 < v < 1:
        raise argparse.ArgumentTypeError(f"expected a share between 0 and 1, got {text!r}")
    return v


def register(sub) -> None:
    p = sub.add_parser(
        "discover", help="scenario discovery: which parameter ranges give the cases of interest (PRIM, CART)",
        description="Find the parameter ranges (a box) that hold the cases of interest of an outcome in an experiment "
                    "folder (sweep, sensitivity or EMA), with EMA Workbench's PRIM or CART and extra-trees feature "
                    "scoring. Writes the peeling trajectory, the chosen box with coverage, density and quasi-p "
                    "values, figures and a bilingual report. Default threshold: the worst 10%% of design points.")
    p.add_argument("store", type=Path, metavar="STORE", help="experiment folder")
    p.add_argument("--outcome", required=True, help="scalar outcome (e.g. deaths, major_or_worse, deaths__north)")
    side = p.add_mutually_exclusive_group()
    side.add_argument("--above", metavar="Q", help="cases of interest: outcome above Q (a value, or a percentile "
                                                  "like 90%% or p90)")
    side.add_argument("--below", metavar="Q", help="cases of interest: outcome below Q")
    p.add_argument("--method", choices=("prim", "cart"), default="prim", help="PRIM (default) or CART")
    p.add_argument("--min-density", type=_share, default=0.8,
                   help="PRIM: choose the box with the highest coverage among those this dense (default 0.8)")
    p.add_argument("--mass-min", type=_share, default=0.05, help="smallest box, as a share of the points (default 0.05)")
    p.add_argument("--peel-alpha", type=_share, default=0.05, help="PRIM: share peeled per step (default 0.05)")
    p.add_argument("--seed", type=int_in(0, 2**31 - 1, "a seed"), default=0,
                   help="seed of the feature scoring and of the CART tree (default 0)")
    p.add_argument("--out", type=Path, default=None, help="output folder (default STORE/discover-<outcome>-<method>/)")
    p.set_defaults(func=main)


def main(args) -> int:
    from experiments.discover import default_threshold, design_table, discover, parse_threshold, write
    from experiments.ema import require_ema

    require_ema()
    threshold = None
    if args.above is not None:
        threshold = parse_threshold(args.above, "above")
    elif args.below is not None:
        threshold = parse_threshold(args.below, "below")
    x, y, info = design_table(args.store, args.outcome)  # one-line InputError before anything is written
    threshold = threshold or default_threshold(args.outcome)
    d = discover(x, y, args.outcome, threshold, args.method, min_density=args.min_density, mass_min=args.mass_min,
                 peel_alpha=args.peel_alpha, seed=args.seed)
    out = args.out or Path(args.store) / f"discover-{args.outcome}-{args.method}"
    files = write(d, info, out, {"min_density": args.min_density, "mass_min": args.mass_min,
                                 "peel_alpha": args.peel_alpha, "seed": args.seed})
    from experiments.discover import rule_text

    st = d.box_stats
    print(f"cases of interest: {d.n_interest} of {d.n_points} design points with {args.outcome} {d.threshold}")
    for w in d.warnings:
        print(f"warning: {w}")
    print(f"{'PRIM box' if args.method == 'prim' else 'CART leaf'}: {rule_text(d.box)}")
    print(f"  coverage {st['coverage']:.0%}, density {st['density']:.0%}, mass {st['mass']:.0%}")
    for r in d.box.itertuples(index=False):
        q = ", ".join(f"qp({w}) {v:.2g}" for w, v in (("min", r.qp_min), ("max", r.qp_max)) if v == v)
        print(f"  {r.parameter}: [{r.min:.4g}, {r.max:.4g}]" + (f"  {q}" if q else ""))
    print("feature scores: " + ", ".join(f"{r.parameter} {r.score:.2f}" for r in d.scores.head(5).itertuples()))
    print(f"wrote {', '.join(f.name for f in files)} to {out}/")
    return 0
