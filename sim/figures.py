"""Figures of a run, bilingual where a CJK font is installed (English only otherwise; sim/fonts.py)."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from sim.fonts import CJK_FONTS, cjk_font, strip_cjk_text
from sim.jurisdiction import REGION_ZH, REGIONS
from sim.mechanisms.accidents import CAUSES, CAUSES_ZH
from sim.mechanisms.grading import GRADES, GRADES_ZH

__all__ = ["CJK_FONTS", "GRADE_COLOURS", "REGION_COLOURS", "cjk_font", "english_if_no_cjk_font", "label",
           "region_label", "run_figures", "save_figure", "setup_fonts"]

REGION_COLOURS = {"south": "#1b9e77", "central": "#d95f02", "north": "#7570b3"}
GRADE_COLOURS = ("#bdbdbd", "#fdae6b", "#e6550d", "#a50f15")
#: Heinrich's 88:10:2 shares of accident causes (paper 1.3), drawn as the reference.
HEINRICH = (88.0, 10.0, 2.0)


def setup_fonts() -> bool:
    """Use a CJK font with a Latin fallback when one is installed. Returns whether it is."""
    font = cjk_font()
    if font:
        plt.rcParams["font.family"] = [font, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    return font is not None


def label(en: str, zh: str) -> str:
    """'English 中文' when Chinese can be drawn, else 'English'."""
    return f"{en} {zh}" if cjk_font() else en


def region_label(region: str) -> str:
    return label(region.capitalize(), REGION_ZH[region])


def english_if_no_cjk_font(fig) -> None:
    """Without a CJK font, drop the Chinese of a finished figure (call it before ``savefig``)."""
    if not cjk_font():
        with warnings.catch_warnings():
            # drawing once to find the tick labels meets the Chinese that is stripped just after
            warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
            strip_cjk_text(fig)


def save_figure(fig, path: Path, dpi: int = 120) -> Path:
    """Write ``fig`` to ``path`` atomically; without a CJK font, Chinese text is dropped first."""
    from sim.outputs import atomic_write

    try:
        english_if_no_cjk_font(fig)
        atomic_write(path, lambda p: fig.savefig(p, format=Path(path).suffix.lstrip(".") or "png", dpi=dpi,
                                                 bbox_inches="tight"))
    finally:
        plt.close(fig)
    return path


_save = save_figure  # the name other modules used


def legend_below(fig, axes, ncol: int | None = None) -> None:
    """One legend for the figure, under the panels (never over the data)."""
    handles, labels = axes.get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="lower center", ncol=ncol or len(handles), frameon=False,
                   bbox_to_anchor=(0.5, -0.02))
        fig.tight_layout(rect=(0, 0.07, 1, 1))


def _region_year(annual, metric):
    rows = annual[(annual.city == "all") & (annual.region != "all") & (annual.metric == metric)]
    return rows.pivot_table(index="year", columns="region", values="value", observed=True).reindex(columns=list(REGIONS))


def _stacked(ax, table, title, ylabel):
    bottom = np.zeros(len(table))
    years = table.index.astype(int)
    for region in REGIONS:
        vals = table[region].fillna(0).to_numpy()
        ax.bar(years, vals, bottom=bottom, color=REGION_COLOURS[region], label=region_label(region))
        bottom += vals
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.set_xticks(years)
    ax.tick_params(axis="x", rotation=45)
    ax.grid(axis="y", alpha=0.3)


def _ratio(v: float) -> str:
    return f"{v:,.0f}" if v >= 10 else f"{v:.1f}"


def _pyramid(ax, levels: list[float], names: list[str]) -> None:
    """Accident pyramid: centred bars whose width grows with log10(count) from the smallest level,
    each labelled with its count and its ratio to deaths (a log axis made the bars look alike)."""
    levels = [max(float(v), 1.0) for v in levels]
    logs = np.log10(levels)
    span = logs.max() - logs.min() + 0.5
    widths = (logs - logs.min() + 0.5) / span
    deaths = levels[-1]
    colours = ("#d9d9d9", "#bdbdbd", "#737373", "#a50f15")
    for k, (w, v, name) in enumerate(zip(widths, levels, names, strict=True)):
        y = len(levels) - 1 - k
        ax.barh(y, w, left=-w / 2, height=0.8, color=colours[k], edgecolor="#555")
        ratio = f" ({_ratio(v / deaths)} per death)" if k < len(levels) - 1 else ""
        text = f"{name}: {v:,.0f}{ratio}"
        if w > 0.6:
            ax.text(0, y, text, ha="center", va="center", fontsize=8, color="#111")
        else:
            ax.text(w / 2 + 0.03, y, text, ha="left", va="center", fontsize=8, color="#111")
    ax.set_xlim(-0.55, 1.3)
    ax.set_ylim(-0.6, len(levels) - 0.4)
    ax.axis("off")


def run_figures(result, out_dir: Path) -> list[Path]:
    """Write the four standard figures of a run; returns their paths."""
    setup_fonts()
    annual, monthly, acc = result.annual, result.monthly, result.accidents
    paths = []
    name = result.scenario.title or result.scenario.name

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8))
    _stacked(axes[0], _region_year(annual, "deaths"), label("Deaths by year and region", "分年度分地区死亡人数"),
             label("persons", "人"))
    _stacked(axes[1], _region_year(annual, "accidents"), label("Accidents by year and region", "分年度分地区事故起数"),
             label("accidents", "起"))
    fig.suptitle(f"{name} — seed {result.seed}")
    legend_below(fig, axes[0])
    paths.append(save_figure(fig, out_dir / "deaths_accidents.png"))

    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8), gridspec_kw={"width_ratios": [1.1, 0.9, 1.2]})
    if len(acc):
        by = acc.groupby(["year", "grade"], observed=False).size().unstack(fill_value=0).reindex(columns=list(GRADES))
        by = by.fillna(0)
        years = by.index.astype(int)
        for k, g in enumerate(GRADES[1:], start=1):
            axes[0].plot(years, by[g].to_numpy(), marker="o", color=GRADE_COLOURS[k],
                         label=label(g.replace("_", " "), GRADES_ZH[k]))
        axes[0].set_xticks(years)
        axes[0].tick_params(axis="x", rotation=45)
        axes[0].set_ylim(bottom=0)
        axes[0].legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, fontsize=8)
        causes = acc["cause"].value_counts().reindex(list(CAUSES)).fillna(0)
        shares = 100 * causes / max(causes.sum(), 1)
        x = np.arange(len(CAUSES))
        bars = axes[1].bar(x, shares.to_numpy(), color=["#3182bd", "#9ecae1", "#deebf7"], edgecolor="#555", width=0.6)
        axes[1].set_xticks(x, [label(c, "\n" + CAUSES_ZH[i]) for i, c in enumerate(CAUSES)])
        # Heinrich's shares as a short mark over each bar: it stays inside its own bar.
        axes[1].hlines(HEINRICH, x - 0.38, x + 0.38, colors="#111", linestyles=":", lw=1.5,
                       label=label("Heinrich's shares", "海因里希比例"))
        for b, v in zip(bars, shares.to_numpy(), strict=True):
            axes[1].text(b.get_x() + b.get_width() / 2, v + 2.5, f"{v:.1f}%", ha="center", fontsize=9)
        axes[1].set_ylim(0, 105)
        axes[1].legend(frameon=False, loc="upper right", fontsize=8)
    axes[0].set_title(label("Larger-or-worse accidents by grade", "较大及以上事故(按等级)"))
    axes[0].set_ylabel(label("accidents per year", "起/年"))
    axes[0].grid(alpha=0.3)
    axes[1].set_title(label("Causes (Heinrich 88:10:2)", "事故致因 88:10:2"))
    axes[1].set_ylabel(label("share of accidents (%)", "占事故比例(%)"))
    s = result.summary
    levels = [s["near_misses_total"], s["minor_injuries_total"], s["accidents_total"], s["deaths_total"]]
    names = [label("near misses", "未遂"), label("minor injuries", "轻伤"), label("accidents", "事故"),
             label("deaths", "死亡")]
    _pyramid(axes[2], levels, names)
    axes[2].set_title(label("Accident pyramid (emergent; width ∝ log count)", "事故金字塔(宽度按对数)"))
    fig.tight_layout()
    paths.append(save_figure(fig, out_dir / "grades_causes.png"))

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8))
    reg = monthly[(monthly.city == "all") & (monthly.region != "all")]
    for metric, ax, title, unit in (
        ("compliance_rate", axes[0], label("Compliance rate", "守法率"), label("share of enterprises", "企业占比")),
        ("hazards_per_enterprise", axes[1], label("Hidden hazards per enterprise", "户均事故隐患"),
         label("hazards per firm", "项/户")),
    ):
        for region in REGIONS:
            series = reg[(reg.region == region) & (reg.metric == metric)]
            ax.plot(series.month, series.value, color=REGION_COLOURS[region], label=region_label(region))
        ax.set_title(title)
        ax.set_ylabel(unit)
        ax.set_xlabel(label("month", "月"))
        ax.grid(alpha=0.3)
    legend_below(fig, axes[0])
    paths.append(save_figure(fig, out_dir / "hazards_compliance.png"))

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.8))
    _stacked(axes[0], _region_year(annual, "inspections"), label("Inspections", "执法检查"), label("per year", "次/年"))
    _stacked(axes[1], _region_year(annual, "penalty_cases"), label("Penalty cases", "立案处罚"), label("per year", "件/年"))
    _stacked(axes[2], _region_year(annual, "zero_penalty_counties"),
             label("Counties inspecting but never penalising", "有检查无处罚的县"), label("counties", "个"))
    legend_below(fig, axes[0])
    paths.append(save_figure(fig, out_dir / "enforcement.png"))
    return paths
