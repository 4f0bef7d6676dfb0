"""Indices of replicate means, their confidence intervals, convergence and rankability.

For each output, the design-point values are the means over replicates (which share their
seeds across points: common random numbers). Indices:

* Morris (SALib ``morris.analyze``): ``mu_star`` (main; mean |elementary effect|, in output
  units), ``sigma`` (interactions / non-linearity), ``mu``.
* Sobol' (SALib ``sobol.analyze``, first-order and total): ``S1`` and ``ST`` (main).
* PAWN (Pianosi & Wagener 2015; same slicing as SALib's ``pawn.analyze``): ``pawn`` = median
  over slices of the Kolmogorov-Smirnov distance; ``pawn_null`` is the same statistic for a
  dummy factor independent of the output, the level that an uninfluential factor reaches by
  chance.

Confidence intervals (95%) combine two independent sources of error:

* ``conf_sample``: SALib's bootstrap over the design (trajectories, Sobol' blocks) for Morris
  and Sobol', a bootstrap over rows for PAWN;
* ``conf_replicate``: a bootstrap over replicates (the same resampled replicate numbers at
  every point, so CRN is kept), 1.96 x the standard deviation of the recomputed index;

``conf`` = sqrt(conf_sample^2 + conf_replicate^2); ``low``/``high`` = value -/+ conf.
Negative Sobol' estimates are kept in the table (they are estimation noise around 0).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze

from experiments.sensitivity.noise import replicate_means
from experiments.sensitivity.sampling import first_half, points_per_sample

MAIN_INDEX = {"morris": "mu_star", "sobol": "ST", "pawn": "pawn"}
Z95 = 1.959964


@dataclass
class OutputAnalysis:
    """Everything computed for one output."""

    output: str
    method: str
    table: pd.DataFrame                  # tidy: factor, index, value, conf_sample, conf_replicate, ...
    summary: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- estimators


def _usable_rows(method: str, k: int, y: np.ndarray) -> np.ndarray:
    """Rows to analyse: whole trajectories / Sobol' blocks without a failed point."""
    ok = np.isfinite(y)
    if method == "pawn":
        return ok
    per = points_per_sample(method, k)
    units = len(y) // per
    whole = ok[: units * per].reshape(units, per).all(axis=1)
    return np.concatenate([np.repeat(whole, per), np.zeros(len(y) - units * per, dtype=bool)])


def pawn_median(X: np.ndarray, y: np.ndarray, slices: int) -> np.ndarray:
    """Median over conditioning slices of KS(Y | X_i in slice, Y), per column of X.

    Same slicing as SALib's ``pawn.analyze`` (quantile slices, [q_s, q_s+1)), vectorised and
    without p-values (which make scipy's ks_2samp slow).
    """
    ys = np.sort(y)
    n = len(y)
    f_all = np.searchsorted(ys, ys, side="right") / n
    seq = np.arange(0, 1 + 1 / slices, 1 / slices)
    out = np.full(X.shape[1], np.nan)
    for d in range(X.shape[1]):
        xd = X[:, d]
        q = np.nanquantile(xd, seq)
        stats = []
        for s in range(slices):
            sel = np.sort(y[(xd >= q[s]) & (xd < q[s + 1])])
            if len(sel) == 0:
                continue
            f_sel = np.searchsorted(sel, ys, side="right") / len(sel)
            stats.append(np.max(np.abs(f_sel - f_all)))
        if stats:
            out[d] = float(np.median(stats))
    return out


def _point(method: str, problem: dict, X: np.ndarray, y: np.ndarray, *, num_levels: int, slices: int,
           seed: int | None, num_resamples: int, conf_level: float = 0.95) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Indices -> (values, SALib/bootstrap half-widths) for one vector of outputs."""
    k = problem["num_vars"]
    nan = np.full(k, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "morris":
            res = morris_analyze.analyze(problem, X, y, num_resamples=max(num_resamples, 2),
                                         conf_level=conf_level, num_levels=num_levels, seed=seed)
            return {"mu_star": (np.asarray(res["mu_star"], float), np.asarray(res["mu_star_conf"], float)),
                    "sigma": (np.asarray(res["sigma"], float), nan),
                    "mu": (np.asarray(res["mu"], float), nan)}
        if method == "sobol":
            if np.var(y) <= 0:
                zero = np.zeros(k)
                return {"S1": (zero, zero), "ST": (zero, zero)}
            res = sobol_analyze.analyze(problem, y, calc_second_order=False, num_resamples=max(num_resamples, 2),
                                        conf_level=conf_level, seed=seed)
            return {"S1": (np.asarray(res["S1"], float), np.asarray(res["S1_conf"], float)),
                    "ST": (np.asarray(res["ST"], float), np.asarray(res["ST_conf"], float))}
        if method == "pawn":
            # A dummy column (uniform, independent of y) gives the level reached by chance.
            rng = np.random.default_rng(None if seed is None else seed + 7919)
            Xd = np.column_stack([X, rng.random(len(y))])
            value = pawn_median(Xd, y, slices)
            conf = np.full(k + 1, np.nan)
            if num_resamples > 1:
                boots = np.empty((num_resamples, k + 1))
                for b in range(num_resamples):
                    idx = rng.integers(len(y), size=len(y))
                    boots[b] = pawn_median(Xd[idx], y[idx], slices)
                conf = Z95 * np.nanstd(boots, axis=0, ddof=1)
            return {"pawn": (value[:k], conf[:k]), "pawn_null": (np.full(k, value[k]), np.full(k, conf[k]))}
    raise ValueError(method)


# ------------------------------------------------------------------------------ analysis


def analyse_output(output: str, method: str, problem: dict, X: np.ndarray, Y: np.ndarray, *,
                   num_levels: int = 4, slices: int = 10, seed: int = 0, num_resamples: int = 200,
                   replicate_resamples: int = 40, factor_info: dict | None = None) -> OutputAnalysis:
    """Indices, CIs, convergence and rankability for one output.

    Args:
        X: the SALib design (points x factors), unrounded.
        Y: outputs, shape (points, replicates); NaN for failed runs.
    """
    k = problem["num_vars"]
    Y = np.asarray(Y, dtype=float).reshape(len(X), -1)
    R = Y.shape[1]
    ybar = replicate_means(Y)
    rows = _usable_rows(method, k, ybar)
    notes: list[str] = []
    dropped = int((~rows).sum())
    if dropped:
        notes.append(f"{dropped} of {len(rows)} design points dropped (failed runs in their "
                     f"{'trajectory' if method == 'morris' else 'block' if method == 'sobol' else 'row'})")
    Xu, yu, Yu = X[rows], ybar[rows], Y[rows]
    min_units = 2 if method != "pawn" else 2 * slices
    if len(yu) < min_units * points_per_sample(method, k):
        raise ValueError(f"{output}: too few complete design points to analyse ({len(yu)})")
    opts = {"num_levels": num_levels, "slices": slices, "seed": seed}
    full = _point(method, problem, Xu, yu, num_resamples=num_resamples, **opts)

    # Replicate bootstrap: resample replicate numbers (the same at every point: CRN kept).
    rep_conf = {name: np.zeros(k) for name in full}
    if R > 1 and replicate_resamples > 1:
        rng = np.random.default_rng(seed + 104729)
        draws = {name: [] for name in full}
        for _ in range(replicate_resamples):
            cols = rng.integers(R, size=R)
            yb = replicate_means(Yu[:, cols])
            if not np.isfinite(yb).all():
                continue
            est = _point(method, problem, Xu, yb, num_resamples=0, **opts)
            for name, (v, _) in est.items():
                draws[name].append(v)
        for name, vals in draws.items():
            if len(vals) > 1:
                rep_conf[name] = Z95 * np.std(np.array(vals), axis=0, ddof=1)

    # Convergence: the first half of the samples against all of them.
    half_rows = first_half(method, k, len(yu))
    half = None
    if half_rows >= min_units * points_per_sample(method, k):
        half = _point(method, problem, Xu[:half_rows], yu[:half_rows], num_resamples=0, **opts)

    names = problem["names"]
    info = factor_info or {}
    records = []
    for index, (value, conf_s) in full.items():
        conf_r = rep_conf[index]
        conf = np.sqrt(np.nan_to_num(conf_s) ** 2 + conf_r ** 2)
        conf = np.where(np.isnan(conf_s), np.nan, conf)  # no sample CI (sigma, mu): none reported
        for j, name in enumerate(names):
            f = info.get(name, {})
            records.append({
                "output": output, "method": method, "factor": name, "label": f.get("label", name),
                "zh": f.get("zh", ""), "kind": f.get("kind", "factor"), "index": index,
                "value": float(value[j]), "conf_sample": float(conf_s[j]), "conf_replicate": float(conf_r[j]),
                "conf": float(conf[j]), "low": float(value[j] - conf[j]), "high": float(value[j] + conf[j]),
                "value_first_half": float(half[index][0][j]) if half else np.nan})
    table = pd.DataFrame.from_records(records)
    main = MAIN_INDEX[method]
    m = table[table["index"] == main].sort_values("value", ascending=False)
    rank = {f: i + 1 for i, f in enumerate(m["factor"])}
    table["rank"] = [rank[f] if ix == main else np.nan for f, ix in zip(table.factor, table["index"], strict=True)]

    floor = morris_noise_floor(Yu, num_levels) if method == "morris" else np.nan
    summary, warn = _judge(method, m, table, yu, half is not None, floor)
    summary.update({"output": output, "method": method, "points": len(X), "points_used": int(rows.sum()),
                    "replicates": R, "runs": int(Y.size), "failed_runs": int(np.isnan(Y).sum()),
                    "mean": float(np.nanmean(Y)) if np.isfinite(Y).any() else np.nan,
                    "sd": float(np.nanstd(Y, ddof=1)) if np.isfinite(Y).sum() > 1 else np.nan})
    return OutputAnalysis(output, method, table, summary, notes + warn)


def morris_noise_floor(Y: np.ndarray, num_levels: int) -> float:
    """The mu* a factor with no effect gets from the seed alone.

    An elementary effect of replicate means is (mean_j - mean_i) / delta; for a dead factor the
    difference is the point-specific seed noise of two means, N(0, 2 s2_e / R), so
    E|EE| = sqrt(2/pi) sqrt(2 s2_e / R) / delta, with s2_e the own-seed variance
    (experiments.sensitivity.noise) and delta = num_levels / (2 (num_levels - 1)).
    """
    from experiments.sensitivity.noise import decompose

    R = Y.shape[1]
    s2_e = decompose(Y)["var_own_seed"]
    if R < 2 or not np.isfinite(s2_e):
        return float("nan")
    delta = num_levels / (2.0 * (num_levels - 1))
    return float(np.sqrt(2.0 / np.pi) * np.sqrt(2.0 * s2_e / R) / delta)


def influential(method: str, main: pd.DataFrame, noise_floor: float = float("nan")) -> pd.DataFrame:
    """Rows of the main index (sorted) whose effect is distinguishable from none.

    Morris: mu* at least a tenth of the largest, its CI above 5% of the largest and above the
    seed-noise floor (``morris_noise_floor``); Sobol': ST >= 0.02 with its CI above 0; PAWN: the
    CI above the dummy factor's level.
    """
    if method == "morris":
        top = main["value"].max()
        bar = max(0.05 * top, noise_floor if np.isfinite(noise_floor) else 0.0)
        keep = (main["low"] > bar) & (main["value"] >= 0.1 * top) if top > 0 else main["value"] > 1e300
    elif method == "sobol":
        keep = (main["low"] > 0.0) & (main["value"] >= 0.02)
    else:
        keep = main["low"] > main["null_high"]
    return main[keep]


def _judge(method: str, m: pd.DataFrame, table: pd.DataFrame, y: np.ndarray,
           have_half: bool, noise_floor: float = float("nan")) -> tuple[dict, list[str]]:
    """Convergence, rankability and the influential factors, with warnings in plain words."""
    warn: list[str] = []
    summary: dict = {}
    if method == "morris":
        summary["mu_star_noise_floor"] = noise_floor
    constant = bool(np.nanmax(y) - np.nanmin(y) <= 1e-12 * max(1.0, abs(float(np.nanmax(y)))))
    summary["constant"] = constant
    if method == "pawn":
        null = table[table["index"] == "pawn_null"].iloc[0]
        summary["pawn_null"] = float(null["value"])
        m = m.assign(null_high=float(null["value"] + (0 if np.isnan(null["conf"]) else null["conf"])))
    if constant:
        warn.append("the output does not vary over the design: no factor can be ranked "
                    "(choose a larger scale or a more frequent outcome)")
        summary.update(top_factors="", influential=0, rankable=False, converged=np.nan,
                       convergence_max_diff=np.nan, top_same_half=np.nan)
        return summary, warn
    infl = influential(method, m, noise_floor)
    summary["influential"] = len(infl)
    summary["top_factors"] = ";".join(infl["factor"].head(3))
    # Rankability: is the top factor's CI clear of the second's?
    if len(m) >= 2:
        a, b = m.iloc[0], m.iloc[1]
        summary["rankable"] = bool(a["low"] > b["high"])
        n_sep = 0
        for i in range(min(3, len(m) - 1)):
            if m.iloc[i]["low"] > m.iloc[i + 1]["high"]:
                n_sep += 1
            else:
                break
        summary["separated_leading"] = n_sep
        if not summary["rankable"]:
            warn.append(f"CIs too wide to rank factors: {a['factor']} and {b['factor']} overlap "
                        f"({a['value']:.3g}±{a['conf']:.2g} vs {b['value']:.3g}±{b['conf']:.2g}); "
                        "increase --samples (and --replicates if the noise share is high)")
        wide = m[(m["conf"] > 0.5 * np.abs(m["value"])) & (m["value"] >= 0.1 * m["value"].max())]
        if len(wide) and summary["rankable"]:
            warn.append(f"wide CIs (more than half the estimate) for {', '.join(wide['factor'].head(5))}")
    else:
        summary["rankable"] = True
    # Convergence.
    if have_half:
        v_all, v_half = m["value"].to_numpy(), m["value_first_half"].to_numpy()
        scale = max(float(np.nanmax(np.abs(v_all))), 1e-300) if method == "morris" else 1.0
        diff = float(np.nanmax(np.abs(v_all - v_half))) / scale
        if method == "sobol":
            s1 = table[table["index"] == "S1"]
            diff = max(diff, float(np.nanmax(np.abs(s1["value"] - s1["value_first_half"]))))
        top_same = bool(m.sort_values("value_first_half", ascending=False)["factor"].iloc[0] == m["factor"].iloc[0])
        summary["convergence_max_diff"] = diff
        summary["top_same_half"] = top_same
        summary["converged"] = bool(diff <= 0.1 and top_same)
        if not summary["converged"]:
            what = "normalised mu*" if method == "morris" else "indices"
            warn.append(f"not converged: {what} from the first half of the samples differ from all by up to "
                        f"{diff:.2f}" + ("" if top_same else " and the top factor changes") +
                        "; increase --samples")
    else:
        summary.update(convergence_max_diff=np.nan, top_same_half=np.nan, converged=np.nan)
        warn.append("too few samples for the convergence check (needs two halves)")
    if method == "sobol":
        st = m["value"].to_numpy()
        s1 = table[table["index"] == "S1"].set_index("factor").loc[m["factor"], "value"].to_numpy()
        if (s1 < -0.05).any() or (st < -0.05).any():
            warn.append("negative Sobol' estimates below -0.05: estimation noise; increase --samples")
    return summary, warn
