"""Figures of the dashboard: matplotlib drawn to inline SVG (text kept as text).

The same functions feed the live page and the exported debrief, so the export is
self-contained. Each chart is one small figure whose width in points is the narrowest width it
is shown at in CSS pixels (``CELL_PX``; the page's chart grid never makes a cell narrower), so
that a 14 pt title is at least 14 px on screen, on a 1024x768 projector included. Presenter mode
scales fonts and figures by ``PRESENTER``. Honest scales: bars start at zero; every explore
chart shows the baseline on the same chance events beside the user's run.

Figures are built with ``matplotlib.figure.Figure`` (not pyplot): several browser sessions
draw at the same time.
"""

from __future__ import annotations

import io
import re
import warnings
from html import escape

import matplotlib

matplotlib.use("Agg")
import numpy as np
from matplotlib.figure import Figure

from sim.fonts import cjk_font

from .i18n import lever_label, metric_label, t

PATH_COLOURS = {"class": "#d62728", "baseline": "#7f7f7f", "reference": "#1f77b4"}
LEVER_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666")
USER_COLOUR, BASE_COLOUR, CHANGE_COLOUR = "#a50f15", "#8c8c8c", "#6a3d9a"
CHART_PT = 290.0       # figure width [pt] before trimming; the trimmed SVG is at most CELL_PX pt wide
CELL_PX = 272.0        # narrowest cell of the chart grid [CSS px]: 1 pt of the SVG is >= 1 px on screen
CHART_RATIO = 0.62     # height / width
TITLE_PT, TICK_PT, NOTE_PT = 14.0, 11.0, 10.5
PRESENTER = 1.35


def ensure_fonts() -> bool:
    """The chart settings: a CJK font when there is one (``sim.fonts`` repairs a stale font cache),
    SVG text kept as text (so a browser with Chinese fonts shows Chinese even when the server
    has none), stable ids. Returns whether a CJK font is there.

    Called before every figure: Solara gives each browser session its own ``rcParams``, so
    settings made while serving one session are not seen by the next.
    """
    font = cjk_font()
    rc = matplotlib.rcParams
    rc["font.family"] = [font, "DejaVu Sans", "sans-serif"] if font else ["DejaVu Sans", "sans-serif"]
    rc["axes.unicode_minus"] = False
    rc["svg.fonttype"] = "none"     # text stays text: crisp, searchable, measurable
    rc["svg.hashsalt"] = "safegov"  # stable ids
    return font is not None


def new_figure(scale: float = 1.0, width_pt: float = CHART_PT, ratio: float = CHART_RATIO):
    ensure_fonts()
    w = width_pt * scale / 72.0
    fig = Figure(figsize=(w, w * ratio))
    return fig, fig.subplots()


def svg(fig: Figure, key: str, wide: bool = False, **attrs) -> str:
    """The figure as inline SVG markup in a <figure class="sg-chart" data-chart=key> (``wide``: a
    chart two cells wide, shown alone on its row)."""
    buf = io.StringIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # missing glyphs never reach users
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.S)
    # scale with the cell (the viewBox keeps proportions); drop matplotlib's fixed size in pt
    text = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 width="100%"', text, count=1)
    extra = "".join(f' data-{k}="{escape(str(v))}"' for k, v in attrs.items())
    cls = "sg-chart sg-wide" if wide else "sg-chart"
    return f'<figure class="{cls}" data-chart="{escape(key)}"{extra}>{text}</figure>'


def grid(charts: list[str], cls: str, scale: float = 1.0, **attrs) -> str:
    """Charts in a CSS grid whose cells are never narrower than the charts' width in points."""
    extra = "".join(f' data-{k}="{escape(str(v))}"' for k, v in attrs.items())
    return (f'<div class="sg-charts {cls}" style="--sg-chart-min:{CELL_PX * scale:.0f}px"{extra}>'
            + "".join(charts) + "</div>")


def _style(ax, title: str, key: str, scale: float) -> None:
    ax.set_title(title, fontsize=TITLE_PT * scale, loc="left").set_gid(f"title-{key}")
    ax.tick_params(labelsize=TICK_PT * scale)
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)


# ------------------------------------------------------------------------------- explore
def _change_label(change, lang: str, limit: int = 2) -> str:
    items = [f"{lever_label(k, lang)} {v:.3g}" for k, v in change.values.items()]
    more = len(items) - limit
    text = ("，" if lang == "zh" else ", ").join(items[:limit])
    if more > 0:
        text += f"（另{more}项）" if lang == "zh" else f" (+{more})"
    return text


def _months_axis(ax, start_year: int, months: int, scale: float) -> None:
    xmax = max(months, 12)
    ax.set_xlim(0.5, xmax + 0.5)
    step = 12 if xmax <= 72 else 24
    ticks = np.arange(1, xmax + 1, step)
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(start_year + (k - 1) // 12) for k in ticks])


def _marks(ax, changes, lang: str, scale: float) -> None:
    for c in changes or []:
        ax.axvline(c.month - 0.5, color=CHANGE_COLOUR, ls=":", lw=1.3, gid=f"change-{c.month}")
        ax.annotate(_change_label(c, lang), xy=(c.month - 0.5, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(3, -3), textcoords="offset points", rotation=90, va="top", ha="left",
                    fontsize=NOTE_PT * scale, color=CHANGE_COLOUR, gid=f"change-label-{c.month}",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})


def explore_charts(series: dict, base: dict, lang: str, start_year: int, months: int, changes=None,
                   scale: float = 1.0) -> list[str]:
    """The explore panels, each with the baseline (same chance events) beside the user's run, and
    the lever changes marked and labelled."""
    x = series["month"]
    panels = [
        ("deaths", t("chart_deaths", lang), lambda s: s["deaths"]),
        ("gap", t("chart_gap", lang), None),
        ("larger", t("chart_larger", lang), lambda s: np.cumsum(s["accidents_larger_or_worse"])),
        ("compliance", t("chart_compliance", lang), lambda s: 100 * s["compliance_rate"]),
        ("hazards", t("chart_hazards", lang), lambda s: s["hazards_per_enterprise"]),
        ("penalties", t("chart_enforcement", lang), lambda s: s["penalty_cases"]),
    ]
    out = []
    for key, title, value in panels:
        fig, ax = new_figure(scale)
        if len(x) == 0:
            ax.text(0.5, 0.5, t("no_data", lang), ha="center", va="center", transform=ax.transAxes, color="#777",
                    fontsize=TICK_PT * scale)
        elif value is None:
            gap = np.cumsum(series["deaths"] - base["deaths"])
            ax.axhline(0, color=BASE_COLOUR, ls="--", lw=1.2, gid="baseline-gap")
            ax.fill_between(x, gap, 0, where=gap <= 0, color="#2ca02c", alpha=0.35, step="mid", lw=0)
            ax.fill_between(x, gap, 0, where=gap > 0, color="#d62728", alpha=0.35, step="mid", lw=0)
            ax.plot(x, gap, color=USER_COLOUR, lw=1.5, gid="user-gap")
            ax.text(0.99, 0.02, t("fewer", lang), transform=ax.transAxes, ha="right", va="bottom",
                    fontsize=NOTE_PT * scale, color="#555")
        else:
            ax.plot(x, value(base), color=BASE_COLOUR, ls="--", lw=1.4, label=t("baseline_line", lang),
                    gid=f"baseline-{key}")
            ax.plot(x, value(series), color=USER_COLOUR, lw=1.5, label=t("your_run", lang), gid=f"user-{key}")
            lo = min(0.0, float(np.nanmin(value(series))), float(np.nanmin(value(base))))
            ax.set_ylim(bottom=lo)  # from zero: differences are not magnified
        _style(ax, title, key, scale)
        _months_axis(ax, start_year, months, scale)
        _marks(ax, changes, lang, scale)
        out.append(svg(fig, key))
    return out


# ------------------------------------------------------------------------------ exercise
def path_label(path: str, lang: str) -> str:
    return t({"class": "class", "baseline": "baseline", "reference": "reference_path"}[path], lang)


def _value(metric: str, v):
    return 100 * np.asarray(v, dtype=float) if metric == "compliance_rate" else np.asarray(v, dtype=float)


def _metric_title(metric: str, lang: str) -> str:
    return metric_label(metric, lang) + ("（%）" if lang == "zh" else " (%)") * (metric == "compliance_rate")


def _exercise_figure(years: list[int], paths: dict, lang: str, metric: str, scale: float = 1.0,
                     legend: bool = False):
    fig, ax = new_figure(scale)
    x = np.arange(len(years))
    w = 0.27
    for k, path in enumerate(("class", "baseline", "reference")):
        ax.bar(x + (k - 1) * w, _value(metric, paths[path][metric]), width=w, color=PATH_COLOURS[path],
               label=path_label(path, lang), gid=f"bars-{path}")
    ax.set_xticks(x)
    ax.set_xticklabels([str(y) for y in years])
    ax.set_ylim(bottom=0)
    if legend:
        ax.legend(fontsize=NOTE_PT * scale, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=3)
    _style(ax, _metric_title(metric, lang), metric, scale)
    return fig, ax


def exercise_axes(years: list[int], paths: dict, lang: str, metric: str):
    """The axes of one year-by-year chart (for tests of its scales)."""
    return _exercise_figure(years, paths, lang, metric)[1]


def exercise_charts(years: list[int], paths: dict[str, dict[str, list[float]]], lang: str,
                    metrics=("deaths", "accidents_larger_or_worse", "compliance_rate", "hazards_per_enterprise"),
                    scale: float = 1.0) -> list[str]:
    """Year-by-year bars of the three paths (same chance events); every axis starts at zero."""
    return [svg(_exercise_figure(years, paths, lang, m, scale, legend=m == metrics[0])[0], m) for m in metrics]


def allocation_chart(years: list[int], allocations: list[dict[str, float]], reference: dict[str, float],
                     costs_of, budget: float, lang: str, scale: float = 1.0) -> str:
    """Spending by lever per year (class) and the reference policy, against the budget line."""
    fig, ax = new_figure(scale, width_pt=2 * CHART_PT, ratio=0.42)
    rows = [costs_of(a) for a in allocations] + [costs_of(reference)]
    labels = [str(y) for y in years] + [path_label("reference", lang)]
    names = list(rows[0])
    bottom = np.zeros(len(rows))
    for k, name in enumerate(names):
        vals = np.array([r[name] for r in rows])
        ax.bar(labels, vals, bottom=bottom, color=LEVER_COLOURS[k % len(LEVER_COLOURS)], label=lever_label(name, lang))
        bottom += vals
    ax.axhline(budget, color="#000", ls="--", lw=1, gid="budget-line")
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, fontsize=NOTE_PT * scale, bbox_to_anchor=(1.01, 1), loc="upper left")
    _style(ax, t("budget", lang), "allocation", scale)
    return svg(fig, "allocation", wide=True)


def lever_effects_chart(effects: list, lang: str, scale: float = 1.0) -> str:
    """Deaths over the years from each lever the class moved, alone, minus the baseline."""
    fig, ax = new_figure(scale, width_pt=2 * CHART_PT, ratio=0.12 + 0.07 * max(len(effects), 1))
    if effects:
        names = [lever_label(e.lever, lang) for e in effects]
        vals = [e.effects["deaths"] for e in effects]
        ax.barh(names, vals, color=["#2ca02c" if v < 0 else "#d62728" for v in vals])
    ax.axvline(0, color="#000", lw=0.8)
    title = metric_label("deaths", lang) + ("：单项调整减基准" if lang == "zh" else ": each change alone minus baseline")
    _style(ax, title, "levers", scale)
    return svg(fig, "levers", wide=True)


def teams_chart(years: list[int], teams: dict[str, list[float]], baseline: list[float], reference: list[float],
                lang: str, scale: float = 1.0) -> str:
    """Deaths per year of every team beside the baseline and the reference (same chance events)."""
    fig, ax = new_figure(scale, width_pt=2 * CHART_PT, ratio=0.42)
    x = np.arange(len(years))
    series = {**{name: v for name, v in teams.items()}}
    n = len(series) + 2
    w = 0.8 / n
    for k, (name, vals) in enumerate(series.items()):
        ax.bar(x + (k - (n - 1) / 2) * w, vals, width=w, color=LEVER_COLOURS[k % len(LEVER_COLOURS)], label=name,
               gid=f"team-{k}")
    for k, (path, vals) in enumerate((("baseline", baseline), ("reference", reference)), start=len(series)):
        ax.bar(x + (k - (n - 1) / 2) * w, vals, width=w, color=PATH_COLOURS[path], label=path_label(path, lang),
               gid=f"bars-{path}")
    ax.set_xticks(x)
    ax.set_xticklabels([str(y) for y in years])
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, fontsize=NOTE_PT * scale, bbox_to_anchor=(1.01, 1), loc="upper left")
    _style(ax, t("teams_chart", lang), "teams", scale)
    return svg(fig, "teams", wide=True)
