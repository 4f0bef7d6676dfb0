"""Paired scenario comparison: every scenario on the same replicate seeds, effects with CIs.

For replicate r, scenario k and the base (design point 0) share the seed (S, r), so their
difference d_r = y_k,r - y_0,r removes the noise both share (common random numbers). The
effect is the mean of d over the R replicates with a t-based 95% interval
mean(d) ± t_{0.975, R-1} sd(d) / sqrt(R); the relative change is mean(d) / mean(y_0) (its
interval divides the difference's interval by mean(y_0), treating the base mean as known).
"""

from __future__ import annotations

import base64
import html
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from experiments.outcomes import LABELS, REGION_SUFFIXES, region_label, split_name
from sim import params as sim_params
from sim.jurisdiction import REGIONS

#: Province metrics compared by default (each also per region).
COMPARE_METRICS = (
    "deaths", "accidents", "accidents_general", "accidents_larger", "accidents_major",
    "accidents_especially_major", "larger_or_worse", "compliance_rate", "hazards_per_enterprise",
    "inspections", "penalty_cases", "zero_penalty_counties", "enforcement_cost_10k_cny",
    "compliance_cost_10k_cny",
)
#: Headline metrics for the printed table and the regional panel.
HEADLINE = ("deaths", "larger_or_worse", "compliance_rate", "hazards_per_enterprise", "penalty_cases",
            "zero_penalty_counties", "enforcement_cost_10k_cny")
#: Annual series drawn as time series (annual metric name, outcome-style label key).
SERIES_METRICS = (("deaths", "deaths"), ("accidents_larger_or_worse", "larger_or_worse"),
                  ("compliance_rate", "compliance_rate"), ("hazards_per_enterprise", "hazards_per_enterprise"),
                  ("penalty_cases", "penalty_cases"), ("zero_penalty_counties", "zero_penalty_counties"))
DEFAULT_REPLICATES = 10
MIN_REPLICATES = 5
LEVEL = 0.95


def replicate_warning(replicates: int) -> str | None:
    if replicates < 2:
        return (f"warning: {replicates} replicate gives no confidence interval; use --replicates "
                f"{DEFAULT_REPLICATES} or more")
    if replicates < MIN_REPLICATES:
        return (f"warning: {replicates} replicates are too few for reliable 95% intervals "
                f"(t with {replicates - 1} df); use {DEFAULT_REPLICATES} or more")
    return None


# ============================================================================ statistics


def paired_ci(d: np.ndarray, level: float = LEVEL) -> tuple[float, float, float, float, float]:
    """Mean, CI low, CI high, sd and two-sided p-value of paired differences ``d`` (t-based)."""
    d = np.asarray(d, dtype=float)
    d = d[~np.isnan(d)]
    n = len(d)
    if n == 0:
        return (math.nan,) * 5
    mean = float(d.mean())
    if n < 2:
        return mean, math.nan, math.nan, math.nan, math.nan
    sd = float(d.std(ddof=1))
    se = sd / math.sqrt(n)
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * se
    p = float(2 * stats.t.sf(abs(mean) / se, n - 1)) if se > 0 else float(mean == 0)
    return mean, mean - half, mean + half, sd, p


def paired_differences(outcomes: pd.DataFrame, metrics: list[str] | None = None, base_point: int = 0,
                       level: float = LEVEL) -> pd.DataFrame:
    """Effects of every design point against ``base_point``, paired by replicate.

    ``outcomes``: Store.outcomes() (design_point, label, replicate, outcome columns). ``metrics``:
    outcome columns (default: every numeric outcome column). Returns one row per (scenario,
    outcome): scenario, label, base_label, outcome, metric, region, n_pairs, base_mean,
    scenario_mean, diff, ci_low, ci_high, sd_diff, p_value, rel_change, rel_ci_low, rel_ci_high.
    """
    meta = {"run_id", "design_point", "label", "replicate", "seed"}
    if metrics is None:
        metrics = [c for c in outcomes.columns if c not in meta and pd.api.types.is_numeric_dtype(outcomes[c])]
    metrics = [m for m in metrics if m in outcomes.columns]
    base = outcomes[outcomes["design_point"] == base_point].set_index("replicate")
    base_label = str(base["label"].iloc[0]) if len(base) else str(base_point)
    rows = []
    for point in sorted(p for p in outcomes["design_point"].unique() if p != base_point):
        other = outcomes[outcomes["design_point"] == point].set_index("replicate")
        common = base.index.intersection(other.index).sort_values()
        label = str(other["label"].iloc[0])
        for m in metrics:
            b = base.loc[common, m].to_numpy(dtype=float)
            o = other.loc[common, m].to_numpy(dtype=float)
            mean, lo, hi, sd, p = paired_ci(o - b, level)
            ok = ~np.isnan(o - b)
            bmean = float(b[ok].mean()) if ok.any() else math.nan
            omean = float(o[ok].mean()) if ok.any() else math.nan
            denom = abs(bmean) if bmean and not math.isnan(bmean) else math.nan
            metric, region = split_name(m)
            rows.append({
                "scenario": int(point), "label": label, "base_label": base_label, "outcome": m,
                "metric": metric, "region": region, "n_pairs": int(ok.sum()),
                "base_mean": bmean, "scenario_mean": omean, "diff": mean, "ci_low": lo, "ci_high": hi,
                "sd_diff": sd, "p_value": p, "rel_change": mean / denom, "rel_ci_low": lo / denom,
                "rel_ci_high": hi / denom,
            })
    return pd.DataFrame(rows)


def compare_outcome_names(metrics=COMPARE_METRICS) -> list[str]:
    return [*metrics, *(m + s for s in REGION_SUFFIXES for m in metrics)]


# ============================================================================ scenario differences


@dataclass
class LeverChange:
    name: str
    label: str
    zh: str
    unit: str
    kind: str
    base: str
    other: str
    doc: str


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def scenario_differences(base, other) -> list[LeverChange]:
    """Lever by lever (then uncertain parameters, schedule and setup): what ``other`` changes."""
    out = []
    for name in [p.name for p in sim_params.PARAMETERS]:
        p = sim_params.BY_NAME[name]
        bv = base.levers.get(name, base.behaviour.get(name))
        ov = other.levers.get(name, other.behaviour.get(name))
        if bv != ov:
            out.append(LeverChange(name, p.label, p.zh, p.unit, p.kind, _fmt(bv), _fmt(ov), p.doc))

    def sched(sc):
        return {(e.month, k): v for e in sc.schedule for k, v in e.levers.items()}

    bs, os_ = sched(base), sched(other)
    for month, name in sorted(set(bs) | set(os_)):
        before, after = base.levers_at(month).get(name), other.levers_at(month).get(name)
        if bs.get((month, name)) != os_.get((month, name)) and before != after:
            p = sim_params.BY_NAME.get(name)
            year = other.setup.start_year + (month - 1) // 12
            out.append(LeverChange(name, f"{p.label if p else name} from month {month} ({year})",
                                   p.zh if p else "", p.unit if p else "", "schedule",
                                   _fmt(before), _fmt(after), p.doc if p else ""))
    bsd, osd = base.setup.model_dump(), other.setup.model_dump()
    for key in bsd:
        if bsd[key] != osd[key]:
            out.append(LeverChange(key, f"setup: {key}", "", "", "setup", _fmt(bsd[key]), _fmt(osd[key]), ""))
    return out


# ============================================================================ figures


def _band(values: np.ndarray, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and t-interval of the mean over axis 0 (replicates)."""
    n = values.shape[0]
    mean = np.nanmean(values, axis=0)
    if n < 2:
        return mean, mean, mean
    half = stats.t.ppf(0.5 + level / 2, n - 1) * np.nanstd(values, axis=0, ddof=1) / math.sqrt(n)
    return mean, mean - half, mean + half


COLOURS = ("#444444", "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#1f78b4")


def figure_timeseries(series: pd.DataFrame, outcomes: pd.DataFrame, labels: dict[int, str], path: Path) -> Path:
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from sim.figures import _save, label, setup_fonts

    setup_fonts()
    run_point = dict(zip(outcomes["run_id"], outcomes["design_point"], strict=True))
    prov = series[(series["region"] == "all") & (series["city"] == "all")].copy()
    prov["point"] = prov["run_id"].map(run_point)
    fig, axes = plt.subplots(2, 3, figsize=(15, 8))
    for ax, (metric, key) in zip(axes.flat, SERIES_METRICS, strict=True):
        en, zh, unit = LABELS[key]
        rows = prov[prov["metric"] == metric]
        for k, point in enumerate(sorted(labels)):
            wide = rows[rows["point"] == point].pivot_table(index="run_id", columns="year", values="value")
            if wide.empty:
                continue
            years = wide.columns.to_numpy(dtype=int)
            mean, lo, hi = _band(wide.to_numpy(dtype=float))
            colour = COLOURS[k % len(COLOURS)]
            ax.plot(years, mean, color=colour, marker="o", ms=3, label=labels[point])
            ax.fill_between(years, lo, hi, color=colour, alpha=0.2, lw=0)
        short = en.replace(" (mean over months)", "").replace(" (mean)", "").replace(" per year", "")
        ax.set_title(label(short, zh.replace("(月均)", "").replace("(年均)", "")), fontsize=10)
        ax.set_ylabel(unit)
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.tick_params(axis="x", rotation=45)
    axes.flat[0].legend(frameon=False, fontsize=8)
    fig.suptitle(label("Province, by year: mean over replicates with 95% band", "全省分年度：重复运行均值及95%区间"))
    fig.tight_layout()
    return _save(fig, path)


def _forest(ax, table: pd.DataFrame, metrics: list[str], labels: dict[int, str], title: str) -> None:
    from sim.figures import label

    points = sorted(p for p in labels if p in set(table["scenario"]))
    n = max(len(points), 1)
    for k, point in enumerate(points):
        sub = table[table["scenario"] == point].set_index("metric")
        ys, xs, lo, hi = [], [], [], []
        for i, m in enumerate(metrics):
            if m not in sub.index:
                continue
            r = sub.loc[m]
            ys.append(i + (k - (n - 1) / 2) * 0.8 / n)
            xs.append(100 * r["rel_change"])
            lo.append(100 * (r["rel_change"] - r["rel_ci_low"]))
            hi.append(100 * (r["rel_ci_high"] - r["rel_change"]))
        colour = COLOURS[(k + 1) % len(COLOURS)]
        ax.errorbar(xs, ys, xerr=[np.nan_to_num(lo), np.nan_to_num(hi)], fmt="o", color=colour, ms=4,
                    capsize=2, label=labels[point])
    ax.axvline(0, color="#555", lw=0.8)
    ends = table[table["metric"].isin(metrics)][["rel_ci_low", "rel_ci_high", "rel_change"]].abs().to_numpy()
    if ends.size and np.nanmax(np.nan_to_num(ends)) > 3:  # some effect beyond +-300%: log-like axis
        ax.set_xscale("symlog", linthresh=10)
    ax.set_yticks(range(len(metrics)))
    ax.set_yticklabels([label(LABELS[m][0], LABELS[m][1]) if m in LABELS else m for m in metrics], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(label("change vs base (%), 95% CI", "相对基准变化(%)及95%置信区间"))
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)


def figure_forest(table: pd.DataFrame, labels: dict[int, str], path: Path, metrics=COMPARE_METRICS) -> Path:
    import matplotlib.pyplot as plt

    from sim.figures import _save, label, setup_fonts

    setup_fonts()
    prov = table[table["region"] == "province"]
    metrics = [m for m in metrics if m in set(prov["metric"])]
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(metrics) + 2))
    _forest(ax, prov, metrics, {k: v for k, v in labels.items() if k != 0},
            label("Effects on the province, paired by replicate", "全省政策效果(配对比较)"))
    ax.legend(frameon=False, fontsize=8, loc="best")
    fig.tight_layout()
    return _save(fig, path)


def figure_regional(table: pd.DataFrame, labels: dict[int, str], path: Path, metrics=HEADLINE) -> Path:
    import matplotlib.pyplot as plt

    from sim.figures import _save, label, setup_fonts

    setup_fonts()
    metrics = [m for m in metrics if m in set(table["metric"])]
    fig, axes = plt.subplots(1, 3, figsize=(16, 0.5 * len(metrics) + 2.5), sharex=True, sharey=True)
    for ax, region in zip(axes, REGIONS, strict=True):
        _forest(ax, table[table["region"] == region], metrics, {k: v for k, v in labels.items() if k != 0},
                region_label(region))
    axes[0].legend(frameon=False, fontsize=8)
    fig.suptitle(label("Effects by region (south / central / north)", "分地区政策效果：苏南/苏中/苏北"))
    fig.tight_layout()
    return _save(fig, path)


# ============================================================================ report


class Doc:
    """A report as blocks, rendered to Markdown and to self-contained HTML."""

    def __init__(self):
        self.blocks: list[tuple] = []

    def h(self, level: int, text: str):
        self.blocks.append(("h", level, text))

    def p(self, text: str):
        self.blocks.append(("p", text))

    def table(self, header: list[str], rows: list[list[str]]):
        self.blocks.append(("table", header, rows))

    def image(self, path: Path, alt: str):
        self.blocks.append(("img", path, alt))

    def markdown(self) -> str:
        out = []
        for b in self.blocks:
            if b[0] == "h":
                out.append("#" * b[1] + " " + b[2])
            elif b[0] == "p":
                out.append(b[1])
            elif b[0] == "table":
                out.append("| " + " | ".join(b[1]) + " |")
                out.append("|" + "|".join("---" for _ in b[1]) + "|")
                out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in b[2]]
            elif b[0] == "img":
                out.append(f"![{b[2]}]({b[1].name})")
            out.append("")
        return "\n".join(out)

    def html(self, title: str) -> str:
        body = []
        for b in self.blocks:
            if b[0] == "h":
                body.append(f"<h{b[1]}>{html.escape(b[2])}</h{b[1]}>")
            elif b[0] == "p":
                body.append(f"<p>{_inline(b[1])}</p>")
            elif b[0] == "table":
                head = "".join(f"<th>{html.escape(c)}</th>" for c in b[1])
                rows = "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in r) + "</tr>" for r in b[2])
                body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
            elif b[0] == "img":
                data = base64.b64encode(Path(b[1]).read_bytes()).decode("ascii")
                body.append(f'<figure><img alt="{html.escape(b[2])}" src="data:image/png;base64,{data}">'
                            f"<figcaption>{html.escape(b[2])}</figcaption></figure>")
        style = ("body{font-family:'Noto Sans CJK SC','Noto Sans SC','PingFang SC','Microsoft YaHei',"
                 "sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}"
                 "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}"
                 "th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f3f3f3}"
                 "td:nth-child(n+2){font-variant-numeric:tabular-nums}img{max-width:100%}"
                 "figcaption{color:#666;font-size:0.9em}code{background:#f3f3f3;padding:0 3px}")
        return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                f"<title>{html.escape(title)}</title>\n<style>{style}</style>\n</head>\n<body>\n"
                + "\n".join(body) + "\n</body>\n</html>\n")


def _inline(text: str) -> str:
    """Escape, then render `code` and **bold** spans."""
    import re

    t = html.escape(text)
    t = re.sub(r"`([^`]+)`", r"<code>\1</code>", t)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", t)


def fmt_value(v: float, metric: str) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    unit = LABELS.get(metric, ("", "", ""))[2]
    if unit == "share":
        return f"{100 * v:.2f}%"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.3g}"


def fmt_diff(r, metric: str) -> str:
    unit = LABELS.get(metric, ("", "", ""))[2]
    if unit == "share":
        pts = (100 * r["diff"], 100 * r["ci_low"], 100 * r["ci_high"])
        return f"{pts[0]:+.2f} pp [{pts[1]:+.2f}, {pts[2]:+.2f}]"
    return f"{fmt_value(r['diff'], 'x')} [{fmt_value(r['ci_low'], 'x')}, {fmt_value(r['ci_high'], 'x')}]"


def fmt_rel(r) -> str:
    if math.isnan(r["rel_change"]):
        return "–"
    if math.isnan(r["rel_ci_low"]):
        return f"{100 * r['rel_change']:+.1f}%"
    return f"{100 * r['rel_change']:+.1f}% [{100 * r['rel_ci_low']:+.1f}, {100 * r['rel_ci_high']:+.1f}]"


def metric_name(metric: str) -> str:
    en, zh, _ = LABELS.get(metric, (metric, "", ""))
    return f"{en} {zh}".strip()


def effects_rows(table: pd.DataFrame, region: str, metrics) -> list[list[str]]:
    rows = []
    sub = table[table["region"] == region]
    for m in metrics:
        for _, r in sub[sub["metric"] == m].iterrows():
            sig = "" if math.isnan(r["ci_low"]) else ("**yes**" if r["ci_low"] > 0 or r["ci_high"] < 0 else "no")
            rows.append([metric_name(m), r["label"], fmt_value(r["base_mean"], m), fmt_value(r["scenario_mean"], m),
                         fmt_diff(r, m), fmt_rel(r), sig])
    return rows


def display_width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, right: bool = False) -> str:
    """Pad (or cut) ``text`` to ``width`` terminal columns."""
    while display_width(text) > width:
        text = text[:-1]
    fill = " " * (width - display_width(text))
    return fill + text if right else text + fill


def short_table(table: pd.DataFrame, metrics=HEADLINE) -> str:
    """The printed summary: province effects of each scenario on the headline metrics."""
    prov = table[table["region"] == "province"]
    lines = [pad("metric 指标", 45) + pad("scenario 情景", 24) + pad("base", 12, True) + pad("scenario", 12, True)
             + "  change vs base [95% CI]"]
    for m in metrics:
        for _, r in prov[prov["metric"] == m].iterrows():
            en, zh, _ = LABELS.get(m, (m, "", ""))
            name = f"{en.split(' (')[0]} {zh.split('(')[0]}".strip()
            lines.append(pad(name, 44) + " " + pad(str(r["label"]), 23) + " "
                         + pad(fmt_value(r["base_mean"], m), 12, True) + pad(fmt_value(r["scenario_mean"], m), 12, True)
                         + "  " + fmt_rel(r))
    return "\n".join(lines)


# ============================================================================ the whole comparison


def write_outputs(out: Path, scenarios: list, table: pd.DataFrame, outcomes: pd.DataFrame, series: pd.DataFrame | None,
                  meta: dict, figures: bool = True) -> list[Path]:
    """comparison.csv, figures, report.md and report.html in ``out``; returns the files written."""
    from experiments.store import _atomic

    out.mkdir(parents=True, exist_ok=True)
    written = []
    csv_path = out / "comparison.csv"
    _atomic(csv_path, lambda p: table.to_csv(p, index=False, float_format="%.10g"))
    written.append(csv_path)
    labels = {k: sc_label for k, sc_label in enumerate(meta["labels"])}
    figs = []
    if figures and len(table):
        is_sim = meta.get("model", "sim") == "sim"
        if is_sim and series is not None and len(series):
            figs.append((figure_timeseries(series, outcomes, labels, out / "timeseries.png"),
                         "Province time series by scenario, mean and 95% band over replicates · 全省时间序列"))
        metrics = list(COMPARE_METRICS) if is_sim else sorted(set(table.loc[table.region == "province", "metric"]))
        figs.append((figure_forest(table, labels, out / "forest.png", metrics),
                     "Effects on the province with 95% CIs · 全省政策效果及95%置信区间"))
        if set(REGIONS) & set(table["region"]):
            reg_metrics = list(HEADLINE) if is_sim else metrics
            figs.append((figure_regional(table, labels, out / "regional.png", reg_metrics),
                         "Effects by region · 分地区政策效果 (苏南/苏中/苏北)"))
        written += [f for f, _ in figs]
    doc = build_report(scenarios, table, meta, figs)
    md = out / "report.md"
    _atomic(md, lambda p: p.write_text(doc.markdown(), encoding="utf-8"))
    page = out / "report.html"
    text = doc.html(f"Scenario comparison 情景比较: {' / '.join(meta['labels'])}")
    _atomic(page, lambda p: p.write_text(text, encoding="utf-8"))
    return [*written, md, page]


def build_report(scenarios: list, table: pd.DataFrame, meta: dict, figs: list) -> Doc:
    doc = Doc()
    labels = meta["labels"]
    doc.h(1, "Scenario comparison · 情景比较")
    doc.p(f"Base scenario 基准情景: **{labels[0]}**; compared 比较情景: {', '.join(f'**{x}**' for x in labels[1:])}.")
    setup = meta.get("setup") or {}
    scale = ", ".join(f"{k} = {v}" for k, v in setup.items()) or "as in the scenario files"
    doc.p(f"{meta['replicates']} replicates per scenario on the same seeds (root seed {meta['seed']}; "
          "replicate r uses `SeedSequence(seed).spawn(R)[r]` in every scenario: common random numbers). "
          f"Scale overrides: {scale}. Runs done: {meta.get('done', '?')}, failed: {meta.get('failed', 0)}. "
          f"Store: `{meta.get('store', '')}`.")
    if meta.get("warning"):
        doc.p("**" + meta["warning"] + "**")
    doc.p("Effects are paired differences (scenario − base, replicate by replicate) with t-based 95% "
          "confidence intervals; the relative change divides by the base mean. "
          "效果为逐次配对差值(情景−基准)，95%置信区间按t分布计算；相对变化=差值/基准均值。")

    doc.h(2, "Scenarios · 情景")
    rows = []
    for k, sc in enumerate(scenarios):
        files = ", ".join(f"`{p}`" for p, _ in getattr(sc, "sources", ())[-1:]) if sc is not None else ""
        title = f"{sc.title} {sc.title_zh}".strip() if sc is not None else ""
        rows.append([str(k), labels[k], title, files])
    doc.table(["#", "label", "title 标题", "file 文件"], rows)

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
        doc.table(["parameter 参数", "中文", "kind", f"{labels[0]}", f"{labels[k]}", "unit 单位", "what it does"],
                  [[f"{d.label} (`{d.name}`)", d.zh, d.kind, d.base, d.other, d.unit, d.doc] for d in diffs])

    for fig, caption in figs:
        if fig.name == "timeseries.png":
            doc.h(2, "Time series · 时间序列")
            doc.image(fig, caption)
    prov_metrics = [m for m in COMPARE_METRICS if m in set(table.get("metric", []))] or sorted(
        set(table.get("metric", [])))
    doc.h(2, "Effects on the province · 全省效果")
    header = ["metric 指标", "scenario 情景", "base mean 基准均值", "scenario mean 情景均值",
              "difference [95% CI] 差值", "relative change [95% CI] 相对变化", "CI excludes 0"]
    if len(table):
        doc.table(header, effects_rows(table, "province", prov_metrics))
    for fig, caption in figs:
        if fig.name == "forest.png":
            doc.image(fig, caption)
    doc.h(2, "Effects by region · 分地区效果（苏南 / 苏中 / 苏北）")
    for fig, caption in figs:
        if fig.name == "regional.png":
            doc.image(fig, caption)
    for region in REGIONS:
        if len(table) and region in set(table["region"]):
            doc.h(3, region_label(region))
            doc.table(header, effects_rows(table, region, prov_metrics))
    doc.h(2, "Files · 文件")
    doc.p("`comparison.csv` holds every effect (province and regions) with its interval and p-value; "
          "`safegov results` on this folder lists the runs; the Parquet store can be queried with DuckDB or pandas.")
    return doc


def default_out(paths: list[Path], names: list[str], seed: int) -> Path:
    stem = "-".join(names)[:80]
    return Path("outputs") / f"compare-{stem}-s{seed}"


def run_compare(scenario_paths, *, replicates: int = DEFAULT_REPLICATES, seed: int = 0, setup: dict | None = None,
                out: Path | None = None, workers=None, scheduler=None, quiet=False, chunk_size=None,
                model: str = "sim", figures: bool = True, warning: str | None = None) -> dict:
    """Run the comparison (resuming a store in ``out``) and write its outputs."""
    from experiments.runner import run_batch
    from experiments.spec import RunSpec
    from experiments.store import Store
    from sim.scenario import load_scenario

    paths = [Path(p) for p in scenario_paths]
    scenarios = [load_scenario(p) for p in paths]  # one-line ScenarioError before anything is written
    labels: list[str] = []
    for sc in scenarios:
        name = sc.name
        while name in labels:
            name = f"{name}_{len(labels)}"
        labels.append(name)
    if setup:  # validate, and describe the scenarios as they are run
        scenarios = [sc.with_overrides({}, source=str(path), **setup) for path, sc in zip(paths, scenarios, strict=True)]
    base_setup = scenarios[0].setup.model_dump()
    for path, sc in zip(paths[1:], scenarios[1:], strict=True):
        differ = [k for k, v in sc.setup.model_dump().items() if v != base_setup[k]]
        if differ:
            note = (f"warning: {path} differs from the base in its setup ({', '.join(differ)}): "
                    "effects mix policy with scale or world")
            warning = f"{warning}; {note}" if warning else note
            if not quiet:
                import sys

                sys.stderr.write(note + "\n")
    out = Path(out) if out else default_out(paths, labels, seed)
    specs = []
    for k, (path, sc) in enumerate(zip(paths, scenarios, strict=True)):
        overrides = sc.values() if model != "sim" else {}
        for r in range(replicates):
            specs.append(RunSpec.make(str(path.resolve()) if model == "sim" else "", overrides, setup, seed=seed,
                                      replicate=r, model=model, design_point=k, label=labels[k]))
    extra = {"kind": "compare", "labels": labels, "seed": seed, "replicates_requested": replicates,
             "setup_overrides": setup or {}, "scenario_files": [str(p) for p in paths]}
    report = run_batch(specs, out, workers=workers, scheduler=scheduler, quiet=quiet, chunk_size=chunk_size,
                       manifest_extra=extra, desc="compare")
    store = Store(out)
    wanted = {s.run_id for s in specs}
    outcomes = store.outcomes()
    outcomes = outcomes[outcomes["run_id"].isin(wanted)].reset_index(drop=True)
    metrics = compare_outcome_names() if model == "sim" else None
    table = paired_differences(outcomes, metrics)
    series = None
    if model == "sim" and figures:
        series = store.series(metrics=[m for m, _ in SERIES_METRICS])
        series = series[series["run_id"].isin(wanted)]
    meta = {"labels": labels, "replicates": replicates, "seed": seed, "setup": setup or {}, "model": model,
            "done": len(report.done) + len(report.skipped), "failed": len(report.failed), "store": str(out),
            "warning": warning}
    files = write_outputs(out, scenarios, table, outcomes, series, meta, figures=figures)
    return {"report": report, "table": table, "files": files, "out": out,
            "table_text": short_table(table, HEADLINE if model == "sim" else sorted(set(table.get("metric", []))))}
