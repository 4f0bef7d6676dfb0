"""ABC-SMC with pyABC, its model runs batched through the experiments runner.

pyABC (0.13) proposes particles one at a time: its sampler calls ``simulate_one()``, which
draws a parameter from the prior or perturbs one of the last population, simulates, measures
the distance and accepts or rejects. Running one runner batch per particle would waste the
runner's parallelism, so :class:`RunnerBatchSampler` works in two passes per batch:

1. *record*: it calls ``simulate_one()`` B times, saving numpy's global random state before
   each call; the model only records the proposed values and returns a placeholder that the
   distance rejects;
2. it runs all B proposals in one ``run_batch`` (pool or Dask; progress bar; resumable store);
3. *replay*: it restores each saved random state and calls ``simulate_one()`` again, which
   proposes the same values (pyABC draws proposals from numpy's global generator only) and now
   gets the stored result; it stops as soon as the population is full.

The particles, weights, epsilon schedule and acceptance are pyABC's own; the result is the
same as pyABC's single-core sampler would give on the same random stream. Runs proposed but not
needed once the population is full are counted as simulations (they cost time) but not used.
Each particle gets its own seed (a hash of the spec seed and its values): ABC needs fresh noise
per particle, and a rerun after a crash proposes the same particles and the store skips the
runs already done. The distance is the weighted root sum of squared standardised residuals of
the fitted targets (calibration.likelihood.distance).
"""

from __future__ import annotations

import logging
import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from calibration.likelihood import distance
from calibration.simulate import Simulator, theta_key
from calibration.spec import FreeParam
from calibration.targets import Target


class _BatchModel:
    """pyABC model function: records proposals, or replays simulated results."""

    def __init__(self, simulator: Simulator, names: list[str], replicates: int, region=None):
        self.sim, self.names, self.replicates = simulator, names, replicates
        self.region = region  # [theta] -> bool array (history matching's non-implausible region), or None
        self.ruled_out = 0
        self.mode = "record"
        self.recorded: list[dict] = []
        self.cache: dict[str, np.ndarray] = {}
        self.n_targets = len(simulator.targets)

    def __call__(self, pars) -> dict:
        theta = {n: float(pars[n]) for n in self.names}
        if self.mode == "record":
            self.recorded.append(theta)
            return {"comp": np.full(self.n_targets * 2, np.nan)}
        return {"comp": self.cache[theta_key(theta)]}

    def simulate(self, thetas: list[dict], tag: str) -> int:
        new, seen = [], set()
        for th in thetas:
            k = theta_key(th)
            if k not in self.cache and k not in seen:
                seen.add(k)
                new.append(th)
        if new and self.region is not None:
            inside = np.asarray(self.region(new), dtype=bool)
            for th in (t for t, ok in zip(new, inside, strict=True) if not ok):
                # outside the non-implausible region: rejected without a model run
                self.cache[theta_key(th)] = np.full(self.n_targets * 2, np.nan)
                self.ruled_out += 1
            new = [t for t, ok in zip(new, inside, strict=True) if ok]
        if new:
            comps = self.sim.run(new, self.replicates, crn=False, tag=tag, store="abc")
            for th, c in zip(new, comps, strict=True):
                self.cache[theta_key(th)] = c.mean(axis=0).ravel()
        return len(new) * self.replicates


def _make_sampler_class():
    from pyabc.sampler import Sampler

    class RunnerBatchSampler(Sampler):
        """See the module docstring: record B proposals, run them in one batch, replay."""

        def __init__(self, model: _BatchModel, batch: int | None = None, max_batch: int = 5000):
            super().__init__()
            self.model, self.batch, self.max_batch = model, batch, max_batch
            self.rate: float | None = None
            self.simulations = 0

        def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False,
                                    ana_vars=None):
            sample = self._create_empty_sample()
            evaluated, k = 0, 0
            while sample.n_accepted < n and evaluated < max_eval:
                need = n - sample.n_accepted
                if all_accepted:
                    size = need
                elif self.batch:
                    size = self.batch
                else:
                    rate = self.rate if self.rate else 0.3
                    size = int(min(self.max_batch, max(need, math.ceil(1.3 * need / max(rate, 0.01)))))
                if np.isfinite(max_eval):
                    size = int(max(1, min(size, max_eval - evaluated)))
                states = []
                self.model.mode = "record"
                self.model.recorded = []
                for _ in range(size):
                    states.append(np.random.get_state())
                    simulate_one()
                self.simulations += self.model.simulate(self.model.recorded, tag=f"abc t={t} batch {k}")
                self.model.mode = "replay"
                accepted = tried = 0
                for state in states:
                    np.random.set_state(state)
                    particle = simulate_one()
                    sample.append(particle)
                    evaluated += 1
                    tried += 1
                    accepted += bool(particle.accepted)
                    if sample.n_accepted >= n:
                        break
                if not all_accepted:
                    self.rate = max(accepted, 0.5) / tried
                k += 1
            self.nr_evaluations_ = evaluated
            if sample.n_accepted < n:
                sample.ok = False
            return sample

    return RunnerBatchSampler


def _prior(free: list[FreeParam], region=None, pool: list[dict] | None = None):
    """The declared priors; with ``region``, truncated to it (density zero outside).

    A truncated prior draws from ``pool`` (points spread uniformly inside the region, in the
    prior's own scale), so the first generation never proposes a value the region rules out,
    and pyABC rejects a perturbed particle outside it before any run (its prior density is 0).
    """
    import pyabc

    rvs = {}
    for p in free:
        if p.prior == "loguniform":
            rvs[p.name] = pyabc.RV("loguniform", p.low, p.high)
        else:
            rvs[p.name] = pyabc.RV("uniform", p.low, p.high - p.low)
    if region is None:
        return pyabc.Distribution(**rvs)
    names = [p.name for p in free]

    class Truncated(pyabc.Distribution):
        def rvs(self, *args, **kwargs):
            # numpy's global generator: pyABC's own proposals use it, and the batch sampler
            # replays it (see the module docstring)
            theta = pool[np.random.randint(len(pool))]
            return pyabc.Parameter({n: theta[n] for n in names})

        def pdf(self, x):
            density = super().pdf(x)
            if density == 0:
                return 0.0
            return density if bool(region([{n: float(x[n]) for n in names}])[0]) else 0.0

    return Truncated(**rvs)


def run_abc(simulator: Simulator, free: list[FreeParam], fit: list[int], *, population: int = 100,
            generations: int = 6, replicates: int = 1, min_epsilon: float = 0.0, max_simulations: int = 5000,
            batch: int | None = None, seed: int = 0, db_dir: str | Path | None = None, quiet: bool = True,
            region=None, region_pool: list[dict] | None = None) -> dict:
    """Run ABC-SMC; returns the final population and its history.

    ``fit`` indexes the simulator's targets used in the distance (the others are only
    predicted, e.g. held-out years). Returns a dict with ``samples`` (DataFrame: parameters,
    ``weight``, ``distance``), ``components`` (n_particles, n_targets, 2), ``epsilons`` (per
    generation), ``simulations`` (model runs) and ``acceptance`` per generation.

    ``region`` ([theta] -> bool array) truncates the prior to history matching's non-implausible region:
    the prior is truncated to it (first-generation draws come from ``region_pool``, points
    spread uniformly inside it), and a proposal outside it is rejected without a model run
    (``ruled_out`` counts any that reach the model).
    """
    import pyabc

    for name in ("ABC", "ABC.Sampler", "ABC.History", "ABC.Distance", "ABC.Epsilon", "ABC.Acceptor",
                 "ABC.Transition", "ABC.Population", "ABC.Predictor"):
        logging.getLogger(name).setLevel(logging.INFO if not quiet else logging.WARNING)
    names = [p.name for p in free]
    targets: list[Target] = simulator.targets
    fit_targets = [targets[i] for i in fit]
    model = _BatchModel(simulator, names, replicates, region)

    def dist(x, _x0):
        comp = np.asarray(x["comp"], dtype=float).reshape(-1, 2)
        if np.isnan(comp).any():
            return np.inf
        return distance(fit_targets, comp[fit])

    sampler = _make_sampler_class()(model, batch=batch)
    if region is not None and not region_pool:
        raise ValueError("a region needs region_pool: parameter values inside it")
    abc = pyabc.ABCSMC(model, _prior(free, region, region_pool), dist, population_size=population, sampler=sampler)
    db_dir = Path(db_dir) if db_dir is not None else Path(tempfile.mkdtemp(prefix="safegov-abc-"))
    db_dir.mkdir(parents=True, exist_ok=True)
    db = db_dir / "abc_history.db"
    if db.exists():
        db.unlink()  # the run is reproduced from the seed; the runner's store keeps the simulations
    state = np.random.get_state()
    np.random.seed(seed % 2**32)
    try:
        abc.new(f"sqlite:///{db}", {"comp": np.zeros(len(targets) * 2)})
        history = abc.run(minimum_epsilon=min_epsilon, max_nr_populations=generations,
                          max_total_nr_simulations=max_simulations)
    finally:
        np.random.set_state(state)
    pop = history.get_population()
    rows, comps = [], []
    for particle in pop.particles:
        row = {n: float(particle.parameter[n]) for n in names}
        row["weight"] = float(particle.weight)
        row["distance"] = float(particle.distance)
        rows.append(row)
        comps.append(np.asarray(particle.sum_stat["comp"], dtype=float).reshape(-1, 2))
    samples = pd.DataFrame(rows)
    samples["weight"] /= samples["weight"].sum()
    all_pops = history.get_all_populations()
    all_pops = all_pops[all_pops["t"] >= 0]
    return {
        "samples": samples,
        "components": np.array(comps),
        "epsilons": [float(e) for e in all_pops["epsilon"]],
        "simulations": int(sampler.simulations),
        "ruled_out": int(model.ruled_out),
        "evaluations": [int(v) for v in all_pops["samples"]],
        "generations": int(history.max_t + 1),
        "db": str(db),
    }


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float | list[float]) -> np.ndarray:
    """Quantiles of a weighted sample (inverse of the weighted empirical CDF, interpolated)."""
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    order = np.argsort(values)
    v, w = values[order], weights[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(np.atleast_1d(q), cdf, v)
