"""Scenario discovery on any store (sweep, sensitivity or EMA): which parameter ranges produce
the cases of interest (e.g. the worst 10% of deaths)? EMA Workbench's own PRIM and CART, and
extra-trees feature scoring; no hand-written PRIM.

Inputs per design point are the parameter values the store's plan gives it (a parameter a point
does not set takes its scenario's value); the outcome is the mean over the point's replicates.
PRIM's peeling trajectory, the chosen box (coverage, density, mass, and a quasi-p value per
limit), CART's leaves, feature scores, figures and a bilingual report are written to a folder.

Workarounds (EMA Workbench 3.0): PRIM's pasting fails on integer columns under pandas 3 ("Invalid
value '6.5' for dtype 'int64'", EMA issue 448), so every input is cast to float first; a
whole-number parameter is then peeled as a real one (limits such as 12.5 mean "13 or more").
EMA's CART grows an unseeded tree (ties between equally good splits fall at random): the tree
is grown with the same settings and a seed (``--seed``), so a rerun gives the same leaves.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.reporting.numbers import num
from experiments.store import Store, _atomic, write_json
from sim import params as P
from sim.errors import InputError

DEFAULT_MIN_DENSITY = 0.8
#: Below these a box is mostly chance: the report and the command say so.
MIN_POINTS, MIN_CASES = 100, 10
META = ("run_id", "design_point", "label", "replicate", "seed")


@dataclass(frozen=True)
class Threshold:
    """Cases of interest: outcome above (or below) a value, or a percentile of the outcome."""

    side: str            # "above" | "below"
    value: float         # the number given, or the percentile (0-100) when ``percentile``
    percentile: bool = False

    def cut(self, y: np.ndarray) -> float:
        return float(np.nanpercentile(y, self.value)) if self.percentile else self.value

    def describe(self, y: np.ndarray) -> str:
        where = f"the {self.value:g}th percentile, {num(self.cut(y))}" if self.percentile else f"{self.value:g}"
        return f"{self.side} {where}"


def parse_threshold(text: str, side: str, source: str = "safegov discover") -> Threshold:
    """'123.4' -> a value; '90%' or 'p90' -> a percentile (0-100)."""
    t = str(text).strip()
    m = re.fullmatch(r"(?:p(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)%)", t)
    if m:
        q = float(m.group(1) or m.group(2))
        if not 0 < q < 100:
            raise InputError(source, f"--{side}", f"expected a percentile between 0 and 100, got {t!r}")
        return Threshold(side, q, True)
    try:
        return Threshold(side, float(t))
    except ValueError:
        raise InputError(source, f"--{side}", f"expected a number or a percentile like 90% or p90, got {t!r}") from None


def default_threshold(outcome: str) -> Threshold:
    """The worst 10%: above the 90th percentile when lower is better, below the 10th when higher is."""
    from sim.outcomes import run_outcome

    base = outcome.partition("__")[0]
    try:
        direction = run_outcome(base).direction
    except KeyError:
        direction = 0
    if direction == 0:
        raise InputError("safegov discover", "--above/--below",
                         f"{outcome!r} has no better direction; say which cases interest you (--above Q or --below Q)")
    return Threshold("above", 90.0, True) if direction < 0 else Threshold("below", 10.0, True)


# ----------------------------------------------------------------------------------- data


def _pairs(text) -> dict:
    """Overrides or setup as stored: a JSON array of [name, value] pairs or a JSON object."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return {}
    data = json.loads(text) if isinstance(text, str) else text
    return dict(data) if isinstance(data, list) else dict(data or {})


def _scenario_values(path: str) -> dict:
    if not path:
        return {}
    try:
        from sim.scenario import load_scenario

        return load_scenario(path).values()
    except (InputError, OSError):
        return {}


def column_order(columns: list[str], manifest: dict) -> list[str]:
    """Inputs in a stable, meaningful order: an EMA store's own order (each model's uncertainties,
    then its levers, as EMA's experiments table has them), else the declaration order of
    ``sim.params``; anything else after, by name. PRIM breaks ties between equally good peels by
    column order, so the same order as EMA's table gives the same box as EMA's own PRIM."""
    order: list[str] = []
    for model in (manifest.get("ema") or {}).get("models", {}).values():
        order += [*model.get("uncertainties", []), *model.get("levers", [])]
    order += [p.name for p in P.PARAMETERS]
    rank = {name: i for i, name in reversed(list(enumerate(order)))}
    return sorted(columns, key=lambda c: (rank.get(c, len(rank)), c))


def design_table(store_dir, outcome: str) -> tuple[pd.DataFrame, pd.Series, dict]:
    """(x: one row per design point with its parameter values, y: the outcome's mean over the
    point's replicates, info). One-line InputError when the store or the outcome is unusable."""
    store = Store(store_dir)
    source = str(store_dir)
    if not store.plan_path.exists():
        raise InputError(source, None, "not an experiment folder (no plan.parquet); expected the folder of a "
                         "sweep, sensitivity or EMA batch")
    outcomes = store.outcomes()
    if not len(outcomes):
        raise InputError(source, None, "no completed runs in this store")
    if outcome not in outcomes.columns:
        known = [c for c in outcomes.columns if c not in META]
        raise InputError(source, "--outcome", f"no outcome {outcome!r} in this store; expected one of "
                         f"{', '.join(known[:30])}{' ...' if len(known) > 30 else ''}")
    plan = store.plan()
    points = plan.drop_duplicates("design_point").set_index("design_point")
    scen_cache: dict[str, dict] = {}
    rows = {}
    for point, row in points.iterrows():
        values = _pairs(row["overrides"])
        rows[int(point)] = values
        scen_cache.setdefault(row["scenario"], {})
    x = pd.DataFrame.from_dict(rows, orient="index").sort_index()
    x.index.name = "design_point"
    if x.isna().to_numpy().any():  # a point that does not set a parameter has its scenario's value
        for path in scen_cache:
            scen_cache[path] = _scenario_values(path)
        for point in x.index:
            base = scen_cache.get(points.loc[point, "scenario"], {})
            for col in x.columns[x.loc[point].isna()]:
                x.loc[point, col] = base.get(col, P.BY_NAME[col].default if col in P.BY_NAME else np.nan)
    x = x.dropna(axis=1)
    x = x[column_order(list(x.columns), store.manifest())]
    varying = [c for c in x.columns if x[c].nunique() > 1]
    if not varying:
        raise InputError(source, None, "no parameter varies between the design points; nothing to discover")
    x = x[varying].astype(float)
    y = outcomes.groupby("design_point")[outcome].mean()
    common = x.index.intersection(y.index)
    x, y = x.loc[common], y.loc[common]
    replicates = outcomes.groupby("design_point").size()
    info = {"store": str(Path(store_dir).resolve()), "design_points": len(common), "runs": int(replicates.loc[common].sum()),
            "replicates_min": int(replicates.loc[common].min()), "replicates_max": int(replicates.loc[common].max()),
            "kind": store.manifest().get("kind", "")}
    if len(common) < 10:
        raise InputError(source, None, f"only {len(common)} design points with results; scenario discovery needs "
                         "at least 10 (100 or more for stable boxes)")
    return x, y, info


# ----------------------------------------------------------------------------------- analysis


@dataclass
class Discovery:
    outcome: str
    method: str
    threshold: str
    cut: float
    n_points: int
    n_interest: int
    x: pd.DataFrame
    y: pd.Series
    interest: np.ndarray
    scores: pd.DataFrame
    trajectory: pd.DataFrame | None = None   # PRIM
    chosen: int | None = None                # PRIM: index on the trajectory
    box: pd.DataFrame | None = None          # limits of the chosen box (PRIM) or of the best leaf (CART)
    box_stats: dict | None = None
    leaves: pd.DataFrame | None = None       # CART: one row per leaf with its statistics
    cart: object | None = None
    warnings: list[str] = field(default_factory=list)  # said in the report and by the command


def _bounds(name: str, x: pd.Series) -> tuple[float, float]:
    p = P.BY_NAME.get(name)
    return (p.low, p.high) if p is not None else (float(x.min()), float(x.max()))


def feature_scores(x: pd.DataFrame, interest: np.ndarray, seed: int) -> pd.DataFrame:
    """Extra-trees feature scores (EMA's ``get_ex_feature_scores``, seeded), largest first."""
    from ema_workbench.analysis import feature_scoring

    scores, _ = feature_scoring.get_ex_feature_scores(x, interest.astype(int), random_state=seed)
    out = scores.iloc[:, 0].rename("score").sort_values(ascending=False).reset_index()
    out.columns = ["parameter", "score"]
    return out


def _limits_table(lims: pd.DataFrame, x: pd.DataFrame, qp: dict | None) -> pd.DataFrame:
    """Tidy limits of the restricted dimensions of a box (rows: parameters)."""
    rows = []
    for name in lims.columns:
        low, high = _bounds(name, x[name])
        lo, hi = float(lims.loc[0, name]), float(lims.loc[1, name])
        data_lo, data_hi = float(x[name].min()), float(x[name].max())
        restricted_lo, restricted_hi = lo > data_lo + 1e-12, hi < data_hi - 1e-12
        if not (restricted_lo or restricted_hi):
            continue
        q = (qp or {}).get(name, [np.nan, np.nan])
        rows.append({"parameter": name, "min": lo, "max": hi, "restricts_min": restricted_lo,
                     "restricts_max": restricted_hi, "declared_low": low, "declared_high": high,
                     "observed_min": data_lo, "observed_max": data_hi,
                     "qp_min": float(q[0]) if q[0] is not None and q[0] != -1 else np.nan,
                     "qp_max": float(q[1]) if q[1] is not None and q[1] != -1 else np.nan})
    return pd.DataFrame(rows, columns=["parameter", "min", "max", "restricts_min", "restricts_max", "declared_low",
                                       "declared_high", "observed_min", "observed_max", "qp_min", "qp_max"])


def seeded_tree(c, seed: int) -> None:
    """``CART.build_tree`` with a seeded tree. EMA 3.0 builds an unseeded scikit-learn tree, which
    permutes the features at random at every split: when two splits are equally good (common
    with a few hundred points) each call can return a different tree. Same settings, seeded."""
    from sklearn import tree

    c.clf = tree.DecisionTreeClassifier(min_samples_leaf=int(c.mass_min * c.x.shape[0]), random_state=seed)
    c.clf.fit(c._x, c.y)


def discover(x: pd.DataFrame, y: pd.Series, outcome: str, threshold: Threshold, method: str = "prim", *,
             min_density: float = DEFAULT_MIN_DENSITY, mass_min: float = 0.05, peel_alpha: float = 0.05,
             seed: int = 0) -> Discovery:
    """Run PRIM or CART (EMA Workbench) on the cases of interest and score the features."""
    from ema_workbench.analysis import cart, prim

    yv = y.to_numpy(dtype=float)
    cut = threshold.cut(yv)
    interest = yv > cut if threshold.side == "above" else yv < cut
    n_int = int(interest.sum())
    if n_int == 0 or n_int == len(yv):
        raise InputError("safegov discover", f"--{threshold.side}",
                         f"{n_int} of {len(yv)} design points are {threshold.describe(yv)}; choose a threshold "
                         "that separates them")
    xf = x.reset_index(drop=True).astype(float)  # EMA 3.0 + pandas 3: integer columns break PRIM's pasting
    d = Discovery(outcome, method, threshold.describe(yv), cut, len(yv), n_int, x, y, interest,
                  feature_scores(xf, interest, seed))
    if n_int < MIN_CASES or len(yv) < MIN_POINTS:
        d.warnings.append(f"only {n_int} cases of interest among {len(yv)} design points: boxes and scores this small "
                          f"are mostly chance (aim for {MIN_POINTS} or more points and {MIN_CASES} or more cases); "
                          f"{len(yv)} 个设计点中仅 {n_int} 个关注情形，所得盒子与重要性多为偶然")
    if method == "prim":
        p = prim.Prim(xf, interest, peel_alpha=peel_alpha, mass_min=mass_min)
        box = p.find_box()
        traj = box.peeling_trajectory.copy()
        ok = traj.index[traj["density"] >= min_density]
        if len(ok):  # the most coverage at the required density; among equal coverage, the densest
            chosen = int(traj.loc[ok].sort_values(["coverage", "density"], ascending=False).index[0])
        else:
            chosen = int((traj["coverage"] * traj["density"]).idxmax())
        stats = traj.iloc[chosen]
        qp = {name: list(v) for name, v in box.p_values[chosen].items()}  # quasi-p per restricted limit
        d.trajectory = traj
        d.chosen = chosen
        d.box = _limits_table(box.box_lims[chosen], xf, qp)
        d.box_stats = {"coverage": float(stats["coverage"]), "density": float(stats["density"]),
                       "mass": float(stats["mass"]), "restricted_dimensions": int(stats["res_dim"]),
                       "n": int(stats["n"]), "trajectory_index": chosen,
                       "rule": (f"highest coverage (then density) with density >= {min_density:g}" if len(ok) else
                                f"no box reaches density {min_density:g}: highest coverage x density")}
    elif method == "cart":
        c = cart.CART(xf, interest, mass_min=mass_min)
        seeded_tree(c, seed)
        leaves = pd.DataFrame(c.stats)
        leaves.insert(0, "leaf", range(len(leaves)))
        leaves = leaves.rename(columns={"res dim": "restricted_dimensions"})
        for col in ("coverage", "density", "mass"):
            leaves[col] = leaves[col].astype(float)
        best = int(leaves.sort_values(["density", "coverage"], ascending=False)["leaf"].iloc[0])
        d.leaves = leaves
        d.cart = c
        d.box = _limits_table(c.boxes[best], xf, None)
        row = leaves.loc[best]
        d.box_stats = {"coverage": float(row["coverage"]), "density": float(row["density"]),
                       "mass": float(row["mass"]), "restricted_dimensions": int(row["restricted_dimensions"]),
                       "leaf": best, "rule": "the leaf with the highest density (ties: coverage)"}
    else:
        raise InputError("safegov discover", "--method", f"expected prim or cart, got {method!r}")
    return d


# ----------------------------------------------------------------------------------- output


def _plabel(name: str) -> tuple[str, str]:
    p = P.BY_NAME.get(name)
    return (p.label, p.zh) if p is not None else (name, "")


def _olabel(name: str) -> tuple[str, str, str]:
    from experiments.outcomes import LABELS, split_name

    base, region = split_name(name)
    en, zh, unit = LABELS.get(base, (base, "", ""))
    if region != "province":
        from experiments.outcomes import region_label

        en, zh = f"{en}, {region_label(region)}", zh
    return en, zh, unit


def _both(name: str, zh: str) -> str:
    """'name (中文)', or just the name when there is no Chinese label."""
    return f"{name} ({zh})" if zh else name


def rule_text(box: pd.DataFrame, lang: str = "en") -> str:
    """The box as a rule. A limit whose quasi-p value exceeds 0.05 (likely chance) is listed
    apart, as doubtful."""
    parts, doubtful = [], []
    for r in box.itertuples(index=False):
        name = r.parameter if lang == "en" else (_plabel(r.parameter)[1] or r.parameter)
        lo = r.restricts_min and not r.qp_min > 0.05
        hi = r.restricts_max and not r.qp_max > 0.05
        if lo and hi:
            parts.append(f"{num(r.min)} ≤ {name} ≤ {num(r.max)}")
        elif lo:
            parts.append(f"{name} ≥ {num(r.min)}")
        elif hi:
            parts.append(f"{name} ≤ {num(r.max)}")
        if r.restricts_min and r.qp_min > 0.05:
            doubtful.append(f"{name} ≥ {num(r.min)} (qp {r.qp_min:.2g})")
        if r.restricts_max and r.qp_max > 0.05:
            doubtful.append(f"{name} ≤ {num(r.max)} (qp {r.qp_max:.2g})")
    none = "(no limit that is not likely chance)" if doubtful else "(no restriction)"
    text = (" and " if lang == "en" else " 且 ").join(parts) or (none if lang == "en" else "(无可信界限)" if doubtful
                                                                else "(无限制)")
    if doubtful:
        text += ("; doubtful (quasi-p > 0.05): " if lang == "en" else "；存疑(拟p值>0.05)：") + ", ".join(doubtful)
    return text


def figures(d: Discovery, out: Path) -> list[Path]:
    """Feature scores, the peeling trajectory (PRIM) or the tree (CART), and the box limits."""
    import matplotlib.pyplot as plt

    from sim.figures import cjk_font, label, save_figure, setup_fonts

    setup_fonts()
    en, zh, _unit = _olabel(d.outcome)
    files = []
    # feature scores
    s = d.scores.head(15).iloc[::-1]
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(s) + 1.5))
    ax.barh([label(*_plabel(n)) for n in s["parameter"]], s["score"], color="#4c72b0")
    ax.set_xlabel(label("Feature score (extra trees, share of importance)", "特征重要性(极端随机树)"))
    ax.set_title(f"What separates the cases of interest: {en.lower()} {d.threshold}"
                 + (f"\n区分关注情形的因素：{zh}{'高于' if d.threshold.startswith('above') else '低于'} {num(d.cut)}"
                    if cjk_font() else ""), fontsize=10)
    ax.set_xlim(0, max(0.05, float(d.scores["score"].max()) * 1.15))
    files.append(save_figure(fig, out / "feature_scores.png"))
    if d.trajectory is not None:
        t = d.trajectory
        fig, ax = plt.subplots(figsize=(6.5, 5))
        sc = ax.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap="viridis", s=28, zorder=3)
        ax.plot(t["coverage"], t["density"], color="#999999", lw=0.8, zorder=2)
        c = t.loc[d.chosen]
        ax.scatter([c["coverage"]], [c["density"]], s=160, facecolors="none", edgecolors="#d62728", lw=2, zorder=4,
                   label=label(f"chosen box (step {d.chosen}): coverage {c['coverage']:.0%}, density "
                               f"{c['density']:.0%}", f"所选盒子(第{d.chosen}步)"))
        ax.axhline(d.n_interest / d.n_points, color="#d62728", ls=":", lw=1,
                   label=label("share of cases of interest overall", "总体关注情形比例"))
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel(label("Coverage (share of the cases of interest inside the box)", "覆盖率"))
        ax.set_ylabel(label("Density (share of the box that is of interest)", "密度"))
        ax.set_title(label("PRIM peeling trajectory", "PRIM 剥离轨迹"), fontsize=10)
        top = int(t["res_dim"].max())
        cb = fig.colorbar(sc, ax=ax, label=label("restricted dimensions", "受限维数"), ticks=range(top + 1))
        cb.ax.set_yticklabels([str(i) for i in range(top + 1)])
        ax.legend(loc="lower left", fontsize=8)
        files.append(save_figure(fig, out / "peeling_trajectory.png"))
    if d.cart is not None:
        from sklearn import tree

        fig, ax = plt.subplots(figsize=(12, 6))
        tree.plot_tree(d.cart.clf, feature_names=list(d.x.columns), class_names=["other", "of interest"], filled=True,
                       impurity=False, proportion=True, fontsize=7, ax=ax, max_depth=4)
        ax.set_title(label("CART tree (first 4 levels)", "CART 分类树(前4层)"), fontsize=10)
        note = "samples: share of all design points in the node; value: [share other, share of interest]; blue: mostly " \
               "of interest"
        if cjk_font():
            note += "\nsamples：节点内设计点比例；value：[其他, 关注情形] 比例；蓝色：关注情形居多"
        ax.text(0.5, -0.02, note, transform=ax.transAxes, ha="center", va="top", fontsize=8)
        files.append(save_figure(fig, out / "cart_tree.png"))
    b = d.box
    if len(b):
        fig, ax = plt.subplots(figsize=(7, 0.6 * len(b) + 1.9))
        doubtful = False
        for i, r in enumerate(b.itertuples(index=False)):
            lo, hi = r.declared_low, r.declared_high
            span = (hi - lo) or 1.0
            ax.barh(i, 1.0, left=0, color="#eeeeee", edgecolor="#999999")
            # a limit whose quasi-p value exceeds 0.05 is likely chance: that side is drawn hatched
            weak_lo = bool(r.restricts_min and r.qp_min > 0.05)
            weak_hi = bool(r.restricts_max and r.qp_max > 0.05)
            doubtful |= weak_lo or weak_hi
            kept = (r.max - r.min) / span
            ax.barh(i, kept, left=(r.min - lo) / span, color="#4c72b0", alpha=0.85)
            # the sampled part cut off by a doubtful limit: hatched, not plain grey
            for weak, start, end in ((weak_lo, r.observed_min, r.min), (weak_hi, r.max, r.observed_max)):
                if weak:
                    ax.barh(i, (end - start) / span, left=(start - lo) / span, color="none", edgecolor="#d62728",
                            hatch="///", lw=0)
            qp = [f"qp({w}) {v:.2g}{' ?' if v > 0.05 else ''}" for w, v in (("min", r.qp_min), ("max", r.qp_max))
                  if not np.isnan(v)]
            ax.text(1.02, i, f"[{num(r.min)}, {num(r.max)}] of {num(lo)}–{num(hi)}\n{', '.join(qp)}", va="center",
                    fontsize=8)
        ax.set_yticks(range(len(b)), [label(*_plabel(n)) for n in b["parameter"]])
        ax.set_xlim(0, 1)
        ax.set_xticks([0, 0.5, 1], [label("low", "下限"), "", label("high", "上限")])
        note = label("position within the declared range (observed range if undeclared); blue: inside the box",
                     "在声明范围内的位置；蓝色：盒内")
        if doubtful:
            note += "\n" + label("hatched: cut off by a doubtful limit (quasi-p > 0.05, likely chance)",
                                 "斜线：存疑界限(拟p值>0.05)")
        ax.set_xlabel(note)
        st = d.box_stats
        ax.set_title(label(f"Box: coverage {st['coverage']:.0%}, density {st['density']:.0%}, mass {st['mass']:.0%}",
                           f"盒子：覆盖率{st['coverage']:.0%}，密度{st['density']:.0%}，质量{st['mass']:.0%}"),
                     fontsize=10)
        ax.invert_yaxis()
        files.append(save_figure(fig, out / "box_limits.png"))
    return files


def report(d: Discovery, info: dict, files: list[Path]) -> str:
    en, zh, unit = _olabel(d.outcome)
    st = d.box_stats
    lines = [f"# Scenario discovery 情景发现: {_both(en, zh)}", "",
             f"Store 数据: `{info['store']}` ({info['design_points']} design points, {info['runs']} runs, "
             f"{info['replicates_min']}–{info['replicates_max']} replicates per point; outcome = mean over replicates).",
             "", "## Cases of interest 关注情形", "",
             f"{d.n_interest} of {d.n_points} design points ({d.n_interest / d.n_points:.0%}) have {en.lower()} "
             f"{d.threshold}" + (f" ({unit})." if unit else "."), "",
             f"{d.n_points} 个设计点中有 {d.n_interest} 个({d.n_interest / d.n_points:.0%})的{zh or d.outcome}"
             f"{'高于' if d.threshold.startswith('above') else '低于'} {num(d.cut)}。", "",
             *(f"**Warning 注意:** {w}.\n" for w in d.warnings),
             f"## {'PRIM box' if d.method == 'prim' else 'CART leaf'} {'PRIM 盒子' if d.method == 'prim' else 'CART 叶节点'}",
             "", f"**{rule_text(d.box)}**", "", f"**{rule_text(d.box, 'zh')}**", "",
             f"Coverage 覆盖率 {st['coverage']:.0%} (share of the cases of interest inside), density 密度 "
             f"{st['density']:.0%} (share of the box that is of interest), mass 质量 {st['mass']:.0%} "
             f"(share of all points inside). Chosen as: {st['rule']}.", ""]
    if len(d.box):
        lines += ["| parameter 参数 | min | max | range 范围 (declared, or observed) | quasi-p (min) | quasi-p (max) |",
                  "|---|---:|---:|---|---:|---:|"]
        for r in d.box.itertuples(index=False):
            _pen, pzh = _plabel(r.parameter)
            q = ["—" if np.isnan(v) else f"{v:.2g}" for v in (r.qp_min, r.qp_max)]
            lines.append(f"| {_both(r.parameter, pzh)} | {num(r.min)} | {num(r.max)} | {num(r.declared_low)}–"
                         f"{num(r.declared_high)} | {q[0]} | {q[1]} |")
        lines += ["", "A quasi-p value is the probability that the restriction on that limit would improve the "
                  "density this much by chance (binomial test, EMA Workbench); above 0.05 the limit is doubtful. "
                  "拟p值大于0.05表示该界限可能是偶然的。", ""]
    if d.leaves is not None:
        lines += ["### All leaves 所有叶节点", "", "| leaf | coverage | density | mass | restricted dims |",
                  "|---:|---:|---:|---:|---:|"]
        for r in d.leaves.sort_values("density", ascending=False).itertuples(index=False):
            lines.append(f"| {r.leaf} | {r.coverage:.0%} | {r.density:.0%} | {r.mass:.0%} | {r.restricted_dimensions} |")
        lines.append("")
    lines += ["## Feature scores 特征重要性", "", "| parameter 参数 | score |", "|---|---:|"]
    for r in d.scores.head(10).itertuples(index=False):
        lines.append(f"| {_both(r.parameter, _plabel(r.parameter)[1])} | {r.score:.3f} |")
    lines += ["", "## Figures 图", ""] + [f"![{f.stem}]({f.name})" for f in files] + [
        "", "Method: EMA Workbench 3.0 (PRIM / CART / extra-trees feature scoring). Inputs cast to float "
        "before PRIM (EMA 3.0 + pandas 3 integer-column bug); whole-number limits such as 12.5 mean "
        "\"13 or more\". 方法：EMA Workbench。", ""]
    return "\n".join(lines)


def write(d: Discovery, info: dict, out: Path, params: dict) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    files = figures(d, out)
    written = list(files)
    tables = {"feature_scores.csv": d.scores, "box.csv": d.box}
    if d.trajectory is not None:
        tables["peeling_trajectory.csv"] = d.trajectory.reset_index(names="step")
    if d.leaves is not None:
        tables["cart_leaves.csv"] = d.leaves
    cases = d.x.copy()
    cases[d.outcome] = d.y
    cases["of_interest"] = d.interest
    tables["cases.csv"] = cases.reset_index()
    for name, table in tables.items():
        _atomic(out / name, lambda p, t=table: t.to_csv(p, index=False))
        written.append(out / name)
    text = report(d, info, files)
    _atomic(out / "report.md", lambda p: p.write_text(text, encoding="utf-8"))
    written.append(out / "report.md")
    from sim.provenance import package_versions

    versions = package_versions()
    from importlib import metadata

    versions["ema_workbench"] = metadata.version("ema_workbench")
    manifest = {"kind": "discover", **info, "outcome": d.outcome, "method": d.method, "threshold": d.threshold,
                "cut": d.cut, "cases_of_interest": d.n_interest, "box": d.box_stats, "warnings": d.warnings,
                "parameters": params,
                "versions": versions}
    write_json(out / "discover.json", manifest)
    written.append(out / "discover.json")
    return written


def params_dict(**kw) -> dict:
    return {k: (asdict(v) if hasattr(v, "__dataclass_fields__") else v) for k, v in kw.items()}
