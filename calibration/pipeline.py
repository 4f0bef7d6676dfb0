"""``safegov calibrate``: fit, predict, check held-out years, write outputs and a scenario.

Outputs in the output folder::

    targets.csv                 every target: figure, observation model, confidence, source,
                                assumption, fitted or held out
    posterior_<method>.parquet  posterior samples (abc-smc: final population with weights;
                                point: draws from the Laplace approximation)
    parameters.csv              per method and parameter: prior, estimate, median, 90% interval
    predictive.csv              per method and target: observed, model median, 90% predictive
                                interval (with observation noise), covered, held out
    figures/predictive_<method>.png   posterior predictive of each target against the figure
    figures/posterior.png       marginal posteriors of the free parameters
    summary.json                methods, runs, epsilons, held-out coverage, scenario written
    report.md                   the same, readable
    store/                      the runner's stores (abc/, point/, predictive/): resumable
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from calibration.abc import run_abc, weighted_quantile
from calibration.history_match import run_history_matching
from calibration.history_match_report import hm_samples, write_history_matching
from calibration.likelihood import distance, draw_observation, predicted
from calibration.simulate import Simulator
from calibration.spec import CalibrationSpec
from calibration.targets import Target
from sim import params
from sim.outputs import atomic_text, atomic_write
from sim.provenance import git_commit

#: The order methods run in (history matching first: ABC-SMC samples inside its region).
METHOD_ORDER = ("history-matching", "abc-smc", "point")
#: Which method's values the written scenario takes when several ran.
SCENARIO_PREFERENCE = ("abc-smc", "point", "history-matching")


def _atomic_text(path: Path, text: str) -> None:
    atomic_text(path, text)


def _atomic_parquet(path: Path, frame: pd.DataFrame) -> None:
    atomic_write(path, lambda p: frame.to_parquet(p, index=False))


def _atomic_csv(path: Path, frame: pd.DataFrame) -> None:
    atomic_write(path, lambda p: frame.to_csv(p, index=False))


def targets_table(spec: CalibrationSpec) -> pd.DataFrame:
    held = {t.name for t in spec.heldout_targets}
    rows = []
    for t in spec.targets:
        d = t.to_dict()
        d["held_out"] = t.name in held
        rows.append(d)
    return pd.DataFrame(rows)


def predictive_table(targets: list[Target], comps: np.ndarray, weights: np.ndarray, held: set[str], method: str,
                     seed: int, draws_per_particle: int = 20) -> pd.DataFrame:
    """Posterior predictive per target: model median and 90% interval of the figure."""
    rng = np.random.default_rng(seed)
    weights = np.asarray(weights, dtype=float) / np.sum(weights)
    rows = []
    for i, t in enumerate(targets):
        model = np.array([predicted(t, c[i]) for c in comps])
        ys, ws = [], []
        for c, w in zip(comps, weights, strict=True):
            for _ in range(draws_per_particle):
                ys.append(draw_observation(t, c[i], rng))
                ws.append(w)
        ys, ws = np.array(ys), np.array(ws)
        q05, q50, q95 = weighted_quantile(ys, ws, [0.05, 0.5, 0.95])
        rows.append({"method": method, "target": t.name, "observation": t.observation, "scope": t.scope,
                     "period": t.period, "observed": t.value,
                     "model_median": float(weighted_quantile(model, weights, 0.5)[0]),
                     "model_q05": float(weighted_quantile(model, weights, 0.05)[0]),
                     "model_q95": float(weighted_quantile(model, weights, 0.95)[0]),
                     "predictive_q05": float(q05), "predictive_median": float(q50), "predictive_q95": float(q95),
                     "covered": bool(q05 <= t.value <= q95), "held_out": t.name in held})
    return pd.DataFrame(rows)


def parameters_table(spec: CalibrationSpec, method: str, samples: pd.DataFrame, estimate: dict | None) -> pd.DataFrame:
    rows = []
    w = samples["weight"].to_numpy()
    for p in spec.free:
        q05, q50, q95 = weighted_quantile(samples[p.name].to_numpy(), w, [0.05, 0.5, 0.95])
        decl = params.BY_NAME[p.name]
        rows.append({"method": method, "parameter": p.name, "label": decl.label, "zh": decl.zh, "unit": decl.unit,
                     "prior": p.prior, "prior_low": p.low, "prior_high": p.high, "default": decl.default,
                     "estimate": float(estimate[p.name]) if estimate else float(q50),
                     "median": float(q50), "q05": float(q05), "q95": float(q95)})
    return pd.DataFrame(rows)


def predictive_figure(table: pd.DataFrame, targets: list[Target], comps: np.ndarray, weights: np.ndarray,
                      path: Path, method: str, seed: int) -> Path:
    """One panel per target: the predictive distribution of the figure, and the figure."""
    import matplotlib.pyplot as plt

    from sim.figures import _save, label, setup_fonts

    setup_fonts()
    n = len(targets)
    cols = min(4, n)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.2 * rows), squeeze=False)
    rng = np.random.default_rng(seed)
    weights = np.asarray(weights, dtype=float) / np.sum(weights)
    for k, t in enumerate(targets):
        ax = axes[k // cols][k % cols]
        idx = rng.choice(len(comps), size=min(4000, 40 * len(comps)), p=weights)
        ys = np.array([draw_observation(t, comps[j][k], rng) for j in idx])
        row = table[table.target == t.name].iloc[0]
        colour = "#d95f02" if row.held_out else "#1b9e77"
        ax.hist(ys, bins=30, color=colour, alpha=0.55, density=True)
        ax.axvspan(row.predictive_q05, row.predictive_q95, color=colour, alpha=0.12)
        ax.axvline(t.value, color="black", lw=2)
        kind = label("held out", "留出检验") if row.held_out else label("fitted", "拟合")
        ax.set_title(f"{t.name}\n{t.scope} {t.period} ({kind})", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_yticks([])
    for k in range(n, rows * cols):
        axes[k // cols][k % cols].axis("off")
    fig.suptitle(label(f"Posterior predictive vs data ({method}); black line = figure, band = 90%",
                       f"后验预测与数据对比({method});黑线为统计数据,阴影为90%区间"), fontsize=10)
    fig.tight_layout()
    return _save(fig, path)


def posterior_figure(spec: CalibrationSpec, samples: dict[str, pd.DataFrame], path: Path,
                     truth: dict | None = None) -> Path:
    import matplotlib.pyplot as plt

    from sim.figures import _save, label, setup_fonts

    setup_fonts()
    d = len(spec.free)
    fig, axes = plt.subplots(1, d, figsize=(4.2 * d, 3.2), squeeze=False)
    colours = {"history-matching": "#bbbbbb", "abc-smc": "#7570b3", "point": "#e7298a"}
    for i, p in enumerate(spec.free):
        ax = axes[0][i]
        for method, s in samples.items():
            ax.hist(s[p.name], weights=s["weight"], bins=30, density=True, alpha=0.5, color=colours.get(method),
                    label=method)
        decl = params.BY_NAME[p.name]
        ax.axvline(decl.default, color="#555", ls=":", label=label("declared default", "默认值"))
        if truth and p.name in truth:
            ax.axvline(truth[p.name], color="black", lw=2, label=label("truth", "真值"))
        ax.set_xlim(p.low, p.high)
        ax.set_title(label(f"{decl.label} ({p.name})", decl.zh), fontsize=9)
        ax.set_yticks([])
    axes[0][0].legend(frameon=False, fontsize=7)
    fig.tight_layout()
    return _save(fig, path)


def write_scenario(spec: CalibrationSpec, values: dict[str, float], path: Path, method: str, note: str) -> Path:
    """A scenario file extending the calibrated scenario with the fitted behaviour (validated)."""
    from sim.scenario import load_scenario

    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    rel = os.path.relpath(spec.scenario_path, path.parent)
    behaviour = {**spec.fixed, **values}
    lines = [
        f"# Written by `safegov calibrate {spec.path.name}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        f"# Behaviour fitted by {method} to the targets in {spec.targets_path.name} ({note}).",
        "# The values are abc-smc's accepted particle closest to the record (with estimate_candidates, in",
        "# the mean of more runs), or the point estimate, or",
        "# history matching's medians; intervals are in the calibration output folder (parameters.csv).",
        "# Levers and schedules come from the parent file.",
        *([f"# Spec: {spec.raw.description}"] if spec.raw.description else []),
        f"# Scale fitted at: {spec.setup or 'the scenario setup'}; seed {spec.seed}.",
        f'extends = "{rel}"',
        f'name = "{path.stem}"',
        f'title = "Calibrated ({method})"',
        'title_zh = "校准后情景"',
        "",
        "[behaviour]",
    ]
    for name, value in behaviour.items():
        v = round(float(value), 6) if not params.BY_NAME[name].integer else int(round(value))
        lines.append(f"{name} = {v!r}")
    text = "\n".join(lines) + "\n"

    def write_checked(tmp: Path) -> None:  # the file is renamed into place only if it validates
        tmp.write_text(text, encoding="utf-8")
        load_scenario(tmp)

    return atomic_write(path, write_checked)


def calibrate(spec: CalibrationSpec, out: str | Path, *, workers: int | None = None, scheduler: str | None = None,
              quiet: bool = False, scenario_out: str | Path | None = None, methods: list[str] | None = None,
              truth: dict | None = None, log=print) -> dict:
    """Run every method of the spec; write the outputs described in the module docstring."""
    started = time.perf_counter()
    out = Path(out)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    methods = methods or spec.methods
    targets = spec.targets
    fit = [i for i, t in enumerate(targets) if t in spec.fit_targets]
    held = {t.name for t in spec.heldout_targets}
    _atomic_csv(out / "targets.csv", targets_table(spec))
    with _scheduler(scheduler, workers) as address:
        return _calibrate(spec, out, methods, fit, held, started, workers=workers, scheduler=address, quiet=quiet,
                          scenario_out=scenario_out, truth=truth, log=log)


@contextlib.contextmanager
def _scheduler(scheduler: str | None, workers: int | None):
    """``--scheduler local``: one Dask LocalCluster for the whole calibration.

    run_batch would start (and stop) a LocalCluster per batch, and a calibration makes many
    small batches; it is given the address of this one instead (a thin adapter, no change to
    experiments/).
    """
    if scheduler != "local":
        yield scheduler
        return
    import logging

    from distributed import LocalCluster

    from experiments.runner import THREAD_VARS, default_workers

    cluster = LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR, env={v: "1" for v in THREAD_VARS})
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def closest_particle(sim: Simulator, spec: CalibrationSpec, samples: pd.DataFrame, fit: list[int],
                     candidates: int, replicates: int) -> tuple[dict, dict]:
    """The accepted particle closest to the record, and how it was chosen.

    With ``candidates`` > 0, the that many particles of smallest ABC distance (one run each, so
    partly luck) are run again ``replicates`` times with common random numbers, and the one whose
    replicate means lie closest to the record (the ABC distance on the fitted targets) is taken.
    """
    order = samples.sort_values("distance")
    if candidates <= 0:
        best = order.iloc[0]
        return {p.name: float(best[p.name]) for p in spec.free}, {"candidates": 1, "replicates": 1,
                                                                  "distance": float(best["distance"])}
    top = order.head(candidates)
    thetas = [{p.name: float(row[p.name]) for p in spec.free} for _, row in top.iterrows()]
    comps = sim.run(thetas, replicates, crn=True, tag="estimate", store="estimate").mean(axis=1)
    fit_targets = [sim.targets[i] for i in fit]
    dists = [distance(fit_targets, c[fit]) for c in comps]
    k = int(np.argmin(dists))
    return thetas[k], {"candidates": len(thetas), "replicates": replicates, "distance": float(dists[k]),
                       "distances": [float(d) for d in dists], "abc_distances": [float(d) for d in top["distance"]],
                       "rank_in_abc": k + 1}


def _calibrate(spec, out, methods, fit, held, started, *, workers, scheduler, quiet, scenario_out, truth, log):
    targets = spec.targets
    sim = Simulator(targets, scenario=spec.scenario_path, setup=spec.setup, fixed=spec.fixed, seed=spec.seed,
                    store_dir=out / "store", workers=workers, scheduler=scheduler, quiet=quiet,
                    reference_enterprises=spec.reference_enterprises, runs=spec.also_runs)
    summary: dict = {"spec": str(spec.path), "targets": str(spec.targets_path), "scenario": str(spec.scenario_path),
                     "setup": spec.setup,
                     "also_runs": {k: {"scenario": str(path), "setup": stp}
                                   for k, (path, stp) in spec.also_runs.items()},
                     "seed": spec.seed, "free": [p.name for p in spec.free],
                     "fit_targets": [targets[i].name for i in fit], "heldout_targets": sorted(held),
                     "holdout_after": spec.holdout_after, "git": git_commit(),
                     "spec_text": spec.path.read_text(encoding="utf-8"), "methods": {}}
    samples_by_method: dict[str, pd.DataFrame] = {}
    tables, ptables = [], []
    chosen: dict[str, dict] = {}
    hm = None
    methods = sorted(methods, key=METHOD_ORDER.index)  # history matching first: ABC samples inside its region
    for method in methods:
        t0 = time.perf_counter()
        runs_before = sim.n_runs
        if method == "history-matching":
            o = spec.history_matching
            log(f"history-matching: {o.waves} waves of {o.runs} runs, cut-off {o.cutoff:g}")
            hm = run_history_matching(sim, spec.free, fit, waves=o.waves, runs=o.runs, replicates=o.replicates,
                                      cutoff=float(o.cutoff), candidates=o.candidates, seed=spec.seed, log=log)
            samples, comps = hm_samples(hm)
            weights = samples["weight"].to_numpy()
            estimate = None
            info = write_history_matching(hm, out, spec, log=log)
        elif method == "abc-smc":
            o = spec.abc
            log(f"abc-smc: population {o.population}, up to {o.generations} generations, {o.replicates} replicate(s)"
                + (" inside the non-implausible region" if hm is not None else ""))
            res = run_abc(sim, spec.free, fit, population=o.population, generations=o.generations,
                          replicates=o.replicates, min_epsilon=o.min_epsilon, max_simulations=o.max_simulations,
                          batch=o.batch, seed=spec.seed, db_dir=out, quiet=quiet,
                          region=hm.region if hm is not None else None,
                          region_pool=hm.pool(seed=spec.seed) if hm is not None else None)
            samples = res["samples"]
            comps, weights = res["components"], samples["weight"].to_numpy()
            # the point a scenario takes: the accepted particle closest to the record (marginal
            # medians of a correlated posterior need not fit jointly), judged on more replicates
            # than the one run each particle had (estimate_candidates)
            estimate, refined = closest_particle(sim, spec, samples, fit, o.estimate_candidates, o.estimate_replicates)
            info = {"generations": res["generations"], "epsilons": res["epsilons"],
                    "estimate_choice": refined,
                    "effective_sample_size": float(1.0 / np.sum(weights ** 2)),
                    "evaluations_per_generation": res["evaluations"], "simulations": res["simulations"],
                    "ruled_out_by_history_matching": res["ruled_out"]}
        else:
            o = spec.point
            log(f"point: Nelder-Mead on the CRN simulated likelihood, {o.replicates} replicates per value")
            from calibration.point import run_point

            res = run_point(sim, spec.free, fit, replicates=o.replicates, max_evaluations=o.max_evaluations,
                            starts=o.starts, seed=spec.seed)
            samples = res["samples"]
            estimate = res["estimate"]
            pick = samples.iloc[np.random.default_rng(spec.seed).choice(len(samples), o.predictive_draws,
                                                                         replace=False)]
            thetas = [{p.name: float(r[p.name]) for p in spec.free} for _, r in pick.iterrows()]
            comps = sim.run(thetas, o.predictive_replicates, crn=False, tag="point predictive",
                            store="predictive").mean(axis=1)
            weights = np.ones(len(comps))
            info = {"estimate": estimate, "evaluations": res["evaluations"], "converged": res["converged"],
                    "message": res["message"], "log_posterior_z": res["log_posterior_z"]}
        samples_by_method[method] = samples
        _atomic_parquet(out / f"posterior_{method}.parquet", samples)
        ptab = parameters_table(spec, method, samples, estimate)
        ptables.append(ptab)
        tab = predictive_table(targets, comps, weights, held, method, spec.seed)
        tables.append(tab)
        predictive_figure(tab, targets, comps, weights, out / "figures" / f"predictive_{method}.png", method, spec.seed)
        heldout = tab[tab.held_out]
        fitted = tab[~tab.held_out]
        info.update({
            "runs": sim.n_runs - runs_before, "seconds": round(time.perf_counter() - t0, 1),
            "parameters": {r.parameter: {"estimate": r.estimate, "median": r.median, "q05": r.q05, "q95": r.q95}
                           for r in ptab.itertuples()},
            "fit_coverage_90": float(fitted.covered.mean()) if len(fitted) else None,
            "heldout_coverage_90": float(heldout.covered.mean()) if len(heldout) else None,
            "heldout_covered": [r.target for r in heldout.itertuples() if r.covered],
            "heldout_missed": [r.target for r in heldout.itertuples() if not r.covered],
        })
        summary["methods"][method] = info
        chosen[method] = estimate if estimate is not None else {r.parameter: r.median for r in ptab.itertuples()}
        log(f"{method}: " + ", ".join(f"{r.parameter} {r.estimate:.4g} [{r.q05:.4g}, {r.q95:.4g}]"
                                      for r in ptab.itertuples())
            + (f"; held-out coverage {info['heldout_coverage_90']:.0%} of {len(heldout)}"
               if len(heldout) else ""))
    _atomic_csv(out / "parameters.csv", pd.concat(ptables, ignore_index=True))
    _atomic_csv(out / "predictive.csv", pd.concat(tables, ignore_index=True))
    posterior_figure(spec, samples_by_method, out / "figures" / "posterior.png", truth)
    scen_path = spec.output_scenario(scenario_out)
    note = (f"fitted on targets ending by {spec.holdout_after}" if spec.holdout_after is not None
            else "fitted on all targets")
    best = next(m for m in SCENARIO_PREFERENCE if m in chosen)  # the posterior of the last stage
    written = write_scenario(spec, chosen[best], scen_path, best, note)
    summary["scenario_written"] = str(written)
    summary["seconds"] = round(time.perf_counter() - started, 1)
    summary["model_runs"] = sim.n_runs
    _atomic_text(out / "summary.json", json.dumps(summary, indent=2, ensure_ascii=False, default=float) + "\n")
    _atomic_text(out / "report.md", _report(summary, pd.concat(ptables), pd.concat(tables)))
    return summary


def _report(summary: dict, ptab: pd.DataFrame, tab: pd.DataFrame) -> str:
    lines = ["# Calibration report\n", f"spec `{summary['spec']}`; targets `{summary['targets']}`; "
             f"{summary['model_runs']} model runs in {summary['seconds']} s.\n",
             f"Fitted targets: {len(summary['fit_targets'])}; held out (after {summary['holdout_after']}): "
             f"{len(summary['heldout_targets'])}.\n", "## Parameters (90% intervals)\n",
             "| method | parameter | estimate | 5% | 95% | prior |", "|---|---|---|---|---|---|"]
    for r in ptab.itertuples():
        lines.append(f"| {r.method} | {r.parameter} | {r.estimate:.4g} | {r.q05:.4g} | {r.q95:.4g} | "
                     f"{r.prior} [{r.prior_low:g}, {r.prior_high:g}] |")
    lines += ["", "## Targets: figure vs 90% posterior predictive interval\n",
              "| method | target | figure | model median | 90% predictive | covered | held out |",
              "|---|---|---|---|---|---|---|"]
    for r in tab.itertuples():
        lines.append(f"| {r.method} | {r.target} | {r.observed:.4g} | {r.model_median:.4g} | "
                     f"[{r.predictive_q05:.4g}, {r.predictive_q95:.4g}] | {'yes' if r.covered else 'no'} | "
                     f"{'yes' if r.held_out else ''} |")
    hm = summary["methods"].get("history-matching")
    if hm:
        lines += ["", "## History matching\n",
                  f"Implausibility cut-off {hm['cutoff']:g} (max over fitted targets). Per wave: runs, runs the "
                  "emulators were fitted to, non-implausible share of the prior box, and the worst emulator's "
                  "cross-validation (share of left-out runs within 3 sd; R²).\n",
                  "| wave | runs | emulator runs | non-implausible | worst within 3 sd | median R² |",
                  "|---|---|---|---|---|---|"]
        for w in hm["waves"]:
            v = w["validation"].values()
            lines.append(f"| {w['wave']} | {w['runs']} | {w['emulator_runs']} | {w['nroy_fraction']:.2%} | "
                         f"{min(x['within_3sd'] for x in v):.0%} | {np.median([x['r2'] for x in v]):.2f} |")
        if hm.get("recovery_coverage_90") is not None:
            lines.append(f"\nRecovery check: {hm['recovery_coverage_90']:.0%} of the true values of "
                         f"{hm['recovery_cases']} model-generated data sets inside their 90% intervals "
                         "(recovery.csv).")
    lines += ["", "## Held-out check\n"]
    for m, info in summary["methods"].items():
        cov = info.get("heldout_coverage_90")
        lines.append(f"- {m}: " + ("no held-out targets" if cov is None else
                                   f"{cov:.0%} of held-out figures inside the 90% predictive interval "
                                   f"(missed: {', '.join(info['heldout_missed']) or 'none'})"))
    lines.append(f"\nScenario written: `{summary['scenario_written']}`\n")
    return "\n".join(lines)
