"""Figures of a paired comparison; each metric on its own absolute scale, uncertainty always shown.

* ``effects.png``: one panel per metric, the paired difference (scenario − base) in the
  metric's unit with its 95% interval; the relative change as a second axis where it is a fixed
  rescaling (paired-t metrics), written beside the point for rare counts (exact Poisson).
* ``regional.png``: the same for Jiangsu and 苏南/苏中/苏北, major-or-worse accidents included.
* ``difference_by_year.png``: the paired difference year by year with its 95% band.
* ``envelopes.png``: per scenario, the spread of single replicates over time (min–max envelope,
  as EMA Workbench draws them) beside the 95% interval of the mean.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.outcomes import LABELS
from experiments.reporting import numbers as fmt

COLOURS = ("#444444", "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#1f78b4")
#: Annual series drawn by year (annual metric name -> scalar outcome name for labels).
SERIES_METRICS = {"deaths": "deaths", "accidents_larger_or_worse": "larger_or_worse",
                  "accidents_major_or_worse": "major_or_worse", "compliance_rate": "compliance_rate",
                  "hazards_per_enterprise": "hazards_per_enterprise", "penalty_cases": "penalty_cases"}


def _tick_format(axis) -> None:
    """Tick labels as the reports write numbers (thousands separators, no '1e6' offset)."""
    from matplotlib.ticker import FuncFormatter

    def tick(v: float, _pos) -> str:
        text = f"{v:,.0f}" if abs(v) >= 1000 else f"{v:g}"
        return text.replace("-", "−")

    axis.set_major_formatter(FuncFormatter(tick))


def _colour(k: int) -> str:
    return COLOURS[k % len(COLOURS)]


def _names(metric: str) -> tuple[str, str, str]:
    en, zh, unit = LABELS.get(metric, (metric, "", ""))
    return en.replace(" (mean over months)", "").replace(" per year", ""), zh.replace("(月均)", "").replace("(年均)", ""), unit


def _unit_label(unit: str, difference: bool = True) -> str:
    from sim.figures import label

    if unit == "share":
        return label("percentage points", "百分点") if difference else "%"
    return label(unit, fmt.unit_zh(unit)) if fmt.unit_zh(unit) else unit


def _scale(unit: str) -> float:
    return 100.0 if unit == "share" else 1.0


def _rel_text(r) -> str:
    return fmt.relative(r["rel_change"], r["rel_ci_low"], r["rel_ci_high"])


def _effect_panel(ax, rows: pd.DataFrame, ylabels: list[str], colours: list[str], unit: str, title: str,
                  secondary: bool) -> None:
    """Horizontal points with 95% intervals of the difference, one per row of ``rows``."""
    s = _scale(unit)
    y = np.arange(len(rows))
    for i, (_, r) in enumerate(rows.iterrows()):
        x, lo, hi = s * r["diff"], s * r["ci_low"], s * r["ci_high"]
        err = None if fmt.missing(lo) else [[max(x - lo, 0)], [max(hi - x, 0)]]
        ax.errorbar([x], [y[i]], xerr=err, fmt="o", color=colours[i], ms=5, capsize=3, lw=1.6)
        if not secondary:  # the relative change in words: its interval is not a rescaling of this one
            ax.annotate(_rel_text(r), (1.0, y[i]), xycoords=("axes fraction", "data"), xytext=(4, 0),
                        textcoords="offset points", va="center", fontsize=7, color="#333")
    ax.axvline(0, color="#555", lw=0.8)
    ax.set_yticks(y, ylabels, fontsize=8)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_title(title, fontsize=9)
    ax.set_xlabel(_unit_label(unit), fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    _tick_format(ax.xaxis)
    ax.grid(axis="x", alpha=0.3)
    lo, hi = ax.get_xlim()
    span = max(hi, 0) - min(lo, 0)
    ax.set_xlim(min(lo, 0) - 0.05 * span, max(hi, 0) + 0.05 * span)  # zero always in view
    base = float(rows["base_mean"].iloc[0]) if len(rows) else math.nan
    if secondary and base > 0:
        from sim.figures import label

        sec = ax.secondary_xaxis("top", functions=(lambda v: 100 * v / (s * base), lambda p: p * s * base / 100))
        sec.set_xlabel(label("% of base", "相对基准%"), fontsize=7)
        sec.tick_params(labelsize=7)


def _panel_grid(n: int, ncols: int, width: float, height: float):
    import matplotlib.pyplot as plt

    nrows = max(math.ceil(n / ncols), 1)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])


def _secondary_ok(rows: pd.DataFrame) -> bool:
    """A % axis is a fixed rescaling of the difference only for paired-t rows of one base mean."""
    return bool(len(rows)) and (rows["method"] == "paired t").all() and rows["base_mean"].nunique() == 1 \
        and float(rows["base_mean"].iloc[0]) > 0


def figure_effects(table: pd.DataFrame, labels: dict[int, str], path: Path, metrics) -> Path:
    from sim.figures import label, save_figure, setup_fonts

    setup_fonts()
    prov = table[table["region"] == "province"]
    metrics = [m for m in metrics if m in set(prov["metric"])]
    points = sorted(set(prov["scenario"]))
    fig, axes = _panel_grid(len(metrics), 4, 4.3, 0.35 * len(points) + 1.8)
    for ax, m in zip(axes, metrics, strict=True):
        rows = prov[prov["metric"] == m].set_index("scenario").loc[points].reset_index()
        en, zh, unit = _names(m)
        _effect_panel(ax, rows, [labels[p] if len(points) > 1 else "" for p in points],
                      [_colour(p) for p in points], unit, label(en, zh), _secondary_ok(rows))
    base = labels.get(0, "base")
    fig.suptitle(label(f"Effects on the province: scenario − {base}, paired by replicate, 95% CI",
                       f"全省效果：情景−{base}（逐次配对），95%置信区间"), fontsize=11)
    if len(points) == 1:
        fig.text(0.5, -0.01, label(f"scenario: {labels[points[0]]}. Bottom axis in the metric's unit; top axis "
                                   "or side text: relative change.", f"情景：{labels[points[0]]}。下轴为指标单位，"
                                   "上轴或右侧文字为相对变化。"), ha="center", fontsize=8, color="#444")
    fig.tight_layout()
    return save_figure(fig, path)


def figure_regional(table: pd.DataFrame, labels: dict[int, str], path: Path, metrics) -> Path:
    from experiments.compare.headline import REGION_ORDER
    from sim.figures import label, region_label, save_figure, setup_fonts

    setup_fonts()
    metrics = [m for m in metrics if m in set(table["metric"])]
    points = sorted(set(table["scenario"]))
    regions = [r for r in REGION_ORDER if r in set(table["region"])]
    fig, axes = _panel_grid(len(metrics), 4, 4.6, 0.3 * len(regions) * len(points) + 2.0)
    for ax, m in zip(axes, metrics, strict=True):
        sub = table[table["metric"] == m]
        rows, ylabels, colours = [], [], []
        for region in regions:
            for p in points:
                r = sub[(sub["region"] == region) & (sub["scenario"] == p)]
                if len(r):
                    rows.append(r.iloc[0])
                    name = label("Jiangsu", "全省") if region == "province" else region_label(region)
                    ylabels.append(name if len(points) == 1 else f"{name} · {labels[p]}")
                    colours.append(_colour(p) if len(points) > 1 else ("#222" if region == "province" else "#3182bd"))
        en, zh, unit = _names(m)
        _effect_panel(ax, pd.DataFrame(rows).reset_index(drop=True), ylabels, colours, unit, label(en, zh), False)
    fig.suptitle(label(f"Effects by region: scenario − {labels.get(0, 'base')}, paired, 95% CI; side text: relative "
                       "change", "分地区效果：苏南/苏中/苏北（逐次配对，95%置信区间；右侧为相对变化）"), fontsize=11)
    fig.tight_layout()
    return save_figure(fig, path)


def figure_difference_by_year(yearly: pd.DataFrame, labels: dict[int, str], path: Path) -> Path:
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from sim.figures import label, save_figure, setup_fonts

    setup_fonts()
    prov = yearly[yearly["region"] == "all"]
    metrics = [m for m in SERIES_METRICS if m in set(prov["metric"])]
    fig, axes = _panel_grid(len(metrics), 3, 5.0, 3.4)
    for ax, metric in zip(axes, metrics, strict=True):
        en, zh, unit = _names(SERIES_METRICS[metric])
        s = _scale(unit)
        for point in sorted(set(prov["scenario"])):
            g = prov[(prov["metric"] == metric) & (prov["scenario"] == point)].sort_values("year")
            c = _colour(point)
            ax.plot(g["year"], s * g["diff"], color=c, marker="o", ms=3, label=labels[point])
            ax.fill_between(g["year"], s * g["ci_low"], s * g["ci_high"], color=c, alpha=0.2, lw=0)
        ax.axhline(0, color="#555", lw=0.8)
        ax.set_title(label(en, zh), fontsize=10)
        ax.set_ylabel(_unit_label(unit), fontsize=8)
        _tick_format(ax.yaxis)
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.tick_params(axis="x", rotation=45, labelsize=8)
    handles, names = axes[0].get_legend_handles_labels()
    base = labels.get(0, "base")
    fig.legend(handles, [f"{n} − {base}" for n in names], loc="lower center", ncol=len(names), frameon=False)
    fig.suptitle(label("Province, year by year: paired difference (scenario − base) with 95% band",
                       "全省分年度：配对差值（情景−基准）及95%区间"), fontsize=11)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    plt.setp(axes, xlabel="")
    return save_figure(fig, path)


def figure_envelopes(series: pd.DataFrame, run_point: dict[str, int], labels: dict[int, str], path: Path) -> Path:
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    from experiments.compare.stats import counts_outcome, mean_ci
    from sim.figures import label, save_figure, setup_fonts

    setup_fonts()
    prov = series[(series["region"] == "all") & (series["city"] == "all")].copy()
    prov["point"] = prov["run_id"].map(run_point)
    metrics = [m for m in SERIES_METRICS if m in set(prov["metric"])]
    fig, axes = _panel_grid(len(metrics), 3, 5.0, 3.4)
    points = sorted(p for p in labels if p in set(prov["point"]))
    for ax, metric in zip(axes, metrics, strict=True):
        en, zh, unit = _names(SERIES_METRICS[metric])
        s = _scale(unit)
        count = counts_outcome(SERIES_METRICS[metric])
        rows = prov[prov["metric"] == metric]
        for point in points:
            wide = rows[rows["point"] == point].pivot_table(index="run_id", columns="year", values="value")
            if wide.empty:
                continue
            years = wide.columns.to_numpy(dtype=int)
            v = s * wide.to_numpy(dtype=float)
            c = _colour(point)
            ax.fill_between(years, v.min(axis=0), v.max(axis=0), color=c, alpha=0.12, lw=0)
            ax.plot(years, v.min(axis=0), color=c, lw=0.6, alpha=0.6)
            ax.plot(years, v.max(axis=0), color=c, lw=0.6, alpha=0.6)
            band = np.array([mean_ci(v[:, j], count=count) for j in range(v.shape[1])])
            ax.fill_between(years, band[:, 1], band[:, 2], color=c, alpha=0.45, lw=0)
            ax.plot(years, band[:, 0], color=c, lw=1.6, marker="o", ms=2.5)
        ax.set_title(label(en, zh), fontsize=10)
        ax.set_ylabel(_unit_label(unit, difference=False), fontsize=8)
        _tick_format(ax.yaxis)
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.tick_params(axis="x", rotation=45, labelsize=8)
    handles = [Patch(color=_colour(p), alpha=0.6, label=labels[p]) for p in points]
    handles += [Patch(facecolor="#999", alpha=0.15, label=label("single replicates: min–max", "单次运行范围")),
                Patch(facecolor="#999", alpha=0.5, label=label("mean: 95% CI", "均值95%置信区间"))]
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False, fontsize=9)
    fig.suptitle(label("Province by year: outcome envelopes across replicates and the 95% CI of the mean",
                       "全省分年度：各次重复运行的范围与均值的95%置信区间"), fontsize=11)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return save_figure(fig, path)
