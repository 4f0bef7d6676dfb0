"""The comparison's files: comparison.csv, yearly.csv, drift.csv, figures and report.md / report.html.

The report opens with the answer (experiments.compare.headline), then the warnings a reader
needs, then how it was computed, the scenarios, and the evidence: tables and figures.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from experiments.compare import headline as H
from experiments.compare.differences import scenario_differences
from experiments.outcomes import LABELS, region_label
from experiments.reporting import numbers as fmt
from experiments.reporting.doc import Doc
from sim.jurisdiction import REGIONS

#: Province metrics compared by default (each also per region).
COMPARE_METRICS = (
    "deaths", "accidents", "accidents_general", "accidents_larger", "accidents_major",
    "accidents_especially_major", "larger_or_worse", "major_or_worse", "compliance_rate", "hazards_per_enterprise",
    "inspections", "penalty_cases", "zero_penalty_counties", "enforcement_cost_10k_cny", "compliance_cost_10k_cny",
)
#: Metrics of the printed table and the regional figure.
HEADLINE = ("deaths", "larger_or_worse", "major_or_worse", "compliance_rate", "hazards_per_enterprise",
            "penalty_cases", "zero_penalty_counties", "enforcement_cost_10k_cny")


def _atomic_csv(path: Path, df: pd.DataFrame) -> None:
    from sim.outputs import atomic_write as _atomic

    _atomic(path, lambda p: df.to_csv(p, index=False, float_format="%.10g"))


def write_outputs(out: Path, scenarios: list, table: pd.DataFrame, ctx: H.Context, meta: dict,
                  yearly: pd.DataFrame | None = None, drift: pd.DataFrame | None = None,
                  series: pd.DataFrame | None = None, run_point: dict | None = None,
                  figures: bool = True) -> list[Path]:
    """Write the comparison's tables, figures and report into ``out``; returns the files written."""
    from experiments.compare import figures as F

    out.mkdir(parents=True, exist_ok=True)
    written = [out / "comparison.csv"]
    _atomic_csv(out / "comparison.csv", table)
    for name, df in (("yearly.csv", yearly), ("drift.csv", drift)):
        if df is not None and len(df):
            _atomic_csv(out / name, df)
            written.append(out / name)
    labels = dict(enumerate(ctx.labels))
    is_sim = meta.get("model", "sim") == "sim"
    figs: dict[str, tuple[Path, str]] = {}
    if figures and len(table):
        metrics = list(COMPARE_METRICS) if is_sim else sorted(set(table.loc[table.region == "province", "metric"]))
        figs["effects"] = (F.figure_effects(table, labels, out / "effects.png", metrics),
                           "Effects on the province, each metric on its own scale (95% CI) · 全省效果（各指标独立刻度）")
        if set(REGIONS) & set(table["region"]):
            reg_metrics = list(HEADLINE) if is_sim else metrics
            figs["regional"] = (F.figure_regional(table, labels, out / "regional.png", reg_metrics),
                                "Effects by region, major-or-worse accidents included · 分地区效果（苏南/苏中/苏北）")
        if yearly is not None and len(yearly):
            figs["yearly"] = (F.figure_difference_by_year(yearly, labels, out / "difference_by_year.png"),
                              "Paired difference by year with its 95% band · 分年度配对差值及95%区间")
        if series is not None and len(series) and run_point:
            figs["envelopes"] = (F.figure_envelopes(series, run_point, labels, out / "envelopes.png"),
                                 "Outcome envelopes (single replicates) and the 95% CI of the mean · 结果范围与均值区间")
        written += [f for f, _ in figs.values()]
    doc = build_report(scenarios, table, ctx, meta, figs, drift)
    return [*written, *doc.write(out)]


def warnings_for(table: pd.DataFrame, ctx: H.Context, meta: dict, drift: pd.DataFrame | None) -> list[tuple[str, str]]:
    """(English, Chinese) warnings: replicates, set-up mismatch, resolution, the base's drift."""
    out = []
    for w in filter(None, (meta.get("warning") or "").split("; ")):
        out.append((w, ""))
    metrics = sorted(set(table["metric"])) if len(table) else []
    out += H.resolution_warnings(metrics, ctx)
    out += H.drift_warnings(drift, ctx)
    return out


def build_report(scenarios: list, table: pd.DataFrame, ctx: H.Context, meta: dict, figs: dict,
                 drift: pd.DataFrame | None) -> Doc:
    labels = ctx.labels
    doc = Doc(f"Scenario comparison 情景比较: {' / '.join(labels)}")
    doc.h(1, f"Scenario comparison · 情景比较: {' vs '.join(labels[1:])} against {labels[0]}")
    blocks = H.headline(table, ctx)
    if blocks:
        doc.h(2, "Headline · 结论")
    for _, title, en, zh in blocks:
        doc.p(f"**{title}**")
        doc.bullets(en, css="headline")
        doc.bullets(zh, css="headline")
    post = meta.get("posterior")
    if post:  # what the intervals include: seed noise and parameter uncertainty
        en, zh = post["sentence"]
        doc.p(f"**{en}** {zh}")
    for en, zh in warnings_for(table, ctx, meta, drift):
        doc.warn(en + (f" {zh}" if zh else ""))

    doc.h(2, "How it was computed · 计算方法")
    setup = meta.get("setup") or {}
    scale = ", ".join(f"{k} = {v}" for k, v in setup.items()) or "as in the scenario files"
    doc.p(f"{ctx.replicates} replicates per scenario on the same seeds (root seed {meta['seed']}; replicate r uses "
          "`SeedSequence(seed).spawn(R)[r]` in every scenario: common random numbers). "
          f"{ctx.scale + '. ' if ctx.scale else ''}Scale overrides: {scale}. Runs done: {meta.get('done', '?')}, "
          f"failed: {meta.get('failed', 0)}. Store: `{meta.get('store', '')}`.")
    doc.p("Effects are paired differences (scenario − base, replicate by replicate) over the whole run with 95% "
          "confidence intervals: paired t for large counts, rates and costs, with the relative change from the "
          "paired log-ratio (never below −100%); exact Poisson intervals for rare counts (fewer than 30 per run, "
          "e.g. major accidents), widened for over-dispersion when the replicates show it "
          "(`experiments/compare/stats.py`). "
          "效果为逐次配对差值（情景−基准）及95%置信区间：事故数较多的指标、比率和成本用配对t区间，相对变化用配对对数比"
          "（不会低于−100%）；稀有事件（每次运行少于30起，如重大事故）用精确泊松区间，重复间离散度过大时相应放宽。")

    if post:
        _posterior_section(doc, post, meta.get("posterior_split"), ctx)

    doc.h(2, "Scenarios · 情景")
    rows = []
    for k, sc in enumerate(scenarios):
        files = ", ".join(f"`{p}`" for p, _ in getattr(sc, "sources", ())[-1:]) if sc is not None else ""
        title = f"{sc.title} {sc.title_zh}".strip() if sc is not None else ""
        rows.append([str(k), labels[k], title, files])
    doc.table(["#", "label 名称", "title 标题", "file 文件"], rows)
    doc.h(2, "Scenario differences, lever by lever · 情景差异（逐项政策杠杆）")
    for k, sc in enumerate(scenarios[1:], start=1):
        doc.h(3, f"{labels[k]} vs {labels[0]}")
        if sc is None or scenarios[0] is None:
            continue
        if sc.description and sc.description != scenarios[0].description:
            doc.p(sc.description)
        diffs = scenario_differences(scenarios[0], sc)
        if not diffs:
            doc.p("No parameter differs from the base. 与基准情景参数相同。")
            continue
        doc.table(["parameter 参数", "中文", "kind", labels[0], labels[k], "unit 单位", "what it does"],
                  [[f"{d.label} (`{d.name}`)", d.zh, d.kind, d.base, d.other, d.unit, d.doc] for d in diffs])

    metrics = [m for m in COMPARE_METRICS if m in set(table.get("metric", []))] or sorted(set(table.get("metric", [])))
    doc.h(2, "Effects on the province · 全省效果")
    if len(table):
        header, rows = H.effects_table(table, metrics)
        doc.table(header, rows)
        if any(" *" in c for r in rows for c in r):
            doc.p("Changes marked * have exact Poisson intervals (rare counts). 标 * 者为稀有事件精确泊松区间。")
    if "effects" in figs:
        doc.image(*figs["effects"])
    doc.h(2, "Effects by region · 分地区效果（苏南 / 苏中 / 苏北）")
    if "regional" in figs:
        doc.image(*figs["regional"])
    for region in REGIONS:
        if len(table) and region in set(table["region"]):
            doc.h(3, region_label(region))
            doc.table(*H.effects_table(table, metrics, region))
    if "yearly" in figs:
        doc.h(2, "Year by year · 分年度")
        doc.p("The paired difference in each year, with its 95% band: a band that covers zero in a year says that "
              "year alone cannot tell the scenarios apart, not that they are the same. "
              "每年的配对差值及95%区间；某年区间包含零只说明该年数据不足以区分，不表示两种情景相同。")
        doc.image(*figs["yearly"])
    if "envelopes" in figs:
        doc.h(2, "Outcome envelopes · 结果范围")
        doc.p("Light bands: the range of single replicates (what one run can show); dark bands: the 95% interval of "
              "the mean over replicates. Single runs overlap widely even where the paired effect is clear. "
              "浅色为单次运行范围，深色为均值的95%置信区间；即使配对效果明确，单次运行的范围也会大幅重叠。")
        doc.image(*figs["envelopes"])
    if drift is not None and len(drift):
        doc.h(2, f"Drift of the base scenario · 基准情景漂移 ({labels[0]})")
        doc.p("First against last year of the base runs, paired within each run, 95% CI. 基准情景首末年配对比较。")
        rows = []
        for _, r in drift.iterrows():
            name = H._annual_name(r["metric"])
            en, zh, unit = LABELS.get(name, (r["metric"], "", ""))
            rows.append([f"{en} {zh}".strip(), "pp / %" if unit == "share" else fmt.unit_shown(unit),
                         f"{r['first_year']}: {fmt.value(r['base_mean'], unit)}",
                         f"{r['last_year']}: {fmt.value(r['scenario_mean'], unit)}",
                         fmt.change(r["diff"], r["ci_low"], r["ci_high"], unit),
                         fmt.relative(r["rel_change"], r["rel_ci_low"], r["rel_ci_high"])])
        doc.table(["metric 指标", "unit 单位", "first year 首年", "last year 末年", "change [95% CI] 变化",
                   "relative 相对"], rows)
    doc.h(2, "Files · 文件")
    doc.p("`comparison.csv`: every effect (province and regions) with its interval, method and p-value; "
          "`yearly.csv`: the effects year by year; `drift.csv`: the base scenario's drift; "
          "`safegov results` on this folder lists the runs; the Parquet store can be queried with DuckDB or pandas "
          "(docs/store.md)."
          + (" `posterior_draws.csv`: the posterior row and parameter values each replicate used"
             + ("; `posterior_split.csv`: the variance split of every effect" if meta["posterior"]["split"] else "")
             + "." if post else ""))
    return doc


def _posterior_section(doc: Doc, post: dict, split: pd.DataFrame | None, ctx: H.Context) -> None:
    """How the posterior was used and, with --posterior-split, the variance split per headline outcome."""
    doc.h(3, "Parameter uncertainty · 参数不确定性")
    doc.p(f"Behavioural parameters from the calibration posterior `{post['file']}` ({post['method']}, "
          f"{post['samples']} weighted samples of {', '.join(f'`{n}`' for n in post['parameters'])}): replicate r "
          "of every scenario uses the same weighted draw (generator keyed on the root seed and r only, so a draw "
          "does not change when replicates are added), on the same seed as before, so each paired effect's spread "
          "between replicates is seed noise plus parameter uncertainty, and so is its interval. Rare counts with "
          "exact Poisson intervals take the parameter spread in through their over-dispersion factor. The draws "
          "are in `posterior_draws.csv`. "
          "行为参数取自标定后验：每个重复的所有情景共用同一组按权重抽取的参数（只由根种子和重复序号决定），"
          "因此配对效果在重复间的离散及其区间同时包含种子噪声与参数不确定性。")
    if split is None or split.empty:
        doc.p("The split between the two was not estimated: `--posterior-split` also runs every scenario at the "
              "posterior's weighted median on the same seeds (twice the runs) and splits the variance. "
              "未分解两者各占多少；加 `--posterior-split` 可估计。")
        return
    doc.p("Split (`--posterior-split`): every scenario also ran at the posterior's weighted median on the same "
          "seeds; the variance of the paired effect there is seed noise alone, the rest of the variance with "
          "posterior draws is parameter uncertainty. Which dominates is the Pitman–Morgan test of "
          "Var(with draws) = 2 × Var(at the median) on the paired replicates (5% level); \"unclear\" when it "
          "cannot tell. 方差分解：在后验中位数处以相同种子另行运行，其效果方差即种子噪声；其余为参数不确定性。")
    rows = []
    for _, r in split[(split["region"] == "province") & split["metric"].isin(H.HEADLINE_OUTCOMES)].iterrows():
        en, zh, _ = LABELS.get(r["metric"], (r["metric"], "", ""))
        share = "–" if pd.isna(r["parameter_share"]) else f"{r['parameter_share']:.0%}"
        rows.append([ctx.labels[int(r["scenario"])], f"{en.split(' (')[0]} {zh.split('(')[0]}".strip(),
                     fmt.num(r["var_total"] ** 0.5), fmt.num(r["var_seed"] ** 0.5), share,
                     "–" if pd.isna(r["p_value"]) else f"{r['p_value']:.2g}",
                     {"parameter": "parameters 参数", "seed": "seed noise 种子噪声"}.get(r["dominates"], "unclear 无法区分")])
    doc.table(["scenario 情景", "outcome 指标 (Jiangsu 全省)", "sd of effect, draws 抽样下效果标准差",
               "sd at median (seed only) 中位数处标准差", "parameter share 参数占比", "p (Pitman–Morgan)",
               "dominates 主导"], rows)
