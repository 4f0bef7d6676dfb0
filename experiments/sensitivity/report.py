"""Outputs of a sensitivity analysis: tidy CSVs, figures, report.md and report.html (bilingual).

Files written in the output folder::

    indices.csv     tidy: output, method, factor, label, zh, kind, index, value, conf_sample,
                    conf_replicate, conf, low, high, value_first_half, rank, and the output's
                    noise_share_runs / noise_share_means (experiments.sensitivity.noise);
                    ``low`` of an index that cannot be negative (μ*, σ, PAWN) is at least 0
    summary.csv     one row per output: noise shares, convergence, rankability, top factors, warnings
    design.csv      the SALib design (unrounded) with design_point
    figures/overview.png, figures/<method>_<output>.png
    report.md, report.html (self-contained: figures embedded, <meta charset="utf-8">)
    sensitivity.json  the spec, sample seed, sizes, versions and batch summary

The report tells one story: the overview (heatmap, then one paragraph per output covering the
province and the regions), the regional table and the per-output findings all call a factor
influential by the same rule (``figures.influential_factors``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.reporting import numbers as fmt
from experiments.reporting.doc import Doc, write_text
from experiments.sensitivity.analysis import MAIN_INDEX, OutputAnalysis
from experiments.sensitivity.figures import figure, figure_overview, influential_factors, main_rows
from experiments.sensitivity.spec import SensitivitySpec, output_title
from sim.jurisdiction import REGION_ZH, REGIONS
from sim.outputs import atomic_write

INDEX_WORDS = {
    "morris": ("Morris μ* (mean absolute elementary effect, in output units)", "Morris μ*(基本效应绝对值均值)"),
    "sobol": ("Sobol' total index ST (share of output variance involving the factor)", "Sobol 总效应指数 ST"),
    "pawn": ("PAWN index (median Kolmogorov-Smirnov distance)", "PAWN 指数(KS 距离中位数)"),
}
#: How the main index is written in sentences.
INDEX_SHOWN = {"mu_star": "μ*", "ST": "ST", "pawn": "PAWN"}
#: Indices that cannot be negative: their interval stops at 0.
NON_NEGATIVE = ("mu_star", "sigma", "pawn", "pawn_null")
REGION_EN = {"south": "South 苏南", "central": "Central 苏中", "north": "North 苏北"}


def _atomic_csv(path: Path, df: pd.DataFrame) -> None:
    atomic_write(path, lambda p: df.to_csv(p, index=False))


def _pct(v) -> str:
    return fmt.MISSING if v is None or not np.isfinite(v) else fmt.pct(v, decimals=0)


def clip_non_negative(a: OutputAnalysis) -> None:
    """μ*, σ and PAWN are >= 0 by definition: the lower end of their interval too."""
    t = a.table
    rows = t["index"].isin(NON_NEGATIVE)
    t.loc[rows, "low"] = t.loc[rows, "low"].clip(lower=0.0)


def _effect(r) -> str:
    """'Safety training 432 [254, 610]' (index and its 95% interval)."""
    return f"{r['label']} {fmt.interval(r['value'], r['low'], r['high'], signed=False)}"


def _effect_zh(r) -> str:
    return f"{r['zh'] or r['label']}（{fmt.interval(r['value'], r['low'], r['high'], signed=False)}）"


def _join(items: list[str], word: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def sentences(a: OutputAnalysis, spec: SensitivitySpec) -> tuple[str, str]:
    """Plain-words findings for one output, in English and Chinese, with the numbers in both."""
    m = main_rows(a).set_index("factor", drop=False)
    s = a.summary
    title = output_title(a.output)
    idx = INDEX_SHOWN[MAIN_INDEX[a.method]]
    what = "levers" if all(k == "lever" for k in m["kind"]) else "factors"
    what_zh = "政策杠杆" if what == "levers" else "因素"
    if s.get("constant"):
        return (f"**{title}** did not vary over the design, so nothing can be said about it at this scale.",
                f"**{title}** 在本设计中没有变化，无法判断影响因素（请加大规模）。")
    infl = influential_factors(a)
    none = [f for f in m.index if f not in infl]
    if infl:
        top = [m.loc[f] for f in infl[:3]]
        en = (f"**{title}**: the {what} distinguishable from no effect, largest first, are "
              + _join([_effect(r) for r in top]) + f" ({idx}, 95% CI).")
        zh = f"**{title}**：可与零区分的{what_zh}（按{idx}从大到小，括号内为95%置信区间）依次为" \
             + "、".join(_effect_zh(r) for r in top) + "。"
    else:
        lead = m.iloc[0]
        en = (f"**{title}**: no {what[:-1]} has an effect distinguishable from zero (or from the seed noise) at "
              f"this sample size; the largest estimate, {_effect(lead)}, is not.")
        zh = (f"**{title}**：在当前样本量下，没有{what_zh}的影响可与零（或随机噪声）区分；估计值最大的"
              f"{_effect_zh(lead)}也不能。")
    if none and infl:
        shown = [m.loc[f, "label"] for f in none[:6]]
        shown_zh = [m.loc[f, "zh"] or m.loc[f, "label"] for f in none[:6]]
        more = f" and {len(none) - 6} more" if len(none) > 6 else ""
        en += f" Not distinguishable from no effect: {', '.join(shown)}{more}."
        zh += "不能与零区分：" + "、".join(shown_zh) + (f"等{len(none)}项" if len(none) > 6 else "") + "。"
    ns_r, ns_m, R = s.get("noise_share_runs"), s.get("noise_share_means"), s.get("replicates", 1)
    if R and R > 1 and ns_r is not None and np.isfinite(ns_r):
        need = s.get("replicates_for_5pct")
        need_txt = "" if need is None or not np.isfinite(need) or need <= R else \
            f" (about {int(need)} replicates would bring it to 5%)"
        need_zh = "" if not need_txt else f"（约需 {int(need)} 次重复才能降到 5%）"
        crn = s.get("crn_share")
        crn_txt = "" if crn is None or not np.isfinite(crn) else \
            f"; common random numbers cancel {_pct(crn)} of that noise in comparisons between design points"
        en += (f" Replicate noise: {_pct(ns_r)} of the variance of a single run is due to the seed{crn_txt}; "
               f"the means of {R} replicates analysed here keep {_pct(ns_m)} noise{need_txt}.")
        zh += (f"随机性：单次运行方差的 {_pct(ns_r)} 来自随机种子"
               + ("" if not crn_txt else f"（其中 {_pct(crn)} 由公共随机数在设计点间抵消）")
               + f"；{R} 次重复取均值后，指数所用方差中仍有 {_pct(ns_m)} 为随机噪声{need_zh}。")
    elif R == 1 and not spec.is_callable:
        en += " One replicate only: the share of variance due to the seed is unknown (use --replicates 2 or more)."
        zh += "仅一次重复：无法估计随机种子造成的方差占比。"
    if s.get("converged") is True:
        en += " The ranking is stable between the first half of the samples and all of them."
        zh += "前一半样本与全部样本的结果一致（已收敛）。"
    return en, zh


def regional_story(base: OutputAnalysis, regions: list[OutputAnalysis]) -> tuple[str, str]:
    """One paragraph per output: the province and each region by the findings' rule, with the numbers."""
    def effects(a, zh=False):
        m = main_rows(a).set_index("factor", drop=False)
        infl = influential_factors(a)
        if not infl:
            return "none distinguishable" if not zh else "无可区分的因素"
        return ("、" if zh else ", ").join(_effect_zh(m.loc[f]) if zh else _effect(m.loc[f]) for f in infl[:3])

    idx = INDEX_SHOWN[MAIN_INDEX[base.method]]
    en = f"**{output_title(base.output)}** ({idx}, 95% CI) — Jiangsu: {effects(base)}"
    zh = f"**{output_title(base.output)}**（{idx}及95%置信区间）— 全省：{effects(base, True)}"
    for r in regions:
        region = r.output.partition("__")[2]
        en += f"; {REGION_EN.get(region, region)}: {effects(r)}"
        zh += f"；{REGION_ZH.get(region, region)}：{effects(r, True)}"
    return en + ".", zh + "。"


def region_rows(analyses: list[OutputAnalysis]) -> list[list[str]]:
    """The regional table: distinguishable factors (top 3) per region, and whether the leading one
    is the same everywhere; the same rule as the findings."""
    by = {a.output: a for a in analyses}
    rows = []
    for a in analyses:
        if "__" in a.output:
            continue
        regs = [by[f"{a.output}__{r}"] for r in REGIONS if f"{a.output}__{r}" in by]
        if not regs:
            continue

        def cell(x):
            infl = influential_factors(x)
            m = main_rows(x).set_index("factor")
            return ", ".join(str(m.loc[f, "label"]) for f in infl[:3]) if infl else "none 无"

        leaders = [(influential_factors(x) or [None])[0] for x in [a, *regs]]
        base = main_rows(a).set_index("factor")["value"]
        rhos = []
        for r in regs:
            v = main_rows(r).set_index("factor")["value"].reindex(base.index)
            if base.std() > 0 and v.std() > 0:
                rhos.append(float(base.rank().corr(v.rank())))
        same = "–" if None in leaders else ("yes 是" if len(set(leaders)) == 1 else "no 否")
        rows.append([output_title(a.output), cell(a), *(cell(r) for r in regs),
                     fmt.num(min(rhos), sig=2) if rhos else fmt.MISSING, same])
    return rows


def write_report(out: Path, spec: SensitivitySpec, analyses: list[OutputAnalysis], meta: dict) -> list[Path]:
    """Write CSVs, figures, report.md and report.html; returns the paths written."""
    out = Path(out)
    figdir = out / "figures"
    figdir.mkdir(parents=True, exist_ok=True)
    for a in analyses:
        clip_non_negative(a)
    written = []
    indices = pd.concat([a.table for a in analyses], ignore_index=True)
    _atomic_csv(out / "indices.csv", indices)
    summary = pd.DataFrame([{**a.summary, "warnings": " | ".join(a.warnings)} for a in analyses])
    first = ["output", "method", "points", "points_used", "replicates", "runs", "failed_runs", "mean", "sd",
             "noise_share_runs", "noise_share_means", "crn_share", "replicates_for_5pct", "converged",
             "convergence_max_diff", "top_same_half", "rankable", "influential", "top_factors", "warnings"]
    summary = summary[[c for c in first if c in summary] + [c for c in summary if c not in first]]
    _atomic_csv(out / "summary.csv", summary)
    written += [out / "indices.csv", out / "summary.csv"]
    figs = {}
    for a in analyses:
        safe = a.output.replace("/", "_")
        figs[a.output] = figure(a, figdir / f"{a.method}_{safe}.png", output_title(a.output))
        written.append(figs[a.output])
    overview = figure_overview(analyses, figdir / "overview.png")
    if overview is not None:
        written.append(overview)

    method = spec.method
    en_idx, zh_idx = INDEX_WORDS[method]
    doc = Doc("Sensitivity analysis 敏感性分析" + (f" — {spec.title}" if spec.title else ""))
    doc.h(1, doc.title)
    model = "the simulation" if not spec.is_callable else f"the callable `{spec.model}`"
    doc.p(f"Method **{method}** on {model}; {len(spec.factors)} factors, {meta['points']} design points × "
          f"{spec.replicates} replicates = {meta['runs']} runs ({meta['failed']} failed). "
          f"方法 **{method}**；{len(spec.factors)} 个因素，{meta['points']} 个设计点 × {spec.replicates} 次重复 = "
          f"{meta['runs']} 次运行。")

    by = {a.output: a for a in analyses}
    bases = [a for a in analyses if "__" not in a.output]
    doc.h(2, "Overview · 概览")
    if overview is not None:
        doc.image(overview, "Which factor moves which output, province and regions; ● distinguishable from no "
                            "effect, hatched: below the seed-noise floor · 各因素对各指标的影响（●可与零区分）")
    stories_en, stories_zh = [], []
    for a in bases:
        regs = [by[f"{a.output}__{r}"] for r in REGIONS if f"{a.output}__{r}" in by]
        en, zh = regional_story(a, regs)
        stories_en.append(en)
        stories_zh.append(zh)
    doc.p("Factors distinguishable from no effect (largest first, with the index and its 95% interval), in the "
          "province and each region:")
    doc.bullets(stories_en)
    doc.p("可与零区分的因素（从大到小，括号内为指数及95%置信区间），全省及各地区：")
    doc.bullets(stories_zh)
    noisy = [a for a in analyses if np.isfinite(a.summary.get("noise_share_means", np.nan))
             and a.summary.get("noise_share_means", 0) > 0.2]
    if noisy:
        doc.warn(f"{len(noisy)} of {len(analyses)} outputs are still more than 20% seed noise in the replicate means "
                 f"({', '.join(output_title(a.output) for a in noisy[:4])}{' …' if len(noisy) > 4 else ''}): "
                 "a lever that is not distinguishable there may still matter; add replicates. "
                 f"{len(noisy)} 个指标的重复均值中随机噪声仍超过20%，需增加重复次数。")

    doc.h(2, "How to read · 如何解读")
    for key in (method, "noise", "rule"):
        doc.p(HOW_TO_READ[key])

    regions = region_rows(analyses)
    if regions:
        doc.h(2, "Across regions · 分地区")
        doc.p("Factors distinguishable from no effect in each region (by the same rule as the findings, top 3). "
              "ρ is the lowest Spearman rank correlation between a region's indices and the province's. "
              "各地区可与零区分的因素（与主要结论同一规则，前三位）。")
        doc.table(["output 指标", "Jiangsu 全省", *(REGION_EN[r] for r in REGIONS), "min ρ",
                   "same leader 首位一致"], regions)

    doc.h(2, "Findings by output · 各指标结论")
    for a in analyses:
        en, zh = sentences(a, spec)
        doc.p(en)
        doc.p(zh)
        for w in a.warnings:
            doc.warn(f"{output_title(a.output)}: {w}")

    doc.h(2, "Indices · 指数")
    doc.p(f"Main index: {en_idx}. 主指数：{zh_idx}。 Intervals are 95% and stop at 0 for indices that cannot be "
          "negative.")
    for a in analyses:
        m = main_rows(a)
        s = a.summary
        doc.h(3, output_title(a.output))
        cols = ["factor 因素", MAIN_INDEX[method], "95% CI", "first half 前一半"]
        extra_name = {"morris": "sigma", "sobol": "S1", "pawn": None}[method]
        if extra_name:
            cols.insert(3, extra_name)
        other = a.table[a.table["index"] == extra_name].set_index("factor") if extra_name else None
        rows = []
        for _, r in m.iterrows():
            row = [f"{r['label']} {r['zh']}".strip(), fmt.num(r["value"]),
                   f"[{fmt.num(r['low'])}, {fmt.num(r['high'])}]", fmt.num(r["value_first_half"])]
            if other is not None:
                o = other.loc[r["factor"]]
                row.insert(3, fmt.num(o["value"]) + (f" ± {fmt.num(o['conf'], sig=2)}" if np.isfinite(o["conf"]) else ""))
            rows.append(row)
        doc.table(cols, rows)
        noise = (f"noise share (single run / replicate means) 随机性占比: {_pct(s.get('noise_share_runs'))} / "
                 f"{_pct(s.get('noise_share_means'))}; converged 收敛: {s.get('converged')}; "
                 f"top factors separable 可排序: {s.get('rankable')}")
        if method == "pawn":
            noise += f"; dummy-factor level 虚拟因子水平: {fmt.num(s.get('pawn_null'))}"
        if method == "morris" and np.isfinite(s.get("mu_star_noise_floor", float("nan"))):
            noise += f"; μ* a dead factor gets from the seed alone 随机噪声下限: {fmt.num(s['mu_star_noise_floor'])}"
        doc.p(noise)
        doc.image(figs[a.output], output_title(a.output))

    doc.h(2, "How it was computed · 计算方法")
    doc.p(f"Sample seed {spec.seed}. Indices are computed on the mean of the replicates of each design point; "
          "replicate r uses the same seed (seed, r) at every point (common random numbers). 95% intervals combine "
          "SALib's bootstrap over the design with a bootstrap over replicates. 指数基于各设计点重复运行的均值计算，"
          "各设计点第 r 次重复使用相同随机种子（公共随机数）；95%区间综合设计抽样与重复抽样两类误差。")
    if not spec.is_callable:
        scale = ", ".join(f"{k} = {v}" for k, v in spec.setup.items())
        doc.p(f"Base scenario `{Path(spec.scenario).name}`; scale: {scale or 'as in the scenario'}"
              + (f"; fixed: {', '.join(f'{k} = {v:g}' for k, v in spec.fixed.items())}" if spec.fixed else "") + ".")
    written += doc.write(out)
    write_text(out / "sensitivity.json", json.dumps({**meta, "spec": spec.describe()}, indent=1, ensure_ascii=False,
                                                    default=_json_default))
    written.append(out / "sensitivity.json")
    return written


HOW_TO_READ = {
    "morris": "**Morris μ*** is the mean absolute change of the output per unit of a factor's range (a step of "
    "⅔ of the range, divided by the step), in output units: use it to screen out factors with no effect. σ large "
    "relative to μ* means the effect depends on the other factors (interactions) or is non-linear. "
    "Morris μ* 为因素在其取值范围内变动时输出变化绝对值的平均(按步长折算到整个范围)，"
    "用于筛除无影响的因素；σ 相对 μ* 较大表示存在交互或非线性。",
    "sobol": "**Sobol' S1** is the share of output variance explained by the factor alone, **ST** the share "
    "in which it takes part (alone or through interactions). ST ≈ 0 means the factor can be fixed. "
    "Small negative estimates are noise around 0. Sobol S1 为因素单独解释的方差占比，ST 为含交互作用的总占比；"
    "ST≈0 表示该因素可固定；微小负值为估计误差。",
    "pawn": "**PAWN** compares the output's distribution when one factor is held in a slice of its range with "
    "the unconditional one (Kolmogorov-Smirnov distance, median over slices); it does not rely on "
    "variance, so it suits skewed outputs like deaths. A factor is influential only above the dummy "
    "factor's level. PAWN 比较因素取值分段时输出分布与总体分布的差异(KS 距离)，不依赖方差，适合偏态输出；"
    "只有高于虚拟因子水平才算有影响。",
    "noise": "**Replicate noise.** The model is stochastic. The noise share of a single run is the within-point "
    "variance across replicates divided by the total variance; the noise share of the means is what "
    "remains after averaging R replicates. If it is large, indices are blurred by chance: add "
    "replicates. 随机性：单次运行的随机性占比为同一设计点不同重复间的方差除以总方差；均值的随机性占比为取 R 次"
    "重复均值后剩余的部分，若较大应增加重复次数。",
    "rule": "**Distinguishable from no effect** (the dot in the overview, the findings and the regional table): Morris μ* "
    "at least a tenth of the largest with its interval above 5% of the largest and above the seed-noise floor; "
    "Sobol' ST ≥ 0.02 with its interval above 0; PAWN with its interval above the dummy factor's level. When the "
    "intervals of the top factors overlap they cannot be ranked: increase the samples. 可与零区分的判定规则在概览、"
    "结论和分地区表中一致；首位因素区间重叠时无法排序，应增加样本。",
}


def _json_default(v):
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    return str(v)
