"""Evaluate a design: every (design point, replicate) as a RunSpec through ``experiments.runner``.

Replicate r of every design point runs with the same (seed, r) (common random numbers), so a
difference between two points is due to their factors, not to different draws. The runner gives
progress, resume (runs already in the store are skipped), Dask and failure handling; this
module only builds the specs and reads the outcomes back as a (points, replicates, outputs)
array, NaN where a run failed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.runner import BatchReport, run_batch
from experiments.sensitivity.problem import model_values
from experiments.sensitivity.spec import SensitivitySpec
from experiments.spec import RunSpec
from experiments.store import Store
from sim import params


def _overrides(values: dict[str, float]) -> tuple[tuple[str, float | int], ...]:
    """Sorted (name, value) pairs; whole-number parameters as int.

    Adapter: ``RunSpec.make`` turns every value into a float, which the scenario validation
    rejects for a whole-number parameter (``blacklist_months``). The run id hashes values as
    floats either way, so an int here gives the same run id as ``RunSpec.make`` would.
    """
    out = []
    for name, v in sorted(values.items()):
        p = params.BY_NAME.get(name)
        out.append((name, int(round(v)) if p is not None and p.integer else float(v)))
    return tuple(out)


def design_specs(spec: SensitivitySpec, X: np.ndarray) -> list[RunSpec]:
    """RunSpecs for every design row and replicate (point-major order)."""
    setup = RunSpec.make(spec.scenario, {}, spec.setup).setup
    specs = []
    for i, x in enumerate(X):
        values = _overrides({**spec.fixed, **model_values(spec.factors, x)})
        for r in range(spec.replicates):
            specs.append(RunSpec(spec.scenario, values, setup, seed=spec.seed, replicate=r, model=spec.model,
                                 design_point=i, label=f"{spec.method}-{i}"))
    return specs


def run_design(spec: SensitivitySpec, X: np.ndarray, store_dir: Path, *, workers: int | None = None,
               scheduler: str | None = None, quiet: bool = False,
               manifest_extra: dict | None = None) -> tuple[list[RunSpec], BatchReport]:
    """Run (or resume) every run of the design in ``store_dir``."""
    specs = design_specs(spec, X)
    report = run_batch(specs, store_dir, workers=workers, scheduler=scheduler, quiet=quiet,
                       manifest_extra={"kind": "sensitivity", **(manifest_extra or {})},
                       series=False, desc=f"{spec.method} runs")
    return specs, report


def collect(specs: list[RunSpec], store_dir: Path, n_points: int, replicates: int,
            outputs: tuple[str, ...]) -> tuple[np.ndarray, pd.DataFrame]:
    """Outcomes as Y[point, replicate, output] (NaN = failed or missing) and the raw rows.

    Only the runs of ``specs`` are read (the store may hold runs of other designs).
    """
    wanted = {s.run_id: (s.design_point, s.replicate) for s in specs}
    df = Store(store_dir).outcomes()
    df = df[df["run_id"].isin(wanted)] if len(df) else df
    Y = np.full((n_points, replicates, len(outputs)), np.nan)
    if not len(df):
        return Y, df
    missing = [o for o in outputs if o not in df.columns]
    if missing:
        from sim.errors import InputError

        raise InputError("outputs", None, f"the model returned no output named {', '.join(map(repr, missing))}; "
                         f"it returns: {', '.join(c for c in df.columns if c not in _META)}")
    points = df["design_point"].to_numpy(dtype=int)
    reps = df["replicate"].to_numpy(dtype=int)
    Y[points, reps, :] = df[list(outputs)].to_numpy(dtype=float)
    return Y, df


_META = ("run_id", "design_point", "label", "replicate", "seed")
