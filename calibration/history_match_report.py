"""What history matching leaves, written down: tables, validation figures, the recovery check.

Outputs (in the calibration's output folder)::

    history_matching.csv              per wave and fitted target: runs, runs the emulator was fitted
                                      to, emulator validation (share within 3 sd, R^2), NROY volume
    history_matching_runs.parquet     every wave's runs: parameters, figures, implausibility
    recovery.csv                      the synthetic recovery check (calibration.history_match)
    figures/emulator_validation.png   cross-validated emulator predictions against runs, last wave
    figures/nroy.png                  the non-implausible region per wave, one panel per parameter
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from calibration.history_match import HistoryMatch, from_unit, recovery_check, recovery_coverage
from sim import params
from sim.outputs import atomic_write


def hm_samples(hm: HistoryMatch) -> tuple[pd.DataFrame, np.ndarray]:
    """The last wave's runs that every wave leaves in: parameters (equal weights) and components.

    When no run is left in (the record is out of the model's reach), the tenth of runs with the
    smallest implausibility stand in, and their ``distance`` (the implausibility) says how far.
    """
    last = hm.waves[-1]
    imp = hm.implausibility(last.X)
    keep = imp <= hm.cutoff
    if not keep.any():
        keep = imp <= np.quantile(imp, 0.1)
    rows = []
    for x, i in zip(last.X[keep], imp[keep], strict=True):
        rows.append({**from_unit(hm.free, x), "weight": 1.0, "distance": float(i)})
    samples = pd.DataFrame(rows)
    samples["weight"] /= samples["weight"].sum()
    return samples, last.components[keep]


def _csv(path: Path, frame: pd.DataFrame) -> None:
    atomic_write(path, lambda p: frame.to_csv(p, index=False))


def write_history_matching(hm: HistoryMatch, out: Path, spec, log=print) -> dict:
    """Write the files in the module docstring; return the summary's ``history-matching`` entry."""
    out = Path(out)
    rows = []
    for w in hm.waves:
        for em, v in zip(w.emulators, w.validation, strict=True):
            rows.append({"wave": w.index, "target": em.target.name, "runs": w.runs, "emulator_runs": len(w.X),
                         "within_3sd": v["within_3sd"], "r2": v["r2"], "nroy_fraction": w.nroy_fraction,
                         "cutoff": hm.cutoff, "kernel": em.kernel_text()})
    _csv(out / "history_matching.csv", pd.DataFrame(rows))
    run_rows = []
    for w in hm.waves:
        imp = hm.implausibility(w.X)
        for x, vals, i in zip(w.X, w.values, imp, strict=True):
            run_rows.append({"wave": w.index, **from_unit(hm.free, x),
                             **{t.name: float(v) for t, v in zip(hm.fit_targets, vals, strict=True)},
                             "implausibility": float(i)})
    frame = pd.DataFrame(run_rows)
    atomic_write(out / "history_matching_runs.parquet", lambda p: frame.to_parquet(p, index=False))
    recovery = recovery_check(hm, spec.history_matching.recovery_points, seed=spec.seed)
    if recovery:
        _csv(out / "recovery.csv", pd.DataFrame(recovery))
    validation_figure(hm, out / "figures" / "emulator_validation.png")
    nroy_figure(hm, out / "figures" / "nroy.png")
    cover = recovery_coverage(recovery) if recovery else None
    info = {
        "cutoff": hm.cutoff,
        "waves": [{"wave": w.index, "runs": w.runs, "emulator_runs": int(len(w.X)),
                   "nroy_fraction": w.nroy_fraction, "seconds": round(w.seconds, 1),
                   "validation": {em.target.name: {"within_3sd": round(v["within_3sd"], 3), "r2": round(v["r2"], 3)}
                                  for em, v in zip(w.emulators, w.validation, strict=True)}}
                  for w in hm.waves],
        "nroy_fraction": hm.waves[-1].nroy_fraction,
        "nroy_bounds": {k: [float(a), float(b)] for k, (a, b) in hm.bounds().items()},
        "recovery_coverage_90": cover,
        "recovery_cases": len({r["case"] for r in recovery}),
        "recovery_values": sum(1 for r in recovery if r["interior"]),
    }
    if cover is not None:
        log(f"history-matching: recovery check: {cover:.0%} of {info['recovery_values']} true values (not on a "
            f"prior's edge) inside the 90% intervals ({info['recovery_cases']} model-generated data sets)")
    return info


def validation_figure(hm: HistoryMatch, path: Path) -> Path:
    """Cross-validated predictions (mean +- 3 sd) against the runs, per target, last wave."""
    import matplotlib.pyplot as plt

    from sim.figures import label, save_figure, setup_fonts

    setup_fonts()
    w = hm.waves[-1]
    n = len(w.validation)
    cols = min(4, n)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 3.2 * rows), squeeze=False)
    for k, (em, v) in enumerate(zip(w.emulators, w.validation, strict=True)):
        ax = axes[k // cols][k % cols]
        a, p, s = v["actual"], v["predicted"], v["sd"]
        ax.errorbar(a, p, yerr=3 * s, fmt="o", ms=3, color="#3b6ea8", ecolor="#9db7d5", elinewidth=0.8)
        lo, hi = float(min(a.min(), (p - 3 * s).min())), float(max(a.max(), (p + 3 * s).max()))
        ax.plot([lo, hi], [lo, hi], color="#555", lw=0.8)
        ax.axvline(em.target.value, color="#d62728", lw=1, ls="--")
        ax.set_title(f"{em.target.name}\n{label('within 3 sd', '3倍标准差内')} {v['within_3sd']:.0%}, "
                     f"R² {v['r2']:.2f}", fontsize=8)
        ax.tick_params(labelsize=7)
        if k % cols == 0:
            ax.set_ylabel(label("emulator (left-out)", "模拟器预测(留出)"), fontsize=8)
        ax.set_xlabel(label("model run", "模型运行"), fontsize=8)
    for k in range(n, rows * cols):
        axes[k // cols][k % cols].axis("off")
    fig.suptitle(label(f"Emulator validation, wave {w.index}: 5-fold predictions ± 3 sd against runs; "
                       "red = the record",
                       f"第{w.index}轮模拟器检验：五折交叉预测±3倍标准差与模型运行对比，红线为实际数据"), fontsize=9)
    fig.tight_layout()
    return save_figure(fig, path)


def nroy_figure(hm: HistoryMatch, path: Path) -> Path:
    """Per parameter: the share of the prior left after each wave (marginal histograms)."""
    import matplotlib.pyplot as plt

    from sim.figures import label, save_figure, setup_fonts

    setup_fonts()
    d = len(hm.free)
    cols = min(4, d)
    rows = int(np.ceil(d / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 2.8 * rows), squeeze=False)
    ref = hm.reference
    bins = np.linspace(0, 1, 21)
    colours = ["#c6dbef", "#6baed6", "#2171b5", "#08306b", "#000000"]
    for k, p in enumerate(hm.free):
        ax = axes[k // cols][k % cols]
        ax.hist(ref[:, k], bins=bins, color="#eeeeee", label=label("prior", "先验"))
        for i, w in enumerate(hm.waves):
            keep = ref[w.reference_implausibility <= hm.cutoff]
            ax.hist(keep[:, k], bins=bins, color=colours[min(i, len(colours) - 1)],
                    label=label(f"after wave {i + 1}", f"第{i + 1}轮后"))
        ticks = [0, 0.5, 1]
        vals = [from_unit([p], np.array([t]))[p.name] for t in ticks]
        ax.set_xticks(ticks, [f"{v:.3g}" for v in vals], fontsize=7)
        ax.tick_params(axis="y", labelsize=7)
        decl = params.BY_NAME[p.name]
        ax.set_title(f"{p.name}\n{decl.zh}", fontsize=8)
    for k in range(d, rows * cols):
        axes[k // cols][k % cols].axis("off")
    axes[0][0].legend(frameon=False, fontsize=6)
    fig.suptitle(label(f"Non-implausible region per wave (cut-off {hm.cutoff:g}): counts of a uniform prior sample "
                       f"left in; {hm.waves[-1].nroy_fraction:.1%} of the prior box remains",
                       f"各轮后未被排除的参数区域(截断值{hm.cutoff:g})：剩余先验体积"
                       f"{hm.waves[-1].nroy_fraction:.1%}"), fontsize=9)
    fig.tight_layout()
    return save_figure(fig, path)
