"""Figures of the dashboard (matplotlib, rendered to PNG and embedded as data URIs).

The same functions feed the live page and the exported debrief, so the HTML export is
self-contained (no files next to it, no network).
"""

from __future__ import annotations

import base64
import io
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from sim.figures import GRADE_COLOURS, setup_fonts
from sim.mechanisms.grading import GRADES_ZH

from .i18n import lever_label, metric_label, t

PATH_COLOURS = {"class": "#d62728", "baseline": "#7f7f7f", "reference": "#1f77b4"}
LEVER_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666")


def png(fig, dpi: int = 90) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # missing glyphs never reach users
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def data_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def img_tag(data: bytes, cls: str, alt: str, **attrs) -> str:
    extra = " ".join(f'data-{k}="{v}"' for k, v in attrs.items())
    return (f'<img class="{cls}" alt="{alt}" {extra} src="{data_uri(data)}" '
            f'style="max-width:100%;height:auto" />')


def _grid(ax):
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)


def explore_figure(series: dict[str, np.ndarray], lang: str, start_year: int, months: int,
                   changes: list[int] | None = None) -> bytes:
    """Five live panels: deaths; accidents by grade; compliance; hidden hazards; inspections and penalties."""
    setup_fonts()
    fig, axes = plt.subplots(2, 3, figsize=(13, 6.2))
    axes = axes.ravel()
    x = series["month"]
    xmax = max(months, 12)

    def mark(ax):
        for m in changes or []:
            ax.axvline(m - 0.5, color="#9467bd", ls=":", lw=1)
        ax.set_xlim(0.5, xmax + 0.5)
        ticks = np.arange(1, xmax + 1, 12)
        ax.set_xticks(ticks)
        ax.set_xticklabels([str(start_year + (k - 1) // 12) for k in ticks], rotation=0, fontsize=8)
        _grid(ax)

    ax = axes[0]
    ax.plot(x, series["deaths"], color="#a50f15")
    ax.set_title(t("chart_deaths", lang))
    mark(ax)
    ax = axes[1]
    bottom = np.zeros(len(x))
    for k, name in enumerate(("accidents_general", "accidents_larger", "accidents_major",
                              "accidents_especially_major")):
        label = GRADES_ZH[k] if lang == "zh" else metric_label(name, lang).replace(" accidents", "")
        ax.bar(x, series[name], bottom=bottom, color=GRADE_COLOURS[k], width=1.0, label=label)
        bottom += series[name]
    ax.set_title(t("chart_grades", lang))
    ax.legend(fontsize=7, loc="upper right", framealpha=0.85, ncols=2)
    mark(ax)
    ax = axes[2]
    ax.plot(x, 100 * series["compliance_rate"], color="#2ca02c")
    ax.set_title(t("chart_compliance", lang) + " (%)")
    mark(ax)
    ax = axes[3]
    ax.plot(x, series["hazards_per_enterprise"], color="#8c564b")
    ax.set_title(t("chart_hazards", lang))
    mark(ax)
    ax = axes[4]
    ax.plot(x, series["inspections"], color="#1f77b4", label=t("inspections", lang))
    ax.plot(x, 10 * series["penalty_cases"], color="#ff7f0e", label=t("penalty_cases", lang))
    ax.set_title(t("chart_enforcement", lang))
    ax.legend(fontsize=7, loc="upper right", framealpha=0.85)
    mark(ax)
    ax = axes[5]
    larger = series["accidents_larger_or_worse"]
    ax.bar(x, larger, color="#e6550d", width=1.0)
    ax.set_title(metric_label("accidents_larger_or_worse", lang))
    mark(ax)
    if len(x) == 0:
        for ax in axes:
            ax.text(0.5, 0.5, t("no_data", lang), ha="center", va="center", transform=ax.transAxes, color="#777")
    fig.tight_layout()
    return png(fig)


def path_label(path: str, lang: str) -> str:
    return t({"class": "class", "baseline": "baseline", "reference": "reference_path"}[path], lang)


def exercise_figure(years: list[int], paths: dict[str, dict[str, list[float]]], lang: str,
                    metrics=("deaths", "accidents_larger_or_worse", "compliance_rate", "hazards_per_enterprise")) -> bytes:
    """Year-by-year comparison of the three paths on the same random draws."""
    setup_fonts()
    fig, axes = plt.subplots(1, len(metrics), figsize=(3.4 * len(metrics), 3.3))
    x = np.arange(len(years))
    w = 0.27
    for ax, metric in zip(np.atleast_1d(axes), metrics, strict=True):
        for k, path in enumerate(("class", "baseline", "reference")):
            vals = np.asarray(paths[path][metric], dtype=float)
            if metric == "compliance_rate":
                vals = 100 * vals
            ax.bar(x + (k - 1) * w, vals, width=w, color=PATH_COLOURS[path], label=path_label(path, lang))
        ax.set_xticks(x)
        ax.set_xticklabels([str(y) for y in years], fontsize=8)
        title = metric_label(metric, lang) + (" (%)" if metric == "compliance_rate" else "")
        ax.set_title(title, fontsize=10)
        lo = min(min(paths[p][metric]) for p in paths) * (100 if metric == "compliance_rate" else 1)
        hi = max(max(paths[p][metric]) for p in paths) * (100 if metric == "compliance_rate" else 1)
        if hi > lo > 0 and metric in ("compliance_rate", "hazards_per_enterprise", "deaths"):
            ax.set_ylim(lo - 0.15 * (hi - lo) - 0.02 * hi, hi + 0.1 * (hi - lo) + 0.01 * hi)
        _grid(ax)
    np.atleast_1d(axes)[0].legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return png(fig)


def allocation_figure(years: list[int], allocations: list[dict[str, float]], reference: dict[str, float],
                      costs_of, budget: float, lang: str) -> bytes:
    """Spending by lever per year (class) and the reference policy, against the budget."""
    setup_fonts()
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    rows = [costs_of(a) for a in allocations] + [costs_of(reference)]
    labels = [str(y) for y in years] + [path_label("reference", lang)]
    names = list(rows[0])
    bottom = np.zeros(len(rows))
    for k, name in enumerate(names):
        vals = np.array([r[name] for r in rows])
        ax.bar(labels, vals, bottom=bottom, color=LEVER_COLOURS[k % len(LEVER_COLOURS)], label=lever_label(name, lang))
        bottom += vals
    ax.axhline(budget, color="#000", ls="--", lw=1)
    ax.set_ylabel(t("budget", lang))
    ax.legend(frameon=False, fontsize=7, bbox_to_anchor=(1.01, 1), loc="upper left")
    _grid(ax)
    fig.tight_layout()
    return png(fig)


def lever_effects_figure(effects: list, lang: str) -> bytes:
    """Deaths over the years from each lever the class moved, alone, vs the baseline."""
    setup_fonts()
    fig, ax = plt.subplots(figsize=(7.5, 0.5 + 0.45 * max(len(effects), 1)))
    if effects:
        names = [lever_label(e.lever, lang) for e in effects]
        vals = [e.effects["deaths"] for e in effects]
        ax.barh(names, vals, color=["#2ca02c" if v < 0 else "#d62728" for v in vals])
        ax.axvline(0, color="#000", lw=0.8)
    ax.set_xlabel(metric_label("deaths", lang) + (" 与基准之差" if lang == "zh" else " minus baseline"))
    _grid(ax)
    fig.tight_layout()
    return png(fig)
