"""The battery's outputs: tidy tables, a manifest, figures and a bilingual report."""

from __future__ import annotations

import json
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from calibration.patterns.battery import Result
from experiments.reporting.doc import Doc, write_text
from experiments.reporting.numbers import num
from sim.figures import label, save_figure, setup_fonts

PASS, FAIL = "pass 通过", "FAIL 未通过"


def _fmt(v, unit: str) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "∞" if isinstance(v, float) and v == math.inf else "–"
    return num(v, sig=3) + ("%" if unit == "%" else "")


def _band(p) -> str:
    return f"[{_fmt(p.low, p.unit)}, {_fmt(p.high, p.unit)}]"


def _model(p) -> str:
    text = _fmt(p.model, p.unit)
    if math.isfinite(p.model_low) and math.isfinite(p.model_high):
        text += f" [{_fmt(p.model_low, p.unit)}, {_fmt(p.model_high, p.unit)}]"
    return text


def overview_figure(result: Result, path: Path) -> Path:
    """Each pattern on its own row: the accepted band (grey) and the model's 95% interval (dot)."""
    setup_fonts()
    ps = result.patterns
    fig, ax = plt.subplots(figsize=(9, 0.34 * len(ps) + 1.2))
    for i, p in enumerate(ps):
        lo, hi = p.low, p.high
        finite = [v for v in (lo, hi, p.model, p.model_low, p.model_high) if math.isfinite(v)]
        if not finite:
            continue
        span = (max(finite) - min(finite)) or max(abs(max(finite)), 1.0)
        left = min(finite) - 0.15 * span
        right = max(finite) + 0.15 * span
        scale = lambda v, left=left, right=right: (min(max(v, left), right) - left) / (right - left)  # noqa: E731
        ax.barh(
            i,
            scale(hi if math.isfinite(hi) else right) - scale(lo if math.isfinite(lo) else left),
            left=scale(lo if math.isfinite(lo) else left),
            height=0.55,
            color="#d9d9d9",
        )
        colour = "#1a9850" if p.passed else "#d73027"
        if math.isfinite(p.model_low) and math.isfinite(p.model_high):
            ax.plot([scale(p.model_low), scale(p.model_high)], [i, i], color=colour, lw=2)
        if math.isfinite(p.model):
            ax.plot(scale(p.model), i, "o", color=colour, ms=6, mfc=colour if not p.needs_calibration else "white")
    ax.set_yticks(range(len(ps)))
    ax.set_yticklabels([label(p.name, p.title_zh) for p in ps], fontsize=8)
    ax.invert_yaxis()
    ax.set_xticks([])
    ax.set_xlim(-0.02, 1.02)
    ax.set_title(
        label(
            "Patterns: accepted band (grey) and model 95% interval (green pass, red fail; "
            "hollow = needs calibration); each row on its own scale",
            "模式检验：灰色为接受区间，点与线为模型95%区间",
        ),
        fontsize=9,
    )
    for spine in ("top", "right", "bottom"):
        ax.spines[spine].set_visible(False)
    fig.tight_layout()
    return save_figure(fig, path)


def history_figure(result: Result, path: Path) -> Path:
    """Reported deaths and larger-or-worse accidents per year: replicates, their mean, and the record."""
    setup_fonts()
    h = result.history
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
    refs = {p.name: p for p in result.patterns}
    for ax, metric, title, key in (
        (axes[0], "deaths_reported", label("Deaths in the statistics", "统计死亡人数"), "history_deaths"),
        (axes[1], "accidents_larger_or_worse", label("Larger-or-worse accidents", "较大及以上事故"), "history_larger"),
        (axes[2], "chemical_enterprises", label("Chemical producers", "危化品企业"), "history_chemical_producers"),
    ):
        wide = h.pivot_table(index="year", columns="replicate", values=metric)
        for col in wide.columns:
            ax.plot(wide.index, wide[col], color="#9ecae1", lw=0.8)
        ax.plot(wide.index, wide.mean(axis=1), color="#08519c", lw=2, label=label("model mean", "模型均值"))
        p = refs.get(key)
        if p is not None and 2015 in wide.index:
            first = wide.loc[2015].mean()
            for v, style in ((p.reference, "-"), (p.low, ":"), (p.high, ":")):
                ax.plot([2020], [first * (1 + v / 100)], marker="D" if style == "-" else "_", color="#d73027", ms=8)
            ax.annotate(
                label("record 2020 (bridged)", "实际2020年"),
                (2020, first * (1 + p.reference / 100)),
                textcoords="offset points",
                xytext=(6, -2),
                fontsize=7,
                color="#d73027",
            )
        ax.set_title(title, fontsize=10)
        ax.set_ylim(bottom=0)
        ax.set_xlabel(label("year", "年份"))
    fig.tight_layout()
    return save_figure(fig, path)


def rct_figure(result: Result, path: Path) -> Path:
    """Effect of one random inspection on the treated firms' accident risk, by year and outcome."""
    from experiments.rct_report import effect_figure

    return effect_figure(result.rct, path)


def lever_figure(result: Result, path: Path) -> Path:
    """Each lever's outcome at its low and its high bound, relative to the baseline, with 95% intervals."""
    from sim import params

    setup_fonts()
    t = result.levers
    pick = lambda col: np.array([t.at[i, f"{o}_{col}"] for i, o in zip(t.index, t.outcome, strict=True)])  # noqa: E731
    lo, lo_l, lo_h = pick("at_low"), pick("at_low_ci_low"), pick("at_low_ci_high")
    hi, hi_l, hi_h = pick("at_high"), pick("at_high_ci_low"), pick("at_high_ci_high")
    order = np.argsort(hi - lo)
    fig, ax = plt.subplots(figsize=(8.5, 0.32 * len(t) + 1.4))
    y = np.arange(len(t))
    for k, i in enumerate(order):
        ax.plot([lo[i], hi[i]], [k, k], color="#bdbdbd", lw=2, zorder=1)
    ax.errorbar(
        lo[order],
        y,
        xerr=[lo[order] - lo_l[order], lo_h[order] - lo[order]],
        fmt="o",
        color="#fc8d59",
        ms=5,
        capsize=2,
        label=label("at the low bound", "取下限"),
    )
    ax.errorbar(
        hi[order],
        y,
        xerr=[hi[order] - hi_l[order], hi_h[order] - hi[order]],
        fmt="s",
        color="#2c7bb6",
        ms=5,
        capsize=2,
        label=label("at the high bound", "取上限"),
    )
    names, outs = t.lever.to_numpy()[order], t.outcome.to_numpy()[order]
    ax.set_yticks(y)
    ax.set_yticklabels(
        [
            label(params.get(n).label, params.get(n).zh) + ("" if o == "accident_risk" else f" [{o}]")
            for n, o in zip(names, outs, strict=True)
        ],
        fontsize=7,
    )
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xscale("symlog", linthresh=10)
    ax.set_xlabel(label("change against the baseline (%, log scale beyond ±10%)", "相对基准的变化(%，±10%以外为对数轴)"))
    ax.set_title(
        label(
            "Each lever at its bounds: accident risk (or the lever's own outcome), paired 95% CI",
            "各政策杠杆取上下限时相对基准的变化，配对95%置信区间",
        ),
        fontsize=9,
    )
    ax.legend(fontsize=7, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.07), ncol=2)
    fig.tight_layout()
    return save_figure(fig, path)


def _commit(manifest: dict) -> str:
    c = manifest.get("git_commit")
    if isinstance(c, dict):
        return f"{str(c.get('commit', ''))[:10]}{' (with uncommitted changes)' if c.get('dirty') else ''}"
    return str(c)[:10]


def lever_markdown(result: Result, manifest: dict) -> str:
    """The lever table as Markdown (docs/levers.md is this file from a full battery)."""
    from sim import params

    lines = [
        "| lever 杠杆 | 中文 | low → high 下限→上限 | outcome 目标 | outcome at low 取下限 | outcome at high 取上限 | "
        "deaths at low / high 死亡人数 | major-or-worse at low / high 重大及以上 | live 有效 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    t = result.levers
    t = t.assign(order=[t.at[i, f"{o}_at_high"] - t.at[i, f"{o}_at_low"] for i, o in zip(t.index, t.outcome, strict=True)])
    for r in t.sort_values("order").itertuples():
        p = params.get(r.lever)

        def cell(metric, end, r=r):
            v = getattr(r, f"{metric}_at_{end}")
            lo, hi = getattr(r, f"{metric}_at_{end}_ci_low"), getattr(r, f"{metric}_at_{end}_ci_high")
            return f"{num(v, signed=True)}% [{num(lo, signed=True)}, {num(hi, signed=True)}]"

        lines.append(
            f"| `{r.lever}` ({p.label}) | {p.zh} | {num(r.low)} → {num(r.high)} {p.unit} | {r.outcome} | "
            f"{cell(r.outcome, 'low')} | {cell(r.outcome, 'high')} | {cell('deaths', 'low')} / {cell('deaths', 'high')} | "
            f"{cell('accidents_major_or_worse', 'low')} / {cell('accidents_major_or_worse', 'high')} | "
            f"{'yes' if r.live else '**no**'} |"
        )
    head = (
        f"Each lever at its low and at its high bound, every other lever at its baseline value: the change against the "
        f"baseline, with 95% intervals over {int(t.replicates.min())} replicates on common random numbers (paired). Made by "
        f"`safegov patterns --scale {manifest['scale']}` ({manifest['runs']} runs, {manifest['elapsed_s'] / 60:.0f} min on "
        f"{manifest['workers']} workers) at commit {_commit(manifest)}; world: {manifest['setup'].get('agents', '')} agents "
        f"x {manifest['setup'].get('enterprises_per_agent', '')} enterprises (1.2 million), 2020-2029 after a 60-month "
        "warm-up. Accident risk = expected accidents (deaths without Poisson noise); a lever whose outcome is not the "
        "accident risk names its own. 'live' = the outcome moves the paper's way from low to high with t > 3 over the "
        "paired replicates. Major-or-worse accidents are rare (a few in ten years): their intervals are wide."
    )
    return head + "\n\n" + "\n".join(lines) + "\n"


def write(result: Result, out: Path, manifest: dict) -> list[Path]:
    """patterns.csv and the tables behind it, manifest.json, figures, report.md and report.html."""
    out = Path(out)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    import pandas as pd

    written = []
    tables = {
        "patterns.csv": pd.DataFrame([p.row() for p in result.patterns]),
        "levers.csv": result.levers,
        "rct_effects.csv": result.rct,
        "resolution.csv": result.resolution,
        "history.csv": result.history,
        "sizes.csv": result.sizes,
    }
    for name, frame in tables.items():
        write_text(out / name, frame.to_csv(index=False))
        written.append(out / name)
    write_text(out / "manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False, default=str))
    written.append(out / "manifest.json")
    if len(result.levers):
        write_text(out / "levers.md", lever_markdown(result, manifest))
        written.append(out / "levers.md")
    figs = {
        "overview": overview_figure(result, out / "figures" / "overview.png"),
        "history": history_figure(result, out / "figures" / "history.png"),
        "rct": rct_figure(result, out / "figures" / "rct.png"),
        "levers": lever_figure(result, out / "figures" / "levers.png"),
    }
    written += list(figs.values())

    ps = result.patterns
    passed = sum(p.passed for p in ps)
    plain = [p for p in ps if not p.needs_calibration]
    doc = Doc("safegov pattern battery 模式检验")
    doc.h(1, "Pattern battery 模式检验")
    doc.p(
        f"Scale `{manifest['scale']}`, {manifest['runs']} runs in {manifest['elapsed_s']:.0f} s at commit "
        f"{_commit(manifest)}; parameters: "
        f"`{manifest['baseline']}` and `{manifest['history']}`. **{passed} of {len(ps)} patterns pass**; "
        f"{sum(p.passed for p in plain)} of the {len(plain)} that do not need calibration pass."
    )
    doc.p(
        f"规模 `{manifest['scale']}`，共 {manifest['runs']} 次模拟。{len(ps)} 项模式中 {passed} 项通过；"
        f"不依赖校准的 {len(plain)} 项中 {sum(p.passed for p in plain)} 项通过。"
    )
    if manifest["scale"] == "quick":
        doc.warn(
            "The quick scale tests the pipeline: a small world and two replicates are too noisy to judge the model. "
            "快速规模仅检验流程，结果不足以评价模型。"
        )
    doc.image(figs["overview"], "Every pattern: accepted band and model interval 各模式接受区间与模型区间")
    doc.h(2, "Patterns 模式")
    doc.table(
        [
            "pattern 模式",
            "reference 参考值",
            "band 接受区间",
            "model [95% CI] 模型",
            "result 结果",
            "needs calibration 需校准",
            "source 来源 (confidence 可信度)",
        ],
        [
            [
                f"{p.title} {p.title_zh}",
                _fmt(p.reference, p.unit),
                f"{_band(p)} ({p.band})",
                _model(p),
                PASS if p.passed else FAIL,
                "yes 是" if p.needs_calibration else "no 否",
                f"{p.source} ({p.confidence})" + (f"; {p.note}" if p.note else ""),
            ]
            for p in ps
        ],
    )
    doc.h(2, "History 历史 (Jiangsu 2015-2024)")
    doc.image(figs["history"], "Replicates (light), their mean and the 2020 record, scope-bridged 各重复、均值与2020年实际")
    doc.h(2, "In-silico inspection experiment 随机检查实验")
    doc.p(
        "A random share of eligible firms is inspected in month 13 and compared with the same firms in a twin run "
        "without the inspection (common random numbers). 随机抽取部分企业在第13个月检查，并与同一随机数下未检查的对照运行比较。"
    )
    doc.image(figs["rct"], "Effect on accident risk by year and by what the inspection did 按检查结果分组的逐年效果")
    doc.h(2, "Levers 政策杠杆")
    doc.image(figs["levers"], "Lever effects, low to high bound 各杠杆从下限到上限的效果")
    doc.p(
        "levers.md holds the table: each lever at its bounds against the baseline, paired 95% intervals. "
        "每个杠杆取上下限时相对基准的变化见 levers.md。"
    )
    doc.h(2, "Resolution 分辨率")
    res = result.resolution.groupby("firms_per_agent").mean(numeric_only=True).reset_index()
    doc.table(
        [
            "firms per agent 每代理企业数",
            "risk 2015 事故风险",
            "risk 2020",
            "trend 趋势",
            "deaths / 10k firms 每万家死亡",
            "compliance 2020 守法率",
        ],
        [
            [
                num(r.firms_per_agent),
                num(r.risk_2015, sig=4),
                num(r.risk_2020, sig=4),
                num(r.risk_trend, sig=3),
                num(r.deaths_per_10k_firms),
                f"{100 * r.compliance_2020:.1f}%",
            ]
            for r in res.itertuples()
        ],
    )
    doc.h(2, "How to read 如何阅读")
    doc.bullets(
        [
            "Each pattern has a reference value from calibration/data/ (source and confidence beside it) and a band the "
            "model's mean must fall in; the model's interval is a 95% interval over replicates (exact binomial or Poisson "
            "for rare counts).",
            "History, Nantong-count, cause and penalty patterns are calibration targets (calibration/targets/jiangsu.toml): "
            "baseline.toml's fitted behaviour was fitted to them, so they partly check the fit against its own figures; "
            "the history and Nantong patterns fail at the declared defaults.",
            "每项模式给出参考值、来源与可信度、接受区间，以及模型在各重复上的95%区间；历史类模式需要校准后的参数。",
        ]
    )
    written += doc.write(out)
    return written
