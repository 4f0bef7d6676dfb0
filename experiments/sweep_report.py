"""What a sweep shows: factors against outcomes, and every design point's spread over time.

Written next to the store by ``safegov sweep``::

    points.csv          one row per design point: its factor values and, per outcome, the mean over
                        replicates with its 95% interval (exact Poisson for rare counts) and n
    factors_outcomes.png  scatter matrix: outcomes (rows) against factors (columns), point means
                        with 95% intervals, Spearman rank correlation in each panel
    envelopes_<metric>.png  one small panel per design point: the spread of single replicates
                        over the years (min–max envelope) and their mean, on one shared scale,
                        with the median over points as a reference line
    report.md, report.html

The rank correlations are a first look, not a sensitivity analysis: for that, ``safegov
sensitivity`` (docs/sensitivity.md).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.compare.stats import counts_outcome, mean_ci
from experiments.outcomes import LABELS
from experiments.reporting import numbers as fmt
from experiments.reporting.doc import Doc

#: Outcomes shown when the store has them (scalar run outcomes).
SWEEP_OUTCOMES = ("deaths", "larger_or_worse", "major_or_worse", "compliance_rate", "hazards_per_enterprise",
                  "penalty_cases", "enforcement_cost_10k_cny")
#: Annual series drawn as envelopes per design point.
ENVELOPE_METRICS = ("deaths", "compliance_rate")
MAX_PANELS = 36


def _names(metric: str) -> tuple[str, str, str]:
    en, zh, unit = LABELS.get(metric, (metric, "", ""))
    return en.replace(" (mean over months)", "").replace(" per year", ""), zh.split("(")[0], unit


def point_table(outcomes: pd.DataFrame, design: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    """Per design point: factor values, and mean / ci_low / ci_high / n of each outcome."""
    rows = []
    for point, g in outcomes.groupby("design_point", sort=True):
        row = {"design_point": int(point)}
        for m in metrics:
            mean, lo, hi = mean_ci(g[m].to_numpy(dtype=float), count=counts_outcome(m))
            row.update({f"{m}_mean": mean, f"{m}_ci_low": lo, f"{m}_ci_high": hi})
        row["n"] = len(g)
        rows.append(row)
    return design.merge(pd.DataFrame(rows), on="design_point", how="right")


def rank_correlations(points: pd.DataFrame, factors: list[str], metrics: list[str]) -> pd.DataFrame:
    """Spearman ρ of point means with each factor (NaN when either does not vary)."""
    out = pd.DataFrame(index=metrics, columns=factors, dtype=float)
    for m in metrics:
        for f in factors:
            x, y = points[f], points[f"{m}_mean"]
            ok = x.notna() & y.notna()
            if ok.sum() > 2 and x[ok].nunique() > 1 and y[ok].nunique() > 1:
                out.loc[m, f] = float(x[ok].rank().corr(y[ok].rank()))
    return out


def figure_scatter(points: pd.DataFrame, factors: list[str], metrics: list[str], path: Path) -> Path:
    import matplotlib.pyplot as plt

    from sim import params
    from sim.figures import label, save_figure, setup_fonts

    setup_fonts()
    rho = rank_correlations(points, factors, metrics)
    fig, axes = plt.subplots(len(metrics), len(factors), figsize=(2.7 * len(factors) + 1, 2.1 * len(metrics) + 0.8),
                             squeeze=False, sharex="col", sharey="row")
    for i, m in enumerate(metrics):
        en, zh, unit = _names(m)
        s = 100.0 if unit == "share" else 1.0
        for j, f in enumerate(factors):
            ax = axes[i][j]
            y = s * points[f"{m}_mean"].to_numpy(dtype=float)
            lo = s * points[f"{m}_ci_low"].to_numpy(dtype=float)
            hi = s * points[f"{m}_ci_high"].to_numpy(dtype=float)
            err = None if np.isnan(lo).all() else np.nan_to_num([np.clip(y - lo, 0, None), np.clip(hi - y, 0, None)])
            ax.errorbar(points[f], y, yerr=err, fmt="o", ms=3.5, color="#3182bd", ecolor="#9ecae1", capsize=1.5)
            r = rho.loc[m, f]
            if not math.isnan(r):
                ax.text(0.03, 0.95, f"ρ = {r:+.2f}", transform=ax.transAxes, fontsize=7, va="top",
                        color="#b2182b" if abs(r) >= 0.5 else "#444")
            ax.grid(alpha=0.3)
            ax.tick_params(labelsize=7)
            if i == len(metrics) - 1:
                p = params.BY_NAME.get(f)
                ax.set_xlabel(label(p.label, p.zh) if p else f, fontsize=8)
            if j == 0:
                unit_text = "%" if unit == "share" else unit
                ax.set_ylabel(f"{label(en, zh)}\n({unit_text})", fontsize=8)
    fig.suptitle(label("Factors against outcomes: design-point means over replicates with 95% CI; ρ = Spearman",
                       "因素与结果：各设计点重复均值及95%置信区间；ρ为秩相关"), fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    return save_figure(fig, path)


def figure_envelopes(series: pd.DataFrame, outcomes: pd.DataFrame, design: pd.DataFrame, metric: str,
                     factors: list[str], path: Path) -> tuple[Path, int]:
    """Small multiples, one per design point (at most MAX_PANELS); returns (path, points drawn)."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from sim.figures import label, save_figure, setup_fonts

    setup_fonts()
    run_point = dict(zip(outcomes["run_id"], outcomes["design_point"], strict=True))
    s = series[(series["metric"] == metric) & (series["region"] == "all") & (series["city"] == "all")].copy()
    s["point"] = s["run_id"].map(run_point)
    s = s.dropna(subset=["point"])
    points = sorted(int(p) for p in s["point"].unique())[:MAX_PANELS]
    en, zh, unit = _names("larger_or_worse" if metric == "accidents_larger_or_worse" else metric)
    scale = 100.0 if unit == "share" else 1.0
    wide = {p: scale * s[s["point"] == p].pivot_table(index="run_id", columns="year", values="value") for p in points}
    means = pd.DataFrame({p: w.mean(axis=0) for p, w in wide.items()})
    reference = means.median(axis=1)
    ncols = min(6, max(len(points), 1))
    nrows = max(math.ceil(len(points) / ncols), 1)
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.6 * ncols, 2.5 * nrows + 0.9), squeeze=False, sharex=True,
                             sharey=True)
    info = design.set_index("design_point")
    for k, p in enumerate(points):
        ax = axes[k // ncols][k % ncols]
        w = wide[p]
        years = w.columns.to_numpy(dtype=int)
        ax.fill_between(years, w.min(axis=0), w.max(axis=0), color="#3182bd", alpha=0.2, lw=0)
        ax.plot(years, w.mean(axis=0), color="#08519c", lw=1.4)
        ax.plot(reference.index, reference.to_numpy(), color="#999", lw=0.9, ls="--")
        values = "\n".join(f"{f} = {info.loc[p, f]:.3g}" for f in factors[:4] if f in info.columns)
        ax.set_title(f"{info.loc[p, 'label'] if 'label' in info.columns else p}\n{values}", fontsize=6, loc="left")
        ax.tick_params(labelsize=6.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
        ax.grid(alpha=0.3)
    for ax in axes.flat[len(points):]:
        ax.set_visible(False)
    unit_text = "%" if unit == "share" else unit
    fig.suptitle(label(f"{en} by year ({unit_text}), each design point: single replicates min–max (band), their "
                       "mean (line); dashed: median over points", f"{zh}分年度：各设计点单次运行范围与均值；"
                       "虚线为各点中位数"), fontsize=9)
    fig.tight_layout()
    return save_figure(fig, path), len(points)


def write_sweep_report(out: Path, sweep, outcomes: pd.DataFrame, series: pd.DataFrame | None,
                       report=None) -> list[Path]:
    """points.csv, the figures and report.md / report.html of a sweep; returns the files written."""
    from sim.outputs import atomic_write as _atomic

    out = Path(out)
    design = sweep.design_table()
    factors = [c for c in design.columns if c not in ("design_point", "label")]
    metrics = [m for m in SWEEP_OUTCOMES if m in outcomes.columns] or [
        c for c in outcomes.columns if c not in ("run_id", "design_point", "label", "replicate", "seed")
        and "__" not in c and pd.api.types.is_numeric_dtype(outcomes[c])][:6]
    written = []
    if outcomes.empty:
        return written
    points = point_table(outcomes, design, metrics)
    _atomic(out / "points.csv", lambda p: points.to_csv(p, index=False, float_format="%.10g"))
    written.append(out / "points.csv")
    figs = []
    if factors and metrics:
        figs.append((figure_scatter(points, factors, metrics, out / "factors_outcomes.png"),
                     "Factors against outcomes (design-point means, 95% CI) · 因素与结果"))
    drawn = 0
    if series is not None and len(series):
        for metric in ENVELOPE_METRICS:
            if metric in set(series["metric"]):
                path, drawn = figure_envelopes(series, outcomes, design, metric, factors,
                                               out / f"envelopes_{metric}.png")
                en, zh, _ = _names(metric)
                figs.append((path, f"{en} by year, envelope per design point · {zh}分年度（各设计点）"))
    written += [f for f, _ in figs]

    doc = Doc(f"Sweep 参数扫描: {sweep.raw.title or sweep.path.stem}")
    doc.h(1, doc.title)
    d = sweep.raw.design
    doc.p(f"Spec `{sweep.path}`; base scenario `{sweep.base_path}`; design **{d.kind}** with {len(sweep.points)} "
          f"points × {sweep.raw.replicates} replicates on the same seeds (root seed {sweep.raw.seed}: common random "
          f"numbers); scale {sweep.setup or 'as in the scenario'}. "
          + (report.summary() + "." if report is not None else "")
          + f" 设计 **{d.kind}**：{len(sweep.points)} 个设计点 × {sweep.raw.replicates} 次重复（公共随机数）。")
    rho = rank_correlations(points, factors, metrics)
    if factors and metrics:
        doc.h(2, "What moves what · 因素与结果")
        lines_en, lines_zh = [], []
        for m in metrics:
            r = rho.loc[m].dropna()
            en, zh, _ = _names(m)
            if r.empty:
                lines_en.append(f"**{en}**: no factor varies together with it over the design.")
                lines_zh.append(f"**{zh}**：没有因素与之同向变化。")
                continue
            best = r.abs().sort_values(ascending=False).index[0]
            lines_en.append(f"**{en}**: strongest rank correlation with `{best}` (ρ = {r[best]:+.2f} over "
                            f"{int(points[f'{m}_mean'].notna().sum())} points).")
            lines_zh.append(f"**{zh}**：与 `{best}` 的秩相关最强（ρ = {r[best]:+.2f}）。")
        doc.bullets(lines_en)
        doc.bullets(lines_zh)
        doc.p("Rank correlations over design-point means are a first look: they miss interactions and "
              "non-monotone effects and ignore replicate noise; use `safegov sensitivity` for indices with "
              "confidence intervals (docs/sensitivity.md). 秩相关仅供初步判断；需要带置信区间的指数请用敏感性分析。")
        doc.table(["outcome 结果", *factors], [[_names(m)[0], *(fmt.num(v, sig=2, signed=True) for v in rho.loc[m])]
                                              for m in metrics])
    for path, caption in figs:
        doc.image(path, caption)
    if drawn and drawn < len(sweep.points):
        doc.p(f"Envelopes show the first {drawn} of {len(sweep.points)} design points; `points.csv` and the store "
              "hold all of them.")
    doc.h(2, "Design points · 设计点")
    head = ["#", "label", *factors, *(f"{_names(m)[0]} [95% CI]" for m in metrics[:4])]
    rows = []
    for _, r in points.head(60).iterrows():
        cells = [str(int(r["design_point"])), str(r.get("label", "")), *(f"{r[f]:.4g}" for f in factors)]
        for m in metrics[:4]:
            unit = _names(m)[2]
            s = 100.0 if unit == "share" else 1.0
            cells.append(fmt.interval(s * r[f"{m}_mean"], s * r[f"{m}_ci_low"], s * r[f"{m}_ci_high"], signed=False)
                         + ("%" if unit == "share" else ""))
        rows.append(cells)
    doc.table(head, rows)
    if len(points) > 60:
        doc.p(f"… {len(points) - 60} more in `points.csv`.")
    doc.h(2, "Files · 文件")
    doc.p("`design.csv` the design; `points.csv` means and intervals per point; the store (`results.duckdb`, "
          "Parquet files) every run; `safegov results` on this folder lists them (docs/store.md).")
    return written + doc.write(out)
