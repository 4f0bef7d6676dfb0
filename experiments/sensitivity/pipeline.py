"""``run_sensitivity``: sample, run through the experiments runner, analyse, report."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np

from experiments.sensitivity import sampling
from experiments.sensitivity.analysis import OutputAnalysis, analyse_output
from experiments.sensitivity.evaluate import collect, run_design
from experiments.sensitivity.noise import decompose
from experiments.sensitivity.problem import salib_problem
from experiments.sensitivity.report import _atomic_csv, write_report
from experiments.sensitivity.spec import SensitivitySpec

STORE = "store"   # the runner's experiment folder inside the output folder (its chunks: store/runs/)
LEGACY_STORE = "runs"  # the folder's name before: out/runs/runs/*.parquet


class SensitivityError(RuntimeError):
    """Too many runs failed to analyse anything (the batch report says which and why)."""

    def __init__(self, message: str, batch):
        super().__init__(message)
        self.batch = batch


@dataclass
class SensitivityResult:
    spec: SensitivitySpec
    out: Path
    X: np.ndarray
    Y: np.ndarray                         # (points, replicates, outputs)
    analyses: list[OutputAnalysis] = field(default_factory=list)
    batch: object = None
    files: list[Path] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    elapsed_s: float = 0.0

    def analysis(self, output: str) -> OutputAnalysis:
        return next(a for a in self.analyses if a.output == output)

    def index(self, output: str, factor: str, index: str) -> dict:
        """One row of the tidy index table as a dict (value, conf, low, high, ...)."""
        t = self.analysis(output).table
        return t[(t["factor"] == factor) & (t["index"] == index)].iloc[0].to_dict()


def _move_legacy_store(out: Path) -> None:
    """An output folder made before the store was called ``store/`` (``runs/runs/``): rename it."""
    legacy, store = out / LEGACY_STORE, out / STORE
    if (legacy / "manifest.json").exists() and (legacy / "runs").is_dir() and not store.exists():
        legacy.rename(store)
        sys.stderr.write(f"note: moved the run store {legacy} to {store}\n")


def design(spec: SensitivitySpec) -> tuple[dict, np.ndarray]:
    """SALib problem and the seeded design of a spec."""
    problem = salib_problem(spec.factors)
    return problem, sampling.sample(spec.method, problem, spec.samples, spec.seed, spec.num_levels)


def run_sensitivity(spec: SensitivitySpec, out: str | Path, *, workers: int | None = None,
                    scheduler: str | None = None, quiet: bool = False, num_resamples: int = 200,
                    replicate_resamples: int = 40) -> SensitivityResult:
    """Run (or resume) a sensitivity analysis and write its outputs to ``out``."""
    started = time.perf_counter()
    out = Path(out)
    _move_legacy_store(out)
    problem, X = design(spec)
    outputs = spec.all_outputs()
    meta_design = {"method": spec.method, "samples": spec.samples, "sample_seed": spec.seed,
                   "points": len(X), "replicates": spec.replicates, "salib": metadata.version("SALib"),
                   "factors": [f.name for f in spec.factors]}
    specs, batch = run_design(spec, X, out / STORE, workers=workers, scheduler=scheduler, quiet=quiet,
                              manifest_extra={"sensitivity": spec.describe(), "design": meta_design})
    Y, _ = collect(specs, out / STORE, len(X), spec.replicates, outputs)
    info = {f.name: {"label": f.label or f.name, "zh": f.zh, "kind": f.kind} for f in spec.factors}
    if not np.isfinite(Y).any():
        raise SensitivityError(f"no run of the design succeeded ({len(batch.failed)} failed in this batch); "
                                f"see the errors with: safegov results {out / STORE}", batch)
    analyses, skipped = [], []
    for j, name in enumerate(outputs):
        try:
            a = analyse_output(name, spec.method, problem, X, Y[:, :, j], num_levels=spec.num_levels,
                           slices=spec.slices, seed=spec.seed % (2**31), num_resamples=num_resamples,
                           replicate_resamples=replicate_resamples, factor_info=info)
        except ValueError as exc:  # too few complete design points for this output
            skipped.append(str(exc))
            continue
        noise = decompose(Y[:, :, j])
        a.summary.update({k: v for k, v in noise.items() if k != "replicates"})
        for k in ("noise_share_runs", "noise_share_means"):   # next to the indices in indices.csv
            a.table[k] = noise[k]
        share, need = noise["noise_share_means"], noise["replicates_for_5pct"]
        if spec.replicates > 1 and np.isfinite(share) and share > 0.2 and not a.summary.get("constant"):
            advice = (f"use more replicates (about {need} for 5%)" if np.isfinite(need) else
                      "the factors' effect is not detectable above the seed noise at this scale")
            a.warnings.append(f"{100 * share:.0f}% of the variance of the replicate means is still seed noise; "
                              + advice)
        analyses.append(a)
    if not analyses:
        failed = int(np.isnan(Y[:, :, 0]).sum())
        raise SensitivityError(f"no output could be analysed: too few complete trajectories/blocks ({failed} of "
                               f"{Y[:, :, 0].size} runs failed); see: safegov results {out / STORE}", batch)
    out.mkdir(parents=True, exist_ok=True)
    import pandas as pd

    d = pd.DataFrame(X, columns=[f.name for f in spec.factors])
    d.insert(0, "design_point", np.arange(len(X)))
    _atomic_csv(out / "design.csv", d)
    meta = {**meta_design, "runs": int(Y[:, :, 0].size) if len(outputs) else 0,
            "failed": int(len(batch.failed)), "done_now": len(batch.done), "resumed": len(batch.skipped),
            "executor": batch.executor, "command": sys.argv, "store": str(out / STORE),
            "skipped_outputs": skipped}
    failed_total = int(np.isnan(Y[:, :, 0]).sum()) if len(outputs) else 0
    meta["failed"] = failed_total
    result = SensitivityResult(spec, out, X, Y, analyses, batch, meta=meta)
    result.files = [*write_report(out, spec, analyses, meta), out / "design.csv"]
    result.elapsed_s = time.perf_counter() - started
    return result
