"""Figures of a run, bilingual where a CJK font is installed (English only otherwise)."""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import font_manager

from sim.jurisdiction import REGION_ZH, REGIONS
from sim.mechanisms.accidents import CAUSES, CAUSES_ZH
from sim.mechanisms.grading import GRADES, GRADES_ZH

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "WenQuanYi Zen Hei", "SimHei", "Source Han Sans SC")
REGION_COLOURS = {"south": "#1b9e77", "central": "#d95f02", "north": "#7570b3"}
GRADE_COLOURS = ("#bdbdbd", "#fdae6b", "#e6550d", "#a50f15")


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Name of an installed CJK font, or None."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in CJK_FONTS if n in names), None)


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


def _save(fig, path: Path) -> Path:
    tmp = path.with_name(f".{path.stem}.tmp.png")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # missing glyph warnings never reach users
        fig.savefig(tmp, dpi=120, bbox_inches="tight")
    tmp.replace(path)
    plt.close(fig)
    return path


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


def run_figures(result, out_dir: Path) -> list[Path]:
    """Write the four standard figures of a run; returns their paths."""
    setup_fonts()
    annual, monthly, acc = result.annual, result.monthly, result.accidents
    paths = []
    name = result.scenario.title or result.scenario.name

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    _stacked(
        axes[0],
        _region_year(annual, "deaths"),
        label("Deaths by year and region", "分年度分地区死亡人数"),
        label("persons", "人"),
    )
    _stacked(
        axes[1],
        _region_year(annual, "accidents"),
        label("Accidents by year and region", "分年度分地区事故起数"),
        label("accidents", "起"),
    )
    axes[0].legend(frameon=False)
    fig.suptitle(f"{name} — seed {result.seed}")
    paths.append(_save(fig, out_dir / "deaths_accidents.png"))

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    if len(acc):
        by = acc.groupby(["year", "grade"], observed=False).size().unstack(fill_value=0).reindex(columns=list(GRADES))
        years = by.index.astype(int)
        for k, g in enumerate(GRADES[1:], start=1):
            axes[0].plot(
                years, by[g].to_numpy(), marker="o", color=GRADE_COLOURS[k], label=label(g.replace("_", " "), GRADES_ZH[k])
            )
        axes[0].set_xticks(years)
        axes[0].tick_params(axis="x", rotation=45)
        axes[0].legend(frameon=False)
        causes = acc["cause"].value_counts().reindex(list(CAUSES)).fillna(0)
        shares = 100 * causes / max(causes.sum(), 1)
        bars = axes[1].bar(
            [label(c, "\n" + CAUSES_ZH[i]) for i, c in enumerate(CAUSES)],
            shares.to_numpy(),
            color=["#3182bd", "#9ecae1", "#deebf7"],
            edgecolor="#555",
        )
        for b, v in zip(bars, shares.to_numpy(), strict=True):
            axes[1].text(b.get_x() + b.get_width() / 2, v + 1, f"{v:.1f}%", ha="center")
        axes[1].axhline(88, ls=":", color="#555")
        axes[1].set_ylim(0, 105)
    axes[0].set_title(label("Larger-or-worse accidents by grade", "较大及以上事故(按等级)"))
    axes[0].set_ylabel(label("accidents per year", "起/年"))
    axes[1].set_title(label("Causes (Heinrich 88:10:2)", "事故致因 88:10:2"))
    axes[1].set_ylabel("%")
    s = result.summary
    levels = [s["near_misses_total"], s["minor_injuries_total"], s["accidents_total"], s["deaths_total"]]
    names = [label("near misses", "未遂"), label("minor injuries", "轻伤"), label("accidents", "事故"), label("deaths", "死亡")]
    axes[2].barh(names, levels, color="#636363", log=True)
    axes[2].set_title(label("Accident pyramid (emergent)", "事故金字塔"))
    axes[2].set_xlabel(label("count (log scale)", "数量(对数)"))
    paths.append(_save(fig, out_dir / "grades_causes.png"))

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    reg = monthly[(monthly.city == "all") & (monthly.region != "all")]
    for metric, ax, title in (
        ("compliance_rate", axes[0], label("Compliance rate", "守法率")),
        ("hazards_per_enterprise", axes[1], label("Hidden hazards per enterprise", "户均事故隐患")),
    ):
        for region in REGIONS:
            series = reg[(reg.region == region) & (reg.metric == metric)]
            ax.plot(series.month, series.value, color=REGION_COLOURS[region], label=region_label(region))
        ax.set_title(title)
        ax.set_xlabel(label("month", "月"))
        ax.grid(alpha=0.3)
    axes[0].legend(frameon=False)
    paths.append(_save(fig, out_dir / "hazards_compliance.png"))

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    _stacked(axes[0], _region_year(annual, "inspections"), label("Inspections", "执法检查"), label("per year", "次/年"))
    _stacked(axes[1], _region_year(annual, "penalty_cases"), label("Penalty cases", "立案处罚"), label("per year", "件/年"))
    _stacked(
        axes[2],
        _region_year(annual, "zero_penalty_counties"),
        label("Counties inspecting but never penalising", "有检查无处罚的县"),
        label("counties", "个"),
    )
    axes[0].legend(frameon=False)
    paths.append(_save(fig, out_dir / "enforcement.png"))
    return paths
