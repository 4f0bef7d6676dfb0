"""Parameter values -> model components of every target, through the experiments runner.

Every model run goes through ``experiments.runner.run_batch`` (progress bar, a crash-safe
store that a rerun resumes, process pool or Dask). A set of parameter values is one batch of
``len(thetas) x replicates`` RunSpecs. Seeds:

- common random numbers (``crn=True``, the point estimate): every parameter value uses the same
  (seed, replicate r) for r = 0..R-1, so two nearby values differ only by what the parameter
  changes (the contract's CRN rule);
- fresh noise (``crn=False``, ABC): the root seed is a hash of the spec seed and the values, so
  every particle gets its own draws and a rerun after a crash asks for exactly the same runs.

A target with ``run`` set (``also_on`` in the targets file) is measured on another run of the
same parameter values, ``runs[run] = (scenario, setup)``: each parameter value then costs one
model run per scenario, all in one batch, with the same seed.

``series_fn`` replaces the runner with an in-process function ``(params, seed, replicate) ->
annual tidy DataFrame`` (tests of the inference maths on a stand-in model); for a target on
another run it is called with ``run=<name>`` as well.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from calibration.likelihood import run_components
from calibration.targets import Target


def theta_key(theta: dict[str, float]) -> str:
    return json.dumps({k: float(v) for k, v in sorted(theta.items())}, sort_keys=True)


def theta_seed(seed: int, theta: dict[str, float], tag: str = "") -> int:
    h = hashlib.sha256(f"{seed}|{tag}|{theta_key(theta)}".encode()).hexdigest()
    return int(h[:15], 16)


class Simulator:
    """Runs the model at parameter values; returns components (n_theta, R, n_targets, 2)."""

    def __init__(self, targets: list[Target], *, scenario: str | Path = "", setup: dict | None = None,
                 fixed: dict | None = None, seed: int = 0, store_dir: str | Path | None = None,
                 workers: int | None = None, scheduler: str | None = None, quiet: bool = True,
                 reference_enterprises: float | None = None,
                 series_fn: Callable[[dict, int, int], pd.DataFrame] | None = None,
                 runs: dict[str, tuple[str | Path, dict]] | None = None):
        self.targets = targets
        self.scenario = str(scenario)
        self.setup = dict(setup or {})
        runs = dict(runs or {})
        unknown = sorted({t.run for t in targets if t.run} - set(runs))
        if unknown:
            raise ValueError(f"targets measured on runs the simulator is not given: {unknown}")
        #: run name -> (scenario, setup, indices of its targets, its targets); "" is the spec's scenario
        self.groups: dict[str, tuple[str, dict, list[int], list[Target]]] = {}
        for i, t in enumerate(targets):
            if t.run not in self.groups:
                scen, stp = (self.scenario, self.setup) if not t.run else (str(runs[t.run][0]), dict(runs[t.run][1]))
                self.groups[t.run] = (scen, stp, [], [])
            self.groups[t.run][2].append(i)
            self.groups[t.run][3].append(t)
        self.fixed = dict(fixed or {})
        self.seed = int(seed)
        self.store_dir = Path(store_dir) if store_dir is not None else None
        self.workers, self.scheduler, self.quiet = workers, scheduler, quiet
        self.reference_enterprises = reference_enterprises
        self.series_fn = series_fn
        self.n_runs = 0
        self.metrics = sorted({m.strip() for t in targets for m in (t.metric + "+" + (t.denominator or "")).split("+")
                               if m.strip()} | {"enterprises"})
        if series_fn is None and self.store_dir is None:
            raise ValueError("a Simulator without series_fn needs a store_dir")

    def seeds(self, theta: dict, crn: bool, tag: str) -> int:
        return self.seed if crn else theta_seed(self.seed, theta, tag)

    def run(self, thetas: list[dict[str, float]], replicates: int, *, crn: bool, tag: str = "runs",
            store: str | None = None) -> np.ndarray:
        thetas = [{k: float(v) for k, v in t.items()} for t in thetas]
        out = np.zeros((len(thetas), replicates, len(self.targets), 2))
        if not thetas:
            return out
        if self.series_fn is not None:
            for i, th in enumerate(thetas):
                s = self.seeds(th, crn, tag)
                for r in range(replicates):
                    for run, (_, _, idx, group) in self.groups.items():
                        extra = {"run": run} if run else {}
                        series = self.series_fn({**self.fixed, **th}, s, r, **extra)
                        out[i, r, idx] = run_components(series, group, self.reference_enterprises)
                        self.n_runs += 1
            return out
        from experiments.runner import run_batch
        from experiments.spec import RunSpec

        specs, where = [], []
        for i, th in enumerate(thetas):
            s = self.seeds(th, crn, tag)
            for r in range(replicates):
                for run, (scen, stp, _, _) in self.groups.items():
                    specs.append(RunSpec.make(scen, {**self.fixed, **th}, stp, seed=s, replicate=r,
                                              design_point=i, label=f"{tag}@{run}" if run else tag))
                    where.append((i, r, run))
        store_dir = self.store_dir / (store or "runs")
        report = run_batch(specs, store_dir, workers=self.workers, scheduler=self.scheduler, quiet=self.quiet,
                           desc=tag, manifest_extra={"kind": "calibration"})
        if report.failed:
            first = report.failure_lines(1)
            raise RuntimeError(f"{len(report.failed)} model runs failed; first: {first[0] if first else '?'}")
        self.n_runs += len(report.done)
        series = read_series(store_dir, [s.run_id for s in specs], self.metrics)
        groups = dict(tuple(series.groupby("run_id", sort=False)))
        for spec, (i, r, run) in zip(specs, where, strict=True):
            rows = groups.get(spec.run_id)
            if rows is None:
                raise RuntimeError(f"run {spec.run_id} has no series in {store_dir}")
            _, _, idx, group = self.groups[run]
            out[i, r, idx] = run_components(rows, group, self.reference_enterprises)
        return out


def read_series(store_dir: Path, run_ids: list[str], metrics: list[str]) -> pd.DataFrame:
    """Annual series of some runs of a store, reading only the chunks that hold them.

    A thin adapter over experiments.store.Store: ``Store.series()`` reads every chunk of the
    store, which grows with every ABC generation; this reads the few chunks needed.
    """
    import pyarrow.parquet as pq

    from experiments.store import Store

    store = Store(store_dir)
    runs = store.runs()
    done = runs[(runs["state"] == "done") & runs["run_id"].isin(set(run_ids))]
    done = done.sort_values(["run_id", "_chunk"]).drop_duplicates("run_id", keep="first")
    frames = []
    for chunk, ids in done.groupby("_chunk")["run_id"]:
        path = store.series_dir / f"{chunk}.parquet"
        table = pq.read_table(path, filters=[("metric", "in", metrics)])
        df = table.to_pandas()
        frames.append(df[df["run_id"].isin(set(ids))])
    if not frames:
        return pd.DataFrame(columns=["run_id", "year", "region", "city", "metric", "value"])
    return pd.concat(frames, ignore_index=True)
