"""Figures of a sensitivity analysis: the overview heatmap and one figure per output.

* ``overview.png``: factors × outputs × regions (Jiangsu, 苏南, 苏中, 苏北). Colour: the main
  index relative to the largest of its column (Morris μ*, PAWN above the dummy's level) or the
  index itself (Sobol' ST); a dot marks the factors distinguishable from none (the same rule
  as the findings, ``analysis.influential``); hatched cells do not rise above the seed-noise
  floor; each column's floor is written under it.
* ``<method>_<output>.png``: Morris μ*–σ with labels in a column beside the plot joined by
  leader lines (they never overlap), Sobol' S1/ST bars, PAWN bars with the dummy's level.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.sensitivity.analysis import MAIN_INDEX, OutputAnalysis, influential


def factor_label(row) -> str:
    from sim.figures import label

    return label(str(row["label"]), str(row["zh"])) if row.get("zh") else str(row["label"])


def main_rows(a: OutputAnalysis) -> pd.DataFrame:
    """The main index of one output, largest first (PAWN rows carry the dummy's upper level)."""
    t = a.table
    m = t[t["index"] == MAIN_INDEX[a.method]].sort_values("value", ascending=False)
    if a.method == "pawn":
        null = t[t["index"] == "pawn_null"].iloc[0]
        m = m.assign(null_high=float(null["value"] + np.nan_to_num(null["conf"])))
    return m


def influential_factors(a: OutputAnalysis) -> list[str]:
    """Factors whose effect on this output is distinguishable from none (findings and tables)."""
    if a.summary.get("constant"):
        return []
    m = main_rows(a)
    return list(influential(a.method, m, a.summary.get("mu_star_noise_floor", float("nan")))["factor"])


def spread(targets: np.ndarray, gap: float, low: float = 0.02, high: float = 0.98) -> np.ndarray:
    """Positions as close as possible to ``targets`` (in [low, high]) but at least ``gap`` apart."""
    order = np.argsort(targets)
    pos = np.clip(np.asarray(targets, float)[order], low, high)
    gap = min(gap, (high - low) / max(len(pos) - 1, 1))
    for i in range(1, len(pos)):  # push up
        pos[i] = max(pos[i], pos[i - 1] + gap)
    if len(pos):
        pos[-1] = min(pos[-1], high)
    for i in range(len(pos) - 2, -1, -1):  # then down, so the top stays inside
        pos[i] = min(pos[i], pos[i + 1] - gap)
    out = np.empty_like(pos)
    out[order] = pos
    return out


def _leader_labels(ax, xs, ys, names, fontsize: int = 7) -> None:
    """Labels in a column right of the axes, each at its point's height when it can be (pushed
    apart just enough not to overlap), joined to its point by a leader line."""
    if not len(names):
        return
    y0, y1 = ax.get_ylim()
    slots = spread((np.asarray(ys, float) - y0) / ((y1 - y0) or 1.0), gap=0.065)
    for slot, x, y, name in zip(slots, xs, ys, names, strict=True):
        ax.annotate(name, xy=(x, y), xycoords="data", xytext=(1.03, slot), textcoords="axes fraction",
                    fontsize=fontsize, va="center", ha="left",
                    arrowprops={"arrowstyle": "-", "color": "#999", "lw": 0.6, "shrinkA": 0, "shrinkB": 3})


def figure(analysis: OutputAnalysis, path: Path, title: str) -> Path:
    """Morris μ*–σ scatter, Sobol' S1/ST bars with CIs, or PAWN bars with the null level."""
    import matplotlib.pyplot as plt

    from sim.figures import label, save_figure, setup_fonts

    setup_fonts()
    t = analysis.table
    method = analysis.method
    if method == "morris":
        mu = t[t["index"] == "mu_star"].set_index("factor")
        sg = t[t["index"] == "sigma"].set_index("factor")
        fig, ax = plt.subplots(figsize=(9.5, 5.5))
        x, y = mu["value"].to_numpy(), sg.loc[mu.index, "value"].to_numpy()
        lower = np.clip(x - np.clip(mu["low"].to_numpy(), 0, None), 0, None)  # μ* >= 0: the CI stops at 0
        upper = np.clip(mu["high"].to_numpy() - x, 0, None)
        ax.errorbar(x, y, xerr=np.nan_to_num([lower, upper]), fmt="o", color="#3182bd", ecolor="#9ecae1", capsize=2)
        xmax = float(np.nanmax(np.nan_to_num(mu["high"]))) * 1.08 or 1.0
        ymax = float(np.nanmax(sg["value"])) * 1.15 or 1.0
        ax.set_ylim(0, ymax)
        top = mu.sort_values("value", ascending=False).index[:12]
        _leader_labels(ax, mu.loc[top, "value"].to_numpy(), sg.loc[top, "value"].to_numpy(),
                       [factor_label(mu.loc[n]) for n in top])
        ax.plot([0, xmax], [0, xmax], ls=":", color="#999", lw=1, label="σ = μ*")
        floor = analysis.summary.get("mu_star_noise_floor", float("nan"))
        if np.isfinite(floor) and floor > 0:
            ax.axvline(floor, ls="--", color="#e6550d", lw=1, label=label("seed-noise floor of μ*", "随机噪声下限"))
        ax.legend(frameon=False, loc="upper left", fontsize=8)
        ax.set_xlim(0, xmax)
        ax.set_ylim(0, ymax)
        ax.set_xlabel(label("μ* (mean |elementary effect|, output units)", "基本效应绝对值均值"))
        ax.set_ylabel(label("σ (interactions, non-linearity)", "交互与非线性"))
        ax.set_title(f"Morris — {title}")
        ax.grid(alpha=0.3)
    else:
        main = MAIN_INDEX[method]
        m = t[t["index"] == main].sort_values("value", ascending=True)
        names = [factor_label(r) for _, r in m.iterrows()]
        yy = np.arange(len(m))
        fig, ax = plt.subplots(figsize=(7.5, 0.35 * len(m) + 1.6))
        if method == "sobol":
            s1 = t[t["index"] == "S1"].set_index("factor").loc[m["factor"]]
            ax.barh(yy + 0.2, m["value"].clip(lower=0), height=0.4, xerr=np.nan_to_num(m["conf"]),
                    color="#e6550d", ecolor="#555", capsize=2, label=label("total ST", "总效应"))
            ax.barh(yy - 0.2, s1["value"].clip(lower=0), height=0.4, xerr=np.nan_to_num(s1["conf"]),
                    color="#fdae6b", ecolor="#555", capsize=2, label=label("first-order S1", "一阶"))
            ax.set_xlabel(label("Sobol' index (share of variance)", "Sobol 指数(方差占比)"))
            ax.legend(frameon=False, loc="lower right")
        else:
            ax.barh(yy, m["value"], xerr=np.nan_to_num(m["conf"]), color="#31a354", ecolor="#555", capsize=2)
            null = t[t["index"] == "pawn_null"]["value"].iloc[0]
            ax.axvline(null, ls="--", color="#555", lw=1, label=label("dummy factor (chance level)", "虚拟因子(随机水平)"))
            ax.legend(frameon=False, loc="lower right", fontsize=8)
            ax.set_xlabel(label("PAWN index (median KS distance)", "PAWN 指数"))
        ax.set_yticks(yy)
        ax.set_yticklabels(names, fontsize=8)
        ax.set_xlim(left=0)
        ax.set_title(f"{'Sobol' if method == 'sobol' else 'PAWN'} — {title}")
        ax.grid(axis="x", alpha=0.3)
    return save_figure(fig, path)


def overview_matrix(analyses: list[OutputAnalysis]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict]:
    """(shown value, influential flag, above-noise flag) as factor × column tables, and each
    column's noise floor on the shown scale. Columns are outputs, province first, then regions."""
    from sim.jurisdiction import REGIONS

    by = {a.output: a for a in analyses}
    bases = [a.output for a in analyses if "__" not in a.output] or [a.output for a in analyses]
    cols = []
    for b in bases:
        for region in ("province", *REGIONS):
            name = b if region == "province" else f"{b}__{region}"
            if name in by:
                cols.append(name)
    values, flags, above, floors = {}, {}, {}, {}
    for name in cols:
        a = by[name]
        m = main_rows(a).set_index("factor")
        infl = set(influential_factors(a))
        if a.method == "morris":
            top = float(m["value"].max()) or 1.0
            floor = a.summary.get("mu_star_noise_floor", float("nan"))
            values[name] = m["value"] / top
            above[name] = m["low"] > (floor if np.isfinite(floor) else 0.0)
            floors[name] = floor / top if np.isfinite(floor) else float("nan")
        elif a.method == "sobol":
            values[name] = m["value"].clip(lower=0)
            above[name] = m["low"] > 0
            floors[name] = float("nan")
        else:
            excess = (m["value"] - m["null_high"]).clip(lower=0)
            top = float(excess.max()) or 1.0
            values[name] = excess / top
            above[name] = m["low"] > m["null_high"]
            floors[name] = float("nan")
        flags[name] = pd.Series({f: f in infl for f in m.index})
    v, f, ab = pd.DataFrame(values), pd.DataFrame(flags), pd.DataFrame(above)
    order = v.mean(axis=1).sort_values(ascending=False).index
    return v.loc[order], f.loc[order], ab.loc[order], floors


def figure_overview(analyses: list[OutputAnalysis], path: Path) -> Path | None:
    """The heatmap of factors × outputs × regions (see the module docstring)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    from experiments.outcomes import LABELS
    from sim.figures import label, region_label, save_figure, setup_fonts
    from sim.jurisdiction import REGIONS

    if not analyses:
        return None
    setup_fonts()
    values, flags, above, floors = overview_matrix(analyses)
    info = {r["factor"]: r for _, r in analyses[0].table.drop_duplicates("factor").iterrows()}
    method = analyses[0].method
    n_rows, n_cols = values.shape
    fig, ax = plt.subplots(figsize=(max(6.5, 0.62 * n_cols + 4.2), 0.36 * n_rows + 2.9))
    image = ax.imshow(values.to_numpy(dtype=float), cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for i, factor in enumerate(values.index):
        for j, col in enumerate(values.columns):
            if not bool(above.loc[factor, col]):
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="////", edgecolor="#bbb", lw=0))
            if bool(flags.loc[factor, col]):
                colour = "white" if values.loc[factor, col] > 0.6 else "#08306b"
                ax.plot(j, i, "o", color=colour, ms=4)
    ax.set_yticks(range(n_rows), [factor_label(info[f]) if f in info else f for f in values.index], fontsize=8)
    names, groups = [], {}
    for j, col in enumerate(values.columns):
        base, _, region = col.partition("__")
        groups.setdefault(base, []).append(j)
        where = region_label(region) if region in REGIONS else label("Jiangsu", "全省")
        floor = floors[col]
        names.append(where + (f"\nfloor {100 * floor:.0f}%" if np.isfinite(floor) else ""))
    ax.set_xticks(range(n_cols), names, fontsize=7, rotation=0)
    ax.xaxis.tick_top()
    for base, js in groups.items():  # the output's name centred over its columns
        en, zh, _ = LABELS.get(base, (base, "", ""))
        ax.annotate(label(en.split(" (")[0], zh.split("(")[0]), xy=(float(np.mean(js)), 1.0),
                    xycoords=("data", "axes fraction"), xytext=(0, 26), textcoords="offset points", ha="center",
                    fontsize=9, fontweight="bold")
    for j, col in enumerate(values.columns):  # a line between outputs
        if j and "__" not in col:
            ax.axvline(j - 0.5, color="#333", lw=1.2)
    what = {"morris": label("μ* / largest μ* of the column", "μ*/该列最大值"),
            "sobol": label("Sobol' total index ST", "Sobol 总效应 ST"),
            "pawn": label("PAWN above the dummy / largest", "PAWN 超出虚拟因子部分/最大值")}[method]
    fig.colorbar(image, ax=ax, fraction=0.035, pad=0.02, label=what)
    fig.text(0.01, 0.005, label("● distinguishable from no effect (the findings' rule);  hatched: not above the "
                                "seed-noise floor (Morris: floor = μ* a dead factor gets from the seed, as % of "
                                "the column's largest)", "●：可与零区分；斜线：未超过随机噪声下限"),
             fontsize=7, color="#333", ha="left", va="bottom")
    fig.suptitle(label("Overview: which factor moves which output, by region", "概览：各因素对各指标的影响（分地区）"),
                 fontsize=11)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return save_figure(fig, path)
