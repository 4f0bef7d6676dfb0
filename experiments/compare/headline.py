"""The answer first: one sentence per asked outcome and region, in English and Chinese, plus the
warnings a reader needs (resolution, the base scenario's drift) and the printed table.

The asked outcomes are the policy researcher's (MODEL_BRIEF): deaths, 较大-or-worse and
重大-or-worse accidents, for Jiangsu and for 苏南 / 苏中 / 苏北.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from experiments.outcomes import LABELS
from experiments.reporting import numbers as fmt
from experiments.reporting.terminal import table as aligned_table
from sim import outcomes as O
from sim.jurisdiction import REGION_ZH, REGIONS

#: Outcomes the headline answers, in this order.
HEADLINE_OUTCOMES = ("deaths", "larger_or_worse", "major_or_worse")
#: Province first, then the regions.
REGION_ORDER = ("province", *REGIONS)
REGION_EN = {"province": "Jiangsu", "south": "South (Sunan)", "central": "Central (Suzhong)", "north": "North (Subei)"}
REGION_CN = {"province": "江苏全省", **REGION_ZH}
#: A drift of the base scenario is material when its interval excludes zero and it exceeds this share.
DRIFT_MATERIAL = 0.02
#: Annual series whose drift over the run the reports state (annual metric names).
DRIFT_METRICS = ("deaths", "accidents_larger_or_worse", "compliance_rate", "hazards_per_enterprise",
                 "penalty_cases", "zero_penalty_counties")


@dataclass(frozen=True)
class Context:
    """What a sentence needs to say besides the numbers: names, period and scale."""

    labels: tuple[str, ...]
    titles: tuple[str, ...]  # "English 中文" per scenario ("" if unknown)
    first_year: int | None
    last_year: int | None
    replicates: int
    agents: int | None = None
    enterprises_per_agent: float | None = None
    file_enterprises_per_agent: float | None = None  # as the base scenario file has it
    posterior: str | None = None  # posterior file whose draws the replicates share (compare --posterior)

    @property
    def period(self) -> str:
        if self.first_year is None:
            return "the run"
        return f"{self.first_year}–{self.last_year}"

    @property
    def period_zh(self) -> str:
        return "整个运行期" if self.first_year is None else f"{self.first_year}–{self.last_year}年"

    @property
    def scale(self) -> str:
        if self.agents is None:
            return ""
        return f"{self.agents:,} agents × {fmt.num(self.enterprises_per_agent)} enterprises"


def _unit(metric: str) -> str:
    return LABELS.get(metric, ("", "", ""))[2]


def _verdict(row) -> tuple[str, str]:
    lo, hi = row["ci_low"], row["ci_high"]
    if fmt.missing(lo) or fmt.missing(hi):
        return "no interval (too few replicates)", "重复次数不足，无区间"
    better = O.run_outcome(row["metric"]).better if row["metric"] in O.RUN_OUTCOMES else None
    if hi < 0:
        return ("fewer, distinguishable from zero" if better == "lower" else "lower, distinguishable from zero",
                "显著减少（95%区间不含零）")
    if lo > 0:
        return ("more, distinguishable from zero" if better == "lower" else "higher, distinguishable from zero",
                "显著增加（95%区间不含零）")
    return "not distinguishable from zero", "与零无显著差异"


def sentence(row, ctx: Context) -> tuple[str, str]:
    """One outcome in one region for one scenario, in English and in Chinese."""
    m = row["metric"]
    en_name, zh_name, unit = LABELS.get(m, (m, m, ""))
    en_name, zh_name = en_name.split(" (")[0], zh_name.split("(")[0]
    change = fmt.change(row["diff"], row["ci_low"], row["ci_high"], unit)
    head, _, ci = change.partition(" [")
    ci = ci.rstrip("]").replace(" pp", "")
    u_en = "pp" if unit == "share" else unit
    u_zh = "个百分点" if unit == "share" else fmt.unit_zh(unit)
    rel = fmt.relative(row["rel_change"], row["rel_ci_low"], row["rel_ci_high"])
    base = fmt.value(row["base_mean"], unit)
    verdict_en, verdict_zh = _verdict(row)
    exact = row.get("method") == "exact Poisson"
    method_en = " (exact Poisson interval)" if exact else ""
    method_zh = "（精确泊松区间）" if exact else ""
    lo_hi = ci.split(", ") if ci else []
    ci_en = f" [95% CI {lo_hi[0]}, {lo_hi[1]}]" if len(lo_hi) == 2 else ""
    ci_zh = f"（95%置信区间 {lo_hi[0]} 至 {lo_hi[1]}）" if len(lo_hi) == 2 else ""
    en = (f"{REGION_EN[row['region']]}, {en_name.lower()} over {ctx.period}: "
          f"{head} {u_en}{ci_en}, {rel} of {base} in the base{method_en}; {verdict_en}.")
    base_zh = f"{base}{fmt.unit_zh(unit)}" if unit != "share" else base
    zh = (f"{REGION_CN[row['region']]}{ctx.period_zh}{zh_name}：变化 {head}{u_zh}{ci_zh}，"
          f"相对基准（{base_zh}）{rel}{method_zh}；{verdict_zh}。")
    return en, zh


def headline(table: pd.DataFrame, ctx: Context, outcomes=HEADLINE_OUTCOMES) -> list[tuple[int, str, list[str], list[str]]]:
    """Per compared scenario: (point, title line, English sentences, Chinese sentences)."""
    out = []
    if table.empty:
        return out
    for point in sorted(table["scenario"].unique()):
        sub = table[table["scenario"] == point]
        en, zh = [], []
        for m in outcomes:
            for region in REGION_ORDER:
                rows = sub[(sub["metric"] == m) & (sub["region"] == region)]
                if len(rows):
                    e, z = sentence(rows.iloc[0], ctx)
                    en.append(e)
                    zh.append(z)
        if not en:
            continue
        title = ctx.titles[point] if point < len(ctx.titles) and ctx.titles[point] else ""
        scale = f", {ctx.scale}" if ctx.scale else ""
        line = (f"{ctx.labels[point]}{f' ({title})' if title else ''} against {ctx.labels[0]}: "
                f"{ctx.replicates} paired replicates (common random numbers"
                f"{f' and one draw from {ctx.posterior} per replicate' if ctx.posterior else ''}), {ctx.period}{scale}")
        out.append((int(point), line, en, zh))
    return out


def headline_text(table: pd.DataFrame, ctx: Context) -> str:
    """The headline as printed by ``safegov compare``."""
    lines = []
    for _, title, en, zh in headline(table, ctx):
        lines.append(title)
        lines += [f"  {s}" for s in en]
        lines += [f"  {s}" for s in zh]
        lines.append("")
    return "\n".join(lines).rstrip()


# ------------------------------------------------------------------------------- warnings


def resolution_warnings(metrics, ctx: Context) -> list[tuple[str, str]]:
    """Outcomes that depend on how many enterprises an agent stands for (sim/outcomes.py)."""
    out = []
    if ctx.enterprises_per_agent is None:
        return out
    for m in metrics:
        if m not in O.RUN_OUTCOMES or not O.run_outcome(m).resolution_sensitive:
            continue
        en, zh, _ = LABELS[m]
        file_note = ""
        file_zh = ""
        if ctx.file_enterprises_per_agent and ctx.file_enterprises_per_agent != ctx.enterprises_per_agent:
            file_note = f" (the scenario file uses {fmt.num(ctx.file_enterprises_per_agent)})"
            file_zh = f"（情景文件为 {fmt.num(ctx.file_enterprises_per_agent)} 家）"
        out.append((
            f"**{en}** depends on the model's resolution: here each agent stands for "
            f"{fmt.num(ctx.enterprises_per_agent)} enterprises{file_note}, and whether something happens in a "
            "county changes with it. Compare its levels and effects only between runs at the same resolution; "
            "it is not the province's real figure.",
            f"**{zh}** 取决于模型分辨率：本次每个智能体代表 {fmt.num(ctx.enterprises_per_agent)} 家企业{file_zh}，"
            "县内是否发生某事随之变化。其水平与效果只能在相同分辨率的运行之间比较，并非全省真实数字。"))
    return out


def drift_warnings(drift_table: pd.DataFrame, ctx: Context) -> list[tuple[str, str]]:
    """The base scenario's change from its first to its last year, when it is material."""
    out = []
    if drift_table is None or drift_table.empty:
        return out
    material = []
    for _, r in drift_table.iterrows():
        rel = r["rel_change"]
        if (r["ci_low"] > 0 or r["ci_high"] < 0) and not math.isnan(rel) and abs(rel) >= DRIFT_MATERIAL:
            material.append(r)
    if not material:
        return out
    parts_en, parts_zh = [], []
    for r in material:
        name = _annual_name(r["metric"])
        en, zh, unit = LABELS.get(name, (r["metric"], r["metric"], ""))
        en, zh = en.split(" (")[0], zh.split("(")[0]
        rel = fmt.relative(r["rel_change"], r["rel_ci_low"], r["rel_ci_high"])
        parts_en.append(f"{en.lower()} {fmt.value(r['base_mean'], unit)} in {r['first_year']} → "
                        f"{fmt.value(r['scenario_mean'], unit)} in {r['last_year']} ({rel})")
        parts_zh.append(f"{zh}由{r['first_year']}年的{fmt.value(r['base_mean'], unit)}变为{r['last_year']}年的"
                        f"{fmt.value(r['scenario_mean'], unit)}（{rel}）")
    out.append((
        f"The base scenario **{ctx.labels[0]}** drifts over the run with no lever change: "
        + "; ".join(parts_en) + " (first vs last year, paired within each run, 95% CI). The model is still "
        "settling (spin-up): the paired effects compare both scenarios over the same drift, but they describe "
        "levers acting on a changing world, not a steady state.",
        f"基准情景 **{ctx.labels[0]}** 在政策不变时逐年漂移：" + "；".join(parts_zh)
        + "（首末年逐次配对比较，95%置信区间）。模型尚未达到稳态（预热期问题）：配对效果在同一漂移下比较两种情景，"
        "但反映的是政策在变化中的系统上的作用，而非稳态效果。"))
    return out


def _annual_name(metric: str) -> str:
    for name, m in O.RUN_OUTCOMES.items():
        if m == metric:
            return name
    return metric


# ------------------------------------------------------------------------------- printed table


def effects_table(table: pd.DataFrame, metrics, region: str = "province",
                  base_label: str | None = None) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the effects table (full scenario names; the unit on every row). With one
    compared scenario its name heads the value column; with several, each row names its scenario."""
    sub = table[table["region"] == region]
    several = sub["scenario"].nunique() > 1
    base_label = base_label or (str(sub["base_label"].iloc[0]) if len(sub) else "base")
    only = str(sub["label"].iloc[0]) if len(sub) and not several else "scenario"
    header = ["metric 指标", "unit 单位", *(["scenario 情景"] if several else []), f"{base_label} (base 基准)",
              only if not several else "scenario value 情景值", "change [95% CI] 变化", "relative [95% CI] 相对变化",
              "CI excludes 0 显著"]
    rows = []
    for m in metrics:
        for _, r in sub[sub["metric"] == m].iterrows():
            en, zh, unit = LABELS.get(m, (m, "", ""))
            name = f"{en.split(' (')[0]} {zh.split('(')[0]}".strip()
            sig = "–" if fmt.missing(r["ci_low"]) else ("yes 是" if (r["ci_low"] > 0 or r["ci_high"] < 0) else "no 否")
            method = " *" if r.get("method") == "exact Poisson" else ""
            rows.append([name, "pp / %" if unit == "share" else fmt.unit_shown(unit),
                         *([str(r["label"])] if several else []),
                         fmt.value(r["base_mean"], unit), fmt.value(r["scenario_mean"], unit),
                         fmt.change(r["diff"], r["ci_low"], r["ci_high"], unit) + method,
                         fmt.relative(r["rel_change"], r["rel_ci_low"], r["rel_ci_high"]), sig])
    return header, rows


def short_table(table: pd.DataFrame, metrics) -> str:
    """The printed summary: province effects of each scenario, aligned by display width."""
    header, rows = effects_table(table, metrics)
    first_value = 3 if "scenario 情景" in header else 2
    text = aligned_table(header, rows, right={first_value, first_value + 1})
    if any(" *" in r[first_value + 2] for r in rows):
        text += "\n* exact Poisson interval (rare counts) 稀有事件精确泊松区间"
    return text
