"""Outputs of the in-silico inspection experiment: tidy tables, a manifest, a figure, a report."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from experiments.rct import GROUPS, GROUPS_ZH, METRICS_ZH, Design
from experiments.reporting.doc import Doc, write_text
from experiments.reporting.numbers import num
from sim.figures import label, save_figure, setup_fonts

COLOURS = {"all": "#525252", "penalty": "#d73027", "rectification": "#fc8d59", "let_off": "#91bfdb", "nothing_found": "#4575b4"}


def effect_figure(effects: pd.DataFrame, path: Path, metric: str = "accident_risk") -> Path:
    """Effect on the treated firms by year after the inspection, one line per outcome group."""
    setup_fonts()
    e = effects[effects.metric == metric]
    fig, ax = plt.subplots(figsize=(7.5, 4))
    offsets = np.linspace(-0.24, 0.24, len(GROUPS))
    for off, g in zip(offsets, GROUPS, strict=True):
        d = e[e.group == g].sort_values("year")
        if d.empty:
            continue
        ax.errorbar(
            d.year + off,
            100 * d.effect,
            yerr=[100 * (d.effect - d.low), 100 * (d.high - d.effect)],
            fmt="o-",
            color=COLOURS[g],
            ms=4,
            lw=1.2,
            capsize=2,
            label=label(g.replace("_", " "), GROUPS_ZH[g]),
        )
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(sorted(e.year.unique()))
    ax.set_xlabel(label("year after the inspection", "检查后第几年"))
    ax.set_ylabel(label(f"change in {metric.replace('_', ' ')} (%)", f"{METRICS_ZH.get(metric, metric)}变化(%)"))
    ax.set_title(
        label("In-silico random inspections: effect by what the inspection did", "随机检查实验：按检查结果分组的效果"),
        fontsize=10,
    )
    ax.legend(fontsize=7, frameon=False, ncol=3, loc="lower center", bbox_to_anchor=(0.5, -0.42))
    fig.tight_layout()
    return save_figure(fig, path)


def write_report(
    out: Path, scenario, design: Design, rows: pd.DataFrame, effects: pd.DataFrame, replicates: int, seed: int, elapsed: float
) -> list[Path]:
    """rct_rows.csv, rct_effects.csv, manifest.json, figures and report.md/html in ``out``."""
    from sim.provenance import git_commit, package_versions

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in (("rct_rows.csv", rows), ("rct_effects.csv", effects)):
        write_text(out / name, frame.to_csv(index=False))
        written.append(out / name)
    manifest = {
        "scenario": scenario.name,
        "scenario_text": scenario.text(),
        "design": design.__dict__,
        "replicates": replicates,
        "seed": seed,
        "elapsed_s": elapsed,
        "setup": scenario.setup.model_dump(),
        "git_commit": git_commit(),
        "versions": package_versions(),
    }
    write_text(out / "manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False, default=str))
    written.append(out / "manifest.json")
    figs = [
        effect_figure(effects, out / "effects_accident_risk.png"),
        effect_figure(effects, out / "effects_accidents.png", "accidents"),
    ]
    written += figs
    doc = Doc("In-silico randomised inspection experiment 随机检查实验")
    doc.h(1, "Randomised inspection experiment 随机检查实验")
    doc.p(
        f"Scenario `{scenario.name}`: in month {design.month}, {design.share:.0%} of eligible firms (active, with a regulator) "
        f"were inspected on top of the routine inspections and followed for {design.follow} months; each treated firm is "
        f"compared with itself in a twin run without the inspection (common random numbers). {replicates} replicates, "
        f"seed {seed}, {elapsed:.0f} s."
    )
    doc.p(
        f"情景 `{scenario.name}`：第{design.month}个月随机抽取{design.share:.0%}的企业加检一次，跟踪{design.follow}个月，"
        "每家受检企业与同一随机数下未加检的自己比较。"
    )
    for f in figs:
        doc.image(f, "Effect by year and by what the inspection did 按检查结果分组的逐年效果")
    e = effects[effects.metric.isin(["accident_risk", "accidents", "deaths", "survival"])]
    doc.table(
        ["group 分组", "metric 指标", "year 年", "firms 企业", "treated 受检", "twin 对照", "effect [95% CI] 效果"],
        [
            [
                f"{r.group} {GROUPS_ZH.get(r.group, '')}",
                f"{r.metric} {METRICS_ZH.get(r.metric, '')}",
                str(int(r.year)),
                num(r.firms),
                num(r.treated),
                num(r.counterfactual),
                (f"{num(100 * r.effect, signed=True)} pp" if r.metric == "survival" else f"{num(100 * r.effect, signed=True)}%")
                + f" [{num(100 * r.low, signed=True)}, {num(100 * r.high, signed=True)}]",
            ]
            for r in e.itertuples()
        ],
    )
    itt = effects[effects.metric.str.startswith("itt_")]
    if len(itt):
        doc.h(2, "The field experiment's estimate 田野实验估计")
        doc.p(
            "Treated against untreated eligible firms in the same run, as a field experiment measures it (noisier: firms differ)."
        )
        doc.table(
            ["metric 指标", "year 年", "treated per firm", "control per firm", "effect [95% CI]"],
            [
                [
                    r.metric,
                    str(int(r.year)),
                    num(r.treated, sig=3),
                    num(r.counterfactual, sig=3),
                    f"{num(100 * r.effect, signed=True)}% [{num(100 * r.low, signed=True)}, {num(100 * r.high, signed=True)}]",
                ]
                for r in itt.itertuples()
            ],
        )
    written += doc.write(out)
    return written
