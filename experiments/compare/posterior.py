"""Posterior-aware comparisons: the behavioural parameters drawn from a calibration posterior.

``safegov compare --posterior DIR`` gives replicate r of every scenario the same seed (common
random numbers) **and** the same parameter values, one weighted draw from the posterior per
replicate. The paired effect's replicate-to-replicate variance is then seed noise plus parameter
uncertainty, and its 95% interval covers both.

One job each:

* ``find_posterior`` / ``load_posterior``: which file, and its checks (one ``InputError`` line
  naming the file and the column or row; nothing is run or written before they pass);
* ``Posterior.draws``: replicate r's draw, from a generator keyed on (seed, r, ``DRAW_TAG``) only,
  so it is the same in every scenario and does not change when ``--replicates`` grows;
* ``variance_split``: with ``--posterior-split`` every scenario is also run at the posterior's
  weighted median, on the same seeds; the effect's variance there is seed noise alone, and the
  Pitman–Morgan test on the paired replicates says which part dominates;
* ``sentence``: what the interval includes and, when estimated, which part dominates
  (English and Chinese).

A calibration results folder is written by ``calibration/pipeline.py``: ``posterior_<method>.parquet``
(one column per fitted uncertain parameter, ``weight``, and for ABC ``distance``) and
``summary.json``. This module reads the files only; it does not import ``calibration``
(the layers are sim <- experiments <- calibration).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim.errors import InputError

#: Files preferred in a results folder, in this order; then any other ``posterior_*.parquet``.
PREFERRED_METHODS = ("abc-smc", "history-matching")
#: Columns a posterior file may hold besides parameters (``distance``: ABC's, not used here).
META_COLUMNS = ("weight", "distance")
#: Third word of the draw generator's seed, so the posterior draw never shares a stream with the
#: model's own streams, which are keyed on (seed, r) alone ("post" in ASCII).
DRAW_TAG = 0x706F7374
#: The outcome (province) the report's sentence speaks about: the first headline outcome.
SENTENCE_OUTCOME = "deaths"
LEVEL = 0.95


# ============================================================================== finding the file


def find_posterior(path: str | os.PathLike, flag: str = "--posterior") -> Path:
    """The posterior file: ``path`` itself if it is a file, else from the folder
    ``posterior_abc-smc.parquet``, then ``posterior_history-matching.parquet``, then the first
    other ``posterior_*.parquet`` by name."""
    from sim.inputs import path_text

    try:
        p = Path(path_text(path, "folder or file"))
    except ValueError as exc:
        raise InputError(flag, None, str(exc)) from None
    if not p.exists():
        raise InputError(str(p), flag, "no such folder or file (expected a calibration results folder holding "
                         "posterior_<method>.parquet, or such a file)")
    if p.is_file():
        if p.suffix != ".parquet":
            raise InputError(str(p), flag, "expected a posterior_<method>.parquet file or a calibration results "
                             "folder")
        return p
    if not p.is_dir():
        raise InputError(str(p), flag, "not a regular file or folder")
    for method in PREFERRED_METHODS:
        candidate = p / f"posterior_{method}.parquet"
        if candidate.is_file():
            return candidate
    others = sorted(f for f in p.glob("posterior_*.parquet") if f.is_file())
    if not others:
        raise InputError(str(p), flag, "no posterior_<method>.parquet in this folder (calibration/pipeline.py "
                         "writes them; run 'safegov calibrate' first)")
    return others[0]


def method_of(path: Path) -> str:
    """'abc-smc' for posterior_abc-smc.parquet; the stem for another name."""
    return path.stem.removeprefix("posterior_")


# ================================================================================ the posterior


@dataclass(frozen=True)
class Posterior:
    """A checked posterior sample.

    Attributes:
        path: the Parquet file.
        method: calibration method ("abc-smc", "history-matching", ...), from the file name.
        samples: one column per uncertain parameter (declared units), one row per sample.
        weights: normalised importance weights (sum 1), one per row.
        summary: the folder's summary.json entry for this method, if there is one.
    """

    path: Path
    method: str
    samples: pd.DataFrame
    weights: np.ndarray
    summary: dict = field(default_factory=dict)

    @property
    def parameters(self) -> list[str]:
        return list(self.samples.columns)

    def draw_rows(self, seed: int, replicates: int) -> list[int]:
        """Row of the sample replicate r uses, r = 0 .. replicates - 1. Each replicate's
        generator is keyed on (seed, r, DRAW_TAG) only: never global state, never the number of
        replicates, never the scenarios."""
        cdf = np.cumsum(self.weights)
        rows = []
        for r in range(replicates):
            rng = np.random.default_rng(np.random.SeedSequence([int(seed), int(r), DRAW_TAG]))
            rows.append(int(min(np.searchsorted(cdf, rng.random() * cdf[-1], side="right"), len(cdf) - 1)))
        return rows

    def draws(self, seed: int, replicates: int) -> list[dict[str, float]]:
        """Parameter values of each replicate (declared types: whole numbers as int)."""
        return [self.row(i) for i in self.draw_rows(seed, replicates)]

    def row(self, i: int) -> dict[str, float]:
        from sim import params

        return {name: (int(v) if params.BY_NAME[name].integer else float(v))
                for name, v in self.samples.iloc[i].items()}

    def median(self) -> dict[str, float]:
        """Weighted median of each parameter (marginal; whole-number parameters rounded). The
        point where ``--posterior-split`` measures seed noise alone."""
        from sim import params

        out = {}
        for name in self.samples.columns:
            v = weighted_median(self.samples[name].to_numpy(float), self.weights)
            out[name] = int(round(v)) if params.BY_NAME[name].integer else float(v)
        return out

    def record(self) -> dict:
        """What the manifest says about the posterior used."""
        return {"file": str(self.path), "method": self.method, "samples": len(self.samples),
                "parameters": self.parameters, "draw": "one weighted draw per replicate, shared by every scenario; "
                f"generator SeedSequence([seed, replicate, {DRAW_TAG:#x}])"}


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """Median of a weighted sample (inverse of the weighted empirical CDF, interpolated; the
    same rule as calibration's ``weighted_quantile``)."""
    order = np.argsort(values)
    v, w = np.asarray(values, float)[order], np.asarray(weights, float)[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return float(np.interp(0.5, cdf, v))


def load_posterior(path: str | os.PathLike, flag: str = "--posterior") -> Posterior:
    """Find, read and check a posterior (see ``find_posterior``). Every problem is one
    ``InputError`` naming the file and the column (and row): not Parquet, no rows, no ``weight``
    column, a column that is not a declared uncertain parameter, a value that is not a number
    inside the declared bounds, a weight that is not positive."""
    from sim import params
    from sim.inputs import check_param, describe, suggest

    file = find_posterior(path, flag)
    source = str(file)
    try:
        import pyarrow.parquet as pq

        df = pq.read_table(file).to_pandas()
    except Exception as exc:  # ArrowInvalid, OSError: not Parquet, truncated, unreadable
        raise InputError(source, None, f"cannot read it as Parquet ({type(exc).__name__}: "
                         f"{str(exc).splitlines()[0] if str(exc) else ''})") from None
    for col in df.columns:
        if str(col) in META_COLUMNS:
            continue
        p = params.BY_NAME.get(str(col))
        if p is None:
            raise InputError(source, str(col), "not a declared uncertain parameter"
                             + suggest(str(col), [u.name for u in params.UNCERTAIN]) + " (see 'safegov levers')")
        if p.kind != "uncertain":
            raise InputError(source, str(col), "a policy lever, not an uncertain parameter: a posterior holds "
                             "behavioural parameters only")
    names = [str(c) for c in df.columns if str(c) not in META_COLUMNS]
    if not names:
        raise InputError(source, None, "no parameter columns (expected one column per fitted uncertain parameter, "
                         "and 'weight')")
    if "weight" not in df.columns:
        raise InputError(source, "weight", "missing: expected a column of positive importance weights")
    if len(df) == 0:
        raise InputError(source, None, "no samples (the posterior is empty)")
    for col in [*names, "weight"]:
        if not pd.api.types.is_numeric_dtype(df[col]) or pd.api.types.is_bool_dtype(df[col]):
            raise InputError(source, col, f"expected numbers, got a column of {df[col].dtype}")
    w = df["weight"].to_numpy(float)
    bad = np.flatnonzero(~(np.isfinite(w) & (w > 0)))
    if len(bad):
        i = int(bad[0])
        raise InputError(source, f"weight (row {i})", f"expected a positive weight, got {describe(df['weight'].iloc[i])}")
    samples = {}
    for name in names:
        p = params.BY_NAME[name]
        v = df[name].to_numpy(float)
        if p.integer:  # whole-number parameters sampled on a continuous scale take the nearest whole value
            v = np.where(np.isfinite(v), np.round(v), v)
        outside = np.flatnonzero(~(np.isfinite(v) & (v >= p.low) & (v <= p.high)))
        if len(outside):
            i = int(outside[0])
            check_param(name, df[name].iloc[i] if not p.integer else v[i], source, f"{name} (row {i})")
            raise InputError(source, f"{name} (row {i})", f"expected a value between {p.low:g} and {p.high:g}")
        samples[name] = v
    summary = _summary(file)
    return Posterior(file, method_of(file), pd.DataFrame(samples), w / w.sum(), summary)


def _summary(file: Path) -> dict:
    """The folder's summary.json entry for this method ({} when there is no summary.json); a
    summary.json that is not JSON is an error (the folder is not what it claims)."""
    from sim.inputs import read_text

    path = file.parent / "summary.json"
    if not path.is_file():
        return {}
    try:
        data = json.loads(read_text(path, str(path), None))
    except json.JSONDecodeError as exc:
        raise InputError(str(path), None, f"not JSON ({exc.msg} at line {exc.lineno})") from None
    methods = data.get("methods") if isinstance(data, dict) else None
    if not isinstance(methods, dict):
        raise InputError(str(path), "methods", "expected a table of calibration methods")
    info = methods.get(method_of(file))
    return {"method": info if isinstance(info, dict) else {},
            **{k: data[k] for k in ("spec", "scenario", "seed", "free", "holdout_after") if k in data}}


def scenario_sets(path: Path, names: list[str]) -> list[str]:
    """The drawn parameters a scenario file sets itself (its own [behaviour] table; not
    through ``extends``), which the posterior draw replaces."""
    from sim.inputs import read_toml

    raw, _ = read_toml(path)
    own = raw.get("behaviour") if isinstance(raw, dict) else None
    return [n for n in names if isinstance(own, dict) and n in own]


def draws_table(post: Posterior, seed: int, replicates: int) -> pd.DataFrame:
    """posterior_draws.csv: replicate, the posterior row drawn, and each parameter's value."""
    rows = post.draw_rows(seed, replicates)
    return pd.DataFrame([{"replicate": r, "posterior_row": i, **post.row(i)} for r, i in enumerate(rows)])


# ============================================================================== the variance split


def variance_split(total: np.ndarray, seed_only: np.ndarray, level: float = LEVEL) -> dict:
    """Split of the paired effect's replicate variance into seed noise and parameter uncertainty.

    ``total``: effects d_r with posterior draws (seed r, parameters θ_r); ``seed_only``: effects
    d0_r at the posterior median, on the same seeds r. Var(d) = seed noise + parameter part and
    Var(d0) = seed noise (at the median), so the parameter part is Var(d) − Var(d0) (cut at 0)
    and its share is 1 − Var(d0)/Var(d).

    Which dominates is tested, not read off the shares: the parameter part exceeds seed noise
    iff Var(d) > 2 Var(d0), and since Cov(d + √2 d0, d − √2 d0) = Var(d) − 2 Var(d0), the
    Pitman–Morgan test (the correlation of those two, t with n − 2 df; valid for the paired,
    correlated replicates) tests it. ``dominates`` is "parameter" or "seed" when the test
    rejects equality at 1 − ``level``, else "unclear".
    """
    d, d0 = np.asarray(total, float), np.asarray(seed_only, float)
    ok = np.isfinite(d) & np.isfinite(d0)
    d, d0 = d[ok], d0[ok]
    n = len(d)
    nan = math.nan
    out = {"n_pairs": n, "var_total": nan, "var_seed": nan, "var_parameter": nan, "parameter_share": nan,
           "pm_corr": nan, "p_value": nan, "dominates": "unclear"}
    if n < 2:
        return out
    vt, vs = float(d.var(ddof=1)), float(d0.var(ddof=1))
    out.update(var_total=vt, var_seed=vs, var_parameter=max(vt - vs, 0.0),
               parameter_share=(max(1.0 - vs / vt, 0.0) if vt > 0 else nan))
    if n < 4:
        return out
    u, v = d + math.sqrt(2) * d0, d - math.sqrt(2) * d0
    if u.std() == 0 or v.std() == 0:
        return out
    r = float(np.corrcoef(u, v)[0, 1])
    t = r * math.sqrt((n - 2) / max(1.0 - r * r, 1e-300))
    p = float(2 * stats.t.sf(abs(t), n - 2))
    out.update(pm_corr=r, p_value=p)
    if p < 1 - level:
        out["dominates"] = "parameter" if r > 0 else "seed"
    return out


def split_table(main: pd.DataFrame, median: pd.DataFrame, metrics: list[str], base_point: int = 0) -> pd.DataFrame:
    """One row per (scenario, outcome): the variance split of its paired effect.

    ``main``: outcomes with posterior draws; ``median``: outcomes at the posterior median, with
    the same design points and replicates (Store.outcomes() columns)."""
    from experiments.outcomes import split_name

    rows = []

    def effects(df: pd.DataFrame, point: int, m: str) -> pd.Series:
        b = df[df["design_point"] == base_point].set_index("replicate")[m]
        o = df[df["design_point"] == point].set_index("replicate")[m]
        return (o - b).dropna()

    points = sorted(p for p in main["design_point"].unique() if p != base_point)
    for point in points:
        label = str(main.loc[main["design_point"] == point, "label"].iloc[0])
        for m in metrics:
            if m not in main.columns or m not in median.columns:
                continue
            d, d0 = effects(main, point, m), effects(median, point, m)
            common = d.index.intersection(d0.index).sort_values()
            metric, region = split_name(m)
            rows.append({"scenario": int(point), "label": label, "outcome": m, "metric": metric, "region": region,
                         **variance_split(d.loc[common].to_numpy(), d0.loc[common].to_numpy())})
    return pd.DataFrame(rows)


# ================================================================================== the sentence


def sentence(info: dict, split: pd.DataFrame | None, labels: list[str], replicates: int,
             outcome: str = SENTENCE_OUTCOME) -> tuple[str, str]:
    """One sentence, English and Chinese: what the 95% intervals include and, when the split was
    estimated, which part dominates the effect on ``outcome`` (province) for each scenario."""
    from experiments.outcomes import LABELS

    name = Path(info["file"]).name
    en = (f"With --posterior these 95% intervals include both seed noise and parameter uncertainty (replicate r of "
          f"every scenario shares one weighted draw from {name}, {info['samples']} samples of "
          f"{len(info['parameters'])} behavioural parameters)")
    zh = (f"使用 --posterior 时，这些95%区间同时包含随机种子噪声与参数不确定性（每个重复的所有情景共用一组从 {name} "
          f"按权重抽取的参数，共{info['samples']}个样本、{len(info['parameters'])}个行为参数）")
    rows = None if split is None or split.empty else split[(split["outcome"] == outcome)]
    if rows is None or rows.empty:
        return (en + "; how much comes from each was not estimated (add --posterior-split to also run every "
                "scenario at the posterior median and split the variance).",
                zh + "；两者各占多少未作估计（加 --posterior-split 可在后验中位数处另行运行各情景并分解方差）。")
    o_en, o_zh, _ = LABELS.get(outcome, (outcome, outcome, ""))
    o_en, o_zh = o_en.split(" (")[0].lower(), o_zh.split("(")[0]
    parts_en, parts_zh = [], []
    for _, r in rows.sort_values("scenario").iterrows():
        label = labels[int(r["scenario"])] if int(r["scenario"]) < len(labels) else str(r["label"])
        share = r["parameter_share"]
        pct = "–" if math.isnan(share) else f"{share:.0%}"
        if r["dominates"] == "parameter":
            parts_en.append(f"parameter uncertainty dominates for {label} ({pct} of the effect's variance)")
            parts_zh.append(f"{label} 以参数不确定性为主（占效果方差的{pct}）")
        elif r["dominates"] == "seed":
            parts_en.append(f"seed noise dominates for {label} (parameter uncertainty {pct} of the effect's variance)")
            parts_zh.append(f"{label} 以种子噪声为主（参数不确定性占效果方差的{pct}）")
        else:
            parts_en.append(f"neither clearly dominates for {label} (parameter uncertainty {pct} of the effect's "
                            f"variance, not distinguishable from half with {replicates} replicates)")
            parts_zh.append(f"{label} 两者孰大无法区分（参数不确定性占效果方差的{pct}，{replicates}次重复不足以判断）")
    en += (f"; for Jiangsu {o_en}, measured against runs at the posterior median on the same seeds, "
           + "; ".join(parts_en) + ".")
    zh += f"；就江苏全省{o_zh}而言（与同一种子下后验中位数处的运行对比），" + "；".join(parts_zh) + "。"
    return en, zh
