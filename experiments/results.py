"""What an experiment folder holds: done / failed / missing runs and headline tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from experiments.outcomes import LABELS
from experiments.reporting.numbers import compact
from experiments.store import Store

HEADLINE = ("deaths", "accidents", "larger_or_worse", "compliance_rate", "hazards_per_enterprise",
            "inspections", "penalty_cases", "zero_penalty_counties", "enforcement_cost_10k_cny")


SHORT = {"deaths": "deaths", "accidents": "accidents", "larger_or_worse": "larger+ acc.",
         "compliance_rate": "compliance", "hazards_per_enterprise": "hazards/firm", "inspections": "inspections",
         "penalty_cases": "penalty cases", "zero_penalty_counties": "0-penalty cty/y",
         "enforcement_cost_10k_cny": "enforce 10k CNY"}


def headline_table(outcomes: pd.DataFrame, columns: list[str] | None = None, max_rows: int = 30) -> str:
    """Mean ± 95% half-width over replicates, one line per design point."""
    meta = {"run_id", "design_point", "label", "replicate", "seed"}
    if columns is None:
        columns = [c for c in HEADLINE if c in outcomes.columns] or [
            c for c in outcomes.columns if c not in meta and "__" not in c][:8]
    if outcomes.empty or not columns:
        return "(no completed runs)"
    short = {c: SHORT.get(c, c)[:16] for c in columns}
    width = max(14, *(len(v) + 2 for v in short.values()))
    head = f"{'#':>5}  {'label':<18}{'n':>4}" + "".join(f"{short[c]:>{width}}" for c in columns)
    lines = [head]
    groups = list(outcomes.groupby("design_point", sort=True))
    for point, g in groups[:max_rows]:
        cells = []
        for c in columns:
            v = g[c].to_numpy(dtype=float)
            v = v[~np.isnan(v)]
            if not len(v):
                cells.append("–")
                continue
            mean = v.mean()
            half = stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / math.sqrt(len(v)) if len(v) > 1 else math.nan
            pct = LABELS.get(c, ("", "", ""))[2] == "share"
            if pct:
                text = f"{100 * mean:.1f}%" + ("" if math.isnan(half) else f"±{100 * half:.1f}")
            else:
                text = _num(mean) + ("" if math.isnan(half) else f"±{_num(half)}")
            cells.append(text)
        lines.append(f"{point:>5}  {str(g['label'].iloc[0])[:17]:<18}{len(g):>4}" + "".join(f"{x:>{width}}" for x in cells))
    if len(groups) > max_rows:
        lines.append(f"  ... {len(groups) - max_rows} more design points (query the store for all)")
    return "\n".join(lines)


def _num(v: float) -> str:
    return compact(v)


def describe(store: Store, max_failures: int = 10) -> str:
    m = store.manifest()
    status = store.status()
    counts = status["state"].value_counts()
    done, failed, missing = (int(counts.get(k, 0)) for k in ("done", "failed", "missing"))
    lines = [f"experiment {store.dir}  ({m.get('kind', 'batch')}; created {m.get('created', '?')}, "
             f"updated {m.get('updated', '?')})"]
    git = m.get("git", {})
    points = status["design_point"].nunique() if len(status) else 0
    lines.append(f"root seed(s) {', '.join(map(str, m.get('root_seeds', [])))}; {points} design points x "
                 f"{m.get('replicates', '?')} replicates; model {', '.join(m.get('models', []))}; "
                 f"git {str(git.get('commit'))[:10]}{' (dirty)' if git.get('dirty') else ''}")
    lines.append(f"runs: {done} done, {failed} failed, {missing} missing of {len(status)} planned")
    if failed:
        lines.append("failed runs (last line of the traceback):")
        fails = status[status["state"] == "failed"]
        for _, r in fails.head(max_failures).iterrows():
            last = (str(r["error"]).strip().splitlines() or ["?"])[-1]
            lines.append(f"  {r['run_id']}  point {r['design_point']} ({r['label']}) replicate {r['replicate']}: {last}")
        if len(fails) > max_failures:
            lines.append(f"  ... and {len(fails) - max_failures} more")
    if missing:
        lines.append("missing runs are finished by rerunning the command that started the batch")
    lines.append("")
    lines.append("mean ± 95% CI half-width over replicates:")
    lines.append(headline_table(store.outcomes()))
    comparison = store.dir / "comparison.csv"
    if comparison.exists():
        from experiments.compare import HEADLINE as COMPARE_HEADLINE
        from experiments.compare import short_table

        table = pd.read_csv(comparison)
        lines += ["", "paired effects against the base (comparison.csv):",
                  short_table(table, [m for m in COMPARE_HEADLINE if m in set(table["metric"])])]
    return "\n".join(lines)
