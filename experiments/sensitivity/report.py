"""Outputs of a sensitivity analysis: tidy CSVs, figures, report.md and report.html (bilingual).

Files written in the output folder::

    indices.csv     tidy: output, method, factor, label, zh, kind, index, value, conf_sample,
                    conf_replicate, conf, low, high, value_first_half, rank, and the output's
                    noise_share_runs / noise_share_means (experiments.sensitivity.noise)
    summary.csv     one row per output: noise shares, convergence, rankability, top factors, warnings
    design.csv      the SALib design (unrounded) with design_point
    figures/<method>_<output>.png
    report.md, report.html (self-contained: figures embedded, <meta charset="utf-8">)
    sensitivity.json  the spec, sample seed, sizes, versions and batch summary
"""

from __future__ import annotations

import base64
import html
import json
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.sensitivity.analysis import MAIN_INDEX, OutputAnalysis, influential
from experiments.sensitivity.spec import SensitivitySpec, output_title

INDEX_WORDS = {
    "morris": ("Morris μ* (mean absolute elementary effect, in output units)", "Morris μ*(基本效应绝对值均值)"),
    "sobol": ("Sobol' total index ST (share of output variance involving the factor)", "Sobol 总效应指数 ST"),
    "pawn": ("PAWN index (median Kolmogorov-Smirnov distance)", "PAWN 指数(KS 距离中位数)"),
}


def _atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _atomic_csv(path: Path, df: pd.DataFrame) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    df.to_csv(tmp, index=False)
    tmp.replace(path)


def _fmt(v: float, digits: int = 3) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    if abs(v) >= 10 ** digits:
        return f"{v:,.0f}"
    return f"{v:.{digits}g}"


def _pct(v) -> str:
    return "–" if v is None or not np.isfinite(v) else f"{100 * v:.0f}%"


# ---------------------------------------------------------------------------- figures


def _factor_label(row) -> str:
    from sim.figures import label

    return label(str(row["label"]), str(row["zh"])) if row.get("zh") else str(row["label"])


def figure(analysis: OutputAnalysis, path: Path) -> Path:
    """Morris mu*-sigma scatter, Sobol' S1/ST bars with CIs, or PAWN bars with the null level."""
    import matplotlib.pyplot as plt

    from sim.figures import _save, label, setup_fonts

    setup_fonts()
    t = analysis.table
    method = analysis.method
    title = output_title(analysis.output)
    if method == "morris":
        mu = t[t["index"] == "mu_star"].set_index("factor")
        sg = t[t["index"] == "sigma"].set_index("factor")
        fig, ax = plt.subplots(figsize=(7.5, 5.5))
        ax.errorbar(mu["value"], sg.loc[mu.index, "value"], xerr=np.nan_to_num(mu["conf"]), fmt="o",
                    color="#3182bd", ecolor="#9ecae1", capsize=2)
        order = mu.sort_values("value", ascending=False).index
        for name in order[:6]:
            ax.annotate(_factor_label(mu.loc[name]), (mu.loc[name, "value"], sg.loc[name, "value"]), fontsize=7,
                        xytext=(4, 3), textcoords="offset points")
        xmax = float(np.nanmax(mu["value"] + np.nan_to_num(mu["conf"]))) * 1.08 or 1.0
        ymax = float(np.nanmax(sg["value"])) * 1.15 or 1.0
        ax.plot([0, xmax], [0, xmax], ls=":", color="#999", lw=1, label="σ = μ*")
        floor = analysis.summary.get("mu_star_noise_floor", float("nan"))
        if np.isfinite(floor) and floor > 0:
            ax.axvline(floor, ls="--", color="#e6550d", lw=1,
                       label=label("seed-noise floor of μ*", "随机噪声下限"))
        ax.legend(frameon=False, loc="upper left", fontsize=8)
        ax.set_xlim(0, xmax)
        ax.set_ylim(0, ymax)
        ax.set_xlabel(label("μ* (mean |elementary effect|)", "基本效应绝对值均值"))
        ax.set_ylabel(label("σ (interactions, non-linearity)", "交互与非线性"))
        ax.set_title(f"Morris — {title}")
        ax.grid(alpha=0.3)
    else:
        main = MAIN_INDEX[method]
        m = t[t["index"] == main].sort_values("value", ascending=True)
        names = [_factor_label(r) for _, r in m.iterrows()]
        y = np.arange(len(m))
        fig, ax = plt.subplots(figsize=(7.5, 0.35 * len(m) + 1.6))
        if method == "sobol":
            s1 = t[t["index"] == "S1"].set_index("factor").loc[m["factor"]]
            ax.barh(y + 0.2, m["value"].clip(lower=0), height=0.4, xerr=np.nan_to_num(m["conf"]),
                    color="#e6550d", ecolor="#555", capsize=2, label=label("total ST", "总效应"))
            ax.barh(y - 0.2, s1["value"].clip(lower=0), height=0.4, xerr=np.nan_to_num(s1["conf"]),
                    color="#fdae6b", ecolor="#555", capsize=2, label=label("first-order S1", "一阶"))
            ax.set_xlabel(label("Sobol' index (share of variance)", "Sobol 指数(方差占比)"))
            ax.legend(frameon=False, loc="lower right")
        else:
            ax.barh(y, m["value"], xerr=np.nan_to_num(m["conf"]), color="#31a354", ecolor="#555", capsize=2)
            null = t[t["index"] == "pawn_null"]["value"].iloc[0]
            ax.axvline(null, ls="--", color="#555", lw=1, label=label("dummy factor (chance level)", "虚拟因子(随机水平)"))
            ax.legend(frameon=False, loc="lower right", fontsize=8)
            ax.set_xlabel(label("PAWN index (median KS distance)", "PAWN 指数"))
        ax.set_yticks(y)
        ax.set_yticklabels(names, fontsize=8)
        ax.set_xlim(left=0)
        ax.set_title(f"{'Sobol' if method == 'sobol' else 'PAWN'} — {title}")
        ax.grid(axis="x", alpha=0.3)
    return _save(fig, path)


# ----------------------------------------------------------------------------- report


def _main_rows(a: OutputAnalysis) -> pd.DataFrame:
    t = a.table
    m = t[t["index"] == MAIN_INDEX[a.method]].sort_values("value", ascending=False)
    if a.method == "pawn":
        null = t[t["index"] == "pawn_null"].iloc[0]
        m = m.assign(null_high=float(null["value"] + np.nan_to_num(null["conf"])))
    return m


def _sentences(a: OutputAnalysis, spec: SensitivitySpec) -> tuple[str, str]:
    """Plain-words findings for one output, in English and Chinese."""
    m = _main_rows(a)
    s = a.summary
    title = output_title(a.output)
    what = "levers" if all(k == "lever" for k in m["kind"]) else "factors"
    what_zh = "政策杠杆" if what == "levers" else "因素"
    if s.get("constant"):
        return (f"**{title}** did not vary over the design, so nothing can be said about it at this scale.",
                f"**{title}** 在本设计中没有变化，无法判断影响因素（请加大规模）。")
    infl = influential(a.method, m, s.get("mu_star_noise_floor", float("nan")))
    none = m[~m["factor"].isin(infl["factor"])]
    idx = MAIN_INDEX[a.method]
    if len(infl):
        top = infl.head(3)
        names = [f"{r['label']} ({_fmt(r['value'], 2)} ± {_fmt(r['conf'], 1)})" for _, r in top.iterrows()]
        en = f"**{title}**: the {what} that matter most are " + _join(names) + f" ({idx} ± 95% CI)."
        zh = f"**{title}**：影响最大的{what_zh}依次为" + "、".join(str(r["zh"] or r["label"]) for _, r in top.iterrows()) + "。"
    else:
        en = (f"**{title}**: no {what[:-1]} has an effect distinguishable from zero (or from the seed noise) "
              "at this sample size.")
        zh = f"**{title}**：在当前样本量下，没有{what_zh}的影响可与零区分。"
    if len(none) and len(infl):
        shown = list(none["label"].head(6))
        more = f" and {len(none) - 6} more" if len(none) > 6 else ""
        lead, lead_zh = {
            "morris": ("Small or no effect (μ* below a tenth of the largest, or not distinguishable from the "
                       "seed-noise floor)",
                       "影响很小或无影响"),
            "sobol": ("No detectable effect (ST not distinguishable from 0, or below 0.02)", "未见可检测影响"),
            "pawn": ("No effect above the dummy factor's level", "未超过虚拟因子水平"),
        }[a.method]
        en += f" {lead}: {', '.join(shown)}{more}."
        zh += f"{lead_zh}：" + "、".join(str(z or lab) for z, lab in zip(none["zh"].head(6), shown, strict=True)) \
            + (f"等{len(none)}项" if len(none) > 6 else "") + "。"
    ns_r, ns_m, R = s.get("noise_share_runs"), s.get("noise_share_means"), s.get("replicates", 1)
    if R and R > 1 and ns_r is not None and np.isfinite(ns_r):
        need = s.get("replicates_for_5pct")
        need_txt = "" if need is None or not np.isfinite(need) or need <= R else \
            f" (about {int(need)} replicates would bring it to 5%)"
        crn = s.get("crn_share")
        crn_txt = "" if crn is None or not np.isfinite(crn) else \
            f"; common random numbers cancel {_pct(crn)} of that noise in comparisons between design points"
        en += (f" Replicate noise: {_pct(ns_r)} of the variance of a single run is due to the seed{crn_txt}; "
               f"the means of {R} replicates analysed here keep {_pct(ns_m)} noise{need_txt}.")
        zh += (f"随机性：单次运行方差的 {_pct(ns_r)} 来自随机种子" +
               ("" if not crn_txt else f"（其中 {_pct(crn)} 由公共随机数在设计点间抵消）") +
               f"；{R} 次重复取均值后，指数所用方差中仍有 {_pct(ns_m)} 为随机噪声。")
    elif R == 1 and not spec.is_callable:
        en += " One replicate only: the share of variance due to the seed is unknown (use --replicates 2 or more)."
        zh += "仅一次重复：无法估计随机种子造成的方差占比。"
    if s.get("converged") is True:
        en += " The ranking is stable between the first half of the samples and all of them."
        zh += "前一半样本与全部样本的结果一致（已收敛）。"
    return en, zh


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _region_rows(analyses: list[OutputAnalysis]) -> list[list[str]]:
    """For outputs analysed per region: the top factor per region and rank agreement."""
    by = {a.output: a for a in analyses}
    rows = []
    for a in analyses:
        if "__" in a.output:
            continue
        regs = [by[n] for n in by if n.startswith(a.output + "__")]
        if not regs:
            continue
        base = _main_rows(a).set_index("factor")["value"]
        tops, rhos = [], []
        for r in regs:
            m = _main_rows(r)
            tops.append(f"{r.output.partition('__')[2]}: {m.iloc[0]['label'] if not r.summary.get('constant') else '–'}")
            v = m.set_index("factor")["value"].reindex(base.index)
            if base.std() > 0 and v.std() > 0:
                rhos.append(float(pd.Series(base).rank().corr(v.rank())))
        top_all = _main_rows(a).iloc[0]["label"]
        same = all(t.endswith(": " + top_all) for t in tops)
        rows.append([output_title(a.output), str(top_all), "; ".join(tops),
                     _fmt(min(rhos), 2) if rhos else "–", "yes 是" if same else "no 否"])
    return rows


def write_report(out: Path, spec: SensitivitySpec, analyses: list[OutputAnalysis], meta: dict) -> list[Path]:
    """Write CSVs, figures, report.md and report.html; returns the paths written."""
    out = Path(out)
    figdir = out / "figures"
    figdir.mkdir(parents=True, exist_ok=True)
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
        figs[a.output] = figure(a, figdir / f"{a.method}_{safe}.png")
        written.append(figs[a.output])

    method = spec.method
    en_idx, zh_idx = INDEX_WORDS[method]
    blocks: list[tuple] = []
    blocks.append(("h1", "Sensitivity analysis 敏感性分析" + (f" — {spec.title}" if spec.title else "")))
    model = "the simulation" if not spec.is_callable else f"the callable `{spec.model}`"
    blocks.append(("p", f"Method **{method}** on {model}; {len(spec.factors)} factors, "
                        f"{meta['points']} design points × {spec.replicates} replicates = {meta['runs']} runs "
                        f"({meta['failed']} failed); sample seed {spec.seed}. Indices are computed on the mean "
                        "of the replicates of each design point; replicate r uses the same seed (seed, r) at "
                        "every point (common random numbers)."))
    blocks.append(("p", f"方法：**{method}**；{len(spec.factors)} 个因素，{meta['points']} 个设计点 × "
                        f"{spec.replicates} 次重复 = {meta['runs']} 次运行；指数基于各设计点重复运行的均值计算，"
                        "各设计点第 r 次重复使用相同随机种子（公共随机数）。"))
    if not spec.is_callable:
        scale = ", ".join(f"{k} = {v}" for k, v in spec.setup.items())
        blocks.append(("p", f"Base scenario `{Path(spec.scenario).name}`; scale: {scale or 'as in the scenario'}"
                            + (f"; fixed: {', '.join(f'{k} = {v:g}' for k, v in spec.fixed.items())}"
                               if spec.fixed else "") + "."))

    blocks.append(("h2", "Findings 主要结论"))
    for a in analyses:
        en, zh = _sentences(a, spec)
        blocks.append(("p", en))
        blocks.append(("p", zh))
        for w in a.warnings:
            blocks.append(("warn", f"{output_title(a.output)}: {w}"))

    regions = _region_rows(analyses)
    if regions:
        blocks.append(("h2", "Across regions 分地区"))
        blocks.append(("p", "Does the ranking hold in Southern, Central and Northern Jiangsu (苏南/苏中/苏北)? "
                            "ρ is the lowest Spearman rank correlation between a region's indices and the "
                            "province's."))
        blocks.append(("table", ["output 指标", "top (province) 全省首位", "top by region 各地区首位",
                                 "min ρ", "same top 首位一致"], regions))

    blocks.append(("h2", "Indices 指数"))
    blocks.append(("p", f"Main index: {en_idx}. 主指数：{zh_idx}。"))
    for a in analyses:
        m = _main_rows(a)
        s = a.summary
        blocks.append(("h3", output_title(a.output)))
        cols = ["factor 因素", MAIN_INDEX[method], "95% CI", "first half 前一半"]
        extra_name = {"morris": "sigma", "sobol": "S1", "pawn": None}[method]
        if extra_name:
            cols.insert(3, extra_name)
        other = a.table[a.table["index"] == extra_name].set_index("factor") if extra_name else None
        rows = []
        for _, r in m.iterrows():
            row = [f"{r['label']} {r['zh']}".strip(), _fmt(r["value"]), f"[{_fmt(r['low'])}, {_fmt(r['high'])}]",
                   _fmt(r["value_first_half"])]
            if other is not None:
                o = other.loc[r["factor"]]
                row.insert(3, _fmt(o["value"]) + (f" ± {_fmt(o['conf'], 2)}" if np.isfinite(o["conf"]) else ""))
            rows.append(row)
        blocks.append(("table", cols, rows))
        noise = (f"noise share (single run / replicate means) 随机性占比: {_pct(s.get('noise_share_runs'))} / "
                 f"{_pct(s.get('noise_share_means'))}; converged 收敛: {s.get('converged')}; "
                 f"top factors separable 可排序: {s.get('rankable')}")
        if method == "pawn":
            noise += f"; dummy-factor level 虚拟因子水平: {_fmt(s.get('pawn_null'))}"
        if method == "morris" and np.isfinite(s.get("mu_star_noise_floor", float("nan"))):
            noise += f"; μ* a dead factor gets from the seed alone 随机噪声下限: {_fmt(s['mu_star_noise_floor'])}"
        blocks.append(("p", noise))
        blocks.append(("img", figs[a.output]))

    blocks.append(("h2", "How to read 如何解读"))
    blocks += [("p", t) for t in HOW_TO_READ]

    md = _render_md(blocks, out)
    htm = _render_html(blocks, out)
    _atomic_text(out / "report.md", md)
    _atomic_text(out / "report.html", htm)
    written += [out / "report.md", out / "report.html"]
    _atomic_text(out / "sensitivity.json", json.dumps({**meta, "spec": spec.describe()}, indent=1,
                                                        ensure_ascii=False, default=_json_default))
    written.append(out / "sensitivity.json")
    return written


HOW_TO_READ = (
    "**Morris μ*** is the mean absolute change of the output per unit of a factor's range (a step of "
    "⅔ of the range, divided by the step), in output units: use it to screen out factors with no effect. σ large "
    "relative to μ* means the effect depends on the other factors (interactions) or is non-linear. "
    "Morris μ* 为因素在其取值范围内变动时输出变化绝对值的平均(按步长折算到整个范围)，"
    "用于筛除无影响的因素；σ 相对 μ* 较大表示存在交互或非线性。",
    "**Sobol' S1** is the share of output variance explained by the factor alone, **ST** the share "
    "in which it takes part (alone or through interactions). ST ≈ 0 means the factor can be fixed. "
    "Small negative estimates are noise around 0. Sobol S1 为因素单独解释的方差占比，ST 为含交互作用的总占比；"
    "ST≈0 表示该因素可固定；微小负值为估计误差。",
    "**PAWN** compares the output's distribution when one factor is held in a slice of its range with "
    "the unconditional one (Kolmogorov-Smirnov distance, median over slices); it does not rely on "
    "variance, so it suits skewed outputs like deaths. A factor is influential only above the dummy "
    "factor's level. PAWN 比较因素取值分段时输出分布与总体分布的差异(KS 距离)，不依赖方差，适合偏态输出；"
    "只有高于虚拟因子水平才算有影响。",
    "**Replicate noise.** The model is stochastic. The noise share of a single run is the within-point "
    "variance across replicates divided by the total variance; the noise share of the means is what "
    "remains after averaging R replicates. If it is large, indices are blurred by chance: add "
    "replicates. 随机性：单次运行的随机性占比为同一设计点不同重复间的方差除以总方差；均值的随机性占比为取 R 次"
    "重复均值后剩余的部分，若较大应增加重复次数。",
    "**Confidence intervals** (95%) combine a bootstrap over the design and a bootstrap over replicates. "
    "When the CIs of the top factors overlap they cannot be ranked: increase the samples. Convergence "
    "compares the indices of the first half of the samples with all of them. 95% 置信区间综合了设计抽样与"
    "重复抽样两类误差；首位因素区间重叠时无法排序，应增加样本。",
)


def _json_default(v):
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, Path):
        return str(v)
    return str(v)


def _render_md(blocks, out: Path) -> str:
    lines = []
    for b in blocks:
        kind = b[0]
        if kind in ("h1", "h2", "h3"):
            lines += ["#" * int(kind[1]) + " " + b[1], ""]
        elif kind == "p":
            lines += [b[1], ""]
        elif kind == "warn":
            lines += [f"> ⚠ {b[1]}", ""]
        elif kind == "table":
            cols, rows = b[1], b[2]
            lines.append("| " + " | ".join(cols) + " |")
            lines.append("|" + "---|" * len(cols))
            lines += ["| " + " | ".join(str(c).replace("|", "/") for c in r) + " |" for r in rows]
            lines.append("")
        elif kind == "img":
            rel = Path(b[1]).relative_to(out)
            lines += [f"![{rel.stem}]({rel.as_posix()})", ""]
    return "\n".join(lines)


def _inline(text: str) -> str:
    import re

    t = html.escape(text)
    t = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", t)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", t)


def _render_html(blocks, out: Path) -> str:
    body = []
    for b in blocks:
        kind = b[0]
        if kind in ("h1", "h2", "h3"):
            body.append(f"<{kind}>{_inline(b[1])}</{kind}>")
        elif kind == "p":
            body.append(f"<p>{_inline(b[1])}</p>")
        elif kind == "warn":
            body.append(f'<p class="warn">⚠ {_inline(b[1])}</p>')
        elif kind == "table":
            head = "".join(f"<th>{html.escape(str(c))}</th>" for c in b[1])
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in b[2])
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif kind == "img":
            data = base64.b64encode(Path(b[1]).read_bytes()).decode("ascii")
            body.append(f'<p><img alt="{html.escape(Path(b[1]).stem)}" src="data:image/png;base64,{data}"></p>')
    style = ("body{font-family:'Noto Sans CJK SC','Noto Sans SC',sans-serif;max-width:980px;margin:2em auto;"
             "padding:0 1em;line-height:1.5;color:#222}table{border-collapse:collapse;margin:.5em 0;font-size:.9em}"
             "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}th{background:#f3f3f3}"
             ".warn{background:#fff4e5;border-left:4px solid #e6550d;padding:.3em .6em}img{max-width:100%}"
             "code{background:#f3f3f3;padding:0 .2em}")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>Sensitivity analysis 敏感性分析</title>\n"
            f"<style>{style}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")
