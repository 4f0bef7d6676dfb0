"""History matching with Gaussian-process emulators: rule out implausible parameter values in waves.

The first stage of the calibration (Bower, Goldstein & Vernon 2010; Vernon, Goldstein & Bower
2010; Andrianakis et al. 2015; McCulloch et al. 2022 for agent-based models; Iskauskas et al.
2024 for the practice). Each wave:

1. draws ``runs`` parameter values spread over the current non-implausible region (NROY: not
   ruled out yet) - a maximin pick among many candidates that pass every earlier wave;
2. runs the model at them through the experiments runner (resumable store, pool or Dask);
3. fits one emulator per fitted target: scikit-learn's ``GaussianProcessRegressor`` with an
   anisotropic Matern-5/2 kernel and a white-noise term (the model's own stochastic variance,
   learnt from the runs), on the unit cube (log scale for log-uniform priors); counts are
   emulated on a log scale;
4. validates the emulators by k-fold cross-validation against runs they were not fitted to
   (share of runs within 3 predictive standard deviations, and R^2);
5. computes for any x the implausibility of target j

       I_j(x) = |z_j - E[f_j(x)]| / sqrt(Var_emulator,j(x) + Var_observation,j)

   (Var_emulator includes the learnt run-to-run noise; Var_observation is the target's own
   observation model: the tolerance of a change or share, Poisson or negative-binomial variance
   of a count) and rules x out where max_j I_j(x) > cutoff (3 by Pukelsheim's three-sigma rule);
6. reports the NROY volume: the share of a fixed uniform sample of the prior box that passes
   every wave so far.

The region it leaves is then sampled by ABC-SMC (calibration/abc.py, ``region=``): a proposal
the emulators rule out is rejected without a model run.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np

from calibration.likelihood import predicted
from calibration.spec import FreeParam
from calibration.targets import Target

#: Recovery: a true value within this share of its prior range from an end is "on the edge".
EDGE = 0.1
#: Pukelsheim's (1994) three-sigma rule: any unimodal distribution has 95% of its mass within 3 sd.
DEFAULT_CUTOFF = 3.0


# ------------------------------------------------------------------------------ the unit cube


def to_unit(free: list[FreeParam], theta: dict[str, float]) -> np.ndarray:
    """Parameter values -> coordinates in [0, 1]^d (log scale for log-uniform priors)."""
    out = []
    for p in free:
        v = float(theta[p.name])
        if p.prior == "loguniform":
            out.append((math.log(v) - math.log(p.low)) / (math.log(p.high) - math.log(p.low)))
        else:
            out.append((v - p.low) / (p.high - p.low))
    return np.array(out)


def from_unit(free: list[FreeParam], u: np.ndarray) -> dict[str, float]:
    """Coordinates in [0, 1]^d -> parameter values."""
    theta = {}
    for p, x in zip(free, np.asarray(u, dtype=float), strict=True):
        if p.prior == "loguniform":
            theta[p.name] = float(math.exp(math.log(p.low) + x * (math.log(p.high) - math.log(p.low))))
        else:
            theta[p.name] = float(p.low + x * (p.high - p.low))
    return theta


def uniform_sample(d: int, n: int, seed: int) -> np.ndarray:
    """A scrambled Sobol' sample of [0, 1]^d (scipy's QMC; seeded)."""
    from scipy.stats import qmc

    m = int(math.ceil(math.log2(max(n, 2))))
    return qmc.Sobol(d, scramble=True, seed=np.random.default_rng(seed)).random_base2(m)[:n]


def maximin_pick(points: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Indices of ``k`` of ``points`` spread out (greedy farthest-point selection)."""
    n = len(points)
    if k >= n:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    chosen = [int(rng.integers(n))]
    dist = np.linalg.norm(points - points[chosen[0]], axis=1)
    for _ in range(k - 1):
        j = int(np.argmax(dist))
        chosen.append(j)
        dist = np.minimum(dist, np.linalg.norm(points - points[j], axis=1))
    return np.array(chosen)


# ------------------------------------------------------------------------------ emulators


def _log_scale(t: Target) -> bool:
    return t.observation == "count"


def observation_variance(t: Target, value: float) -> float:
    """Variance of a figure of size ``value`` under the target's observation model."""
    if t.observation == "count":
        mu = max(value, 0.5)  # a count of 0 still has Poisson variance of order 1
        return mu if t.family == "poisson" else mu + mu * mu / float(t.dispersion)
    return float(t.tolerance) ** 2


class TargetEmulator:
    """A Gaussian-process emulator of one target's model figure over the unit cube."""

    def __init__(self, target: Target, seed: int = 0):
        self.target = target
        self.seed = seed
        self.gp = None

    def _y(self, values: np.ndarray) -> np.ndarray:
        return np.log(np.maximum(values, 0.0) + 0.5) if _log_scale(self.target) else values

    def fit(self, X: np.ndarray, values: np.ndarray) -> TargetEmulator:
        from sklearn.gaussian_process import GaussianProcessRegressor
        from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

        d = X.shape[1]
        kernel = (ConstantKernel(1.0, (1e-3, 1e3)) * Matern(np.full(d, 0.5), (0.02, 50.0), nu=2.5)
                  + WhiteKernel(0.05, (1e-6, 1.0)))
        self.gp = GaussianProcessRegressor(kernel, normalize_y=True, n_restarts_optimizer=2,
                                           random_state=self.seed)
        with warnings.catch_warnings():  # a length scale at its bound is information, not an error
            warnings.simplefilter("ignore")
            self.gp.fit(X, self._y(np.asarray(values, dtype=float)))
        return self

    def predict(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean and variance of the model's figure at X (the target's own scale).

        The variance includes the learnt run-to-run noise (the white-noise term): a single run's
        figure scatters that much around the emulated mean. Counts emulated on log(value + 0.5)
        are brought back with the delta method.
        """
        m, s = self.gp.predict(np.atleast_2d(X), return_std=True)
        if _log_scale(self.target):
            mean = np.exp(m) - 0.5
            return mean, (s * (mean + 0.5)) ** 2
        return m, s ** 2

    def implausibility(self, X: np.ndarray) -> np.ndarray:
        # The observation variance is the figure's own (evaluated at the figure): the model's
        # run-to-run scatter is already in the emulator's variance (its white-noise term).
        mean, var = self.predict(X)
        z = float(self.target.value)
        return np.abs(z - mean) / np.sqrt(var + observation_variance(self.target, z))

    def kernel_text(self) -> str:
        return str(self.gp.kernel_) if self.gp is not None else ""


def cross_validate(target: Target, X: np.ndarray, values: np.ndarray, folds: int = 5, seed: int = 0) -> dict:
    """k-fold validation of an emulator against runs it was not fitted to.

    Returns the share of held-out runs within 3 predictive standard deviations (``within_3sd``;
    about 0.99 for a well-calibrated emulator), the R^2 of the held-out predictions, and the
    per-run predictions (``predicted``, ``sd``, ``actual``) for the validation figure.
    """
    n = len(X)
    folds = max(2, min(folds, n))
    order = np.random.default_rng(seed).permutation(n)
    pred = np.zeros(n)
    sd = np.zeros(n)
    for k in range(folds):
        test = order[k::folds]
        train = np.setdiff1d(order, test)
        em = TargetEmulator(target, seed).fit(X[train], values[train])
        m, v = em.predict(X[test])
        pred[test], sd[test] = m, np.sqrt(v)
    resid = values - pred
    ss = float(np.sum((values - values.mean()) ** 2))
    return {"within_3sd": float(np.mean(np.abs(resid) <= 3 * sd + 1e-12)),
            "r2": float(1 - np.sum(resid ** 2) / ss) if ss > 0 else float("nan"),
            "predicted": pred, "sd": sd, "actual": np.asarray(values, dtype=float)}


# ------------------------------------------------------------------------------ waves


@dataclass
class Wave:
    index: int
    X: np.ndarray                      # design in the unit cube (n, d)
    values: np.ndarray                 # model figures (n, n_fit)
    components: np.ndarray             # (n, n_targets, 2) replicate-mean components of every target
    emulators: list[TargetEmulator]
    validation: list[dict]
    nroy_fraction: float = 1.0         # share of the prior box not ruled out after this wave
    reference_implausibility: np.ndarray | None = None  # of the reference sample, through this wave
    candidates_left: int = 0
    runs: int = 0
    seconds: float = 0.0


@dataclass
class HistoryMatch:
    free: list[FreeParam]
    fit_targets: list[Target]
    cutoff: float
    waves: list[Wave] = field(default_factory=list)
    reference: np.ndarray | None = None  # fixed uniform sample of the prior box (volume estimate)

    def implausibility(self, X: np.ndarray, waves: int | None = None) -> np.ndarray:
        """max over targets of I_j, max over waves (a point must pass every wave): shape (n,)."""
        X = np.atleast_2d(X)
        out = np.zeros(len(X))
        for w in self.waves[: len(self.waves) if waves is None else waves]:
            out = np.maximum(out, wave_implausibility(w, X))
        return out

    def plausible(self, X: np.ndarray, waves: int | None = None) -> np.ndarray:
        return self.implausibility(X, waves) <= self.cutoff

    def region(self, thetas: list[dict[str, float]]) -> np.ndarray:
        """Which parameter values are not ruled out (ABC's truncation of the prior): bool array."""
        if not thetas:
            return np.zeros(0, bool)
        return self.plausible(np.array([to_unit(self.free, th) for th in thetas]))

    def nroy_sample(self, n: int, seed: int, pool: int = 200_000) -> np.ndarray:
        """Up to ``n`` points of the unit cube uniformly inside the current NROY."""
        cand = uniform_sample(len(self.free), pool, seed)
        keep = cand[self.plausible(cand)]
        return keep[:n]

    def pool(self, seed: int, n: int = 20_000) -> list[dict[str, float]]:
        """Parameter values spread uniformly inside the current region (ABC's first generation)."""
        return [from_unit(self.free, x) for x in self.nroy_sample(n, seed)]

    def bounds(self) -> dict[str, tuple[float, float]]:
        """The smallest box (in parameter values) holding the reference sample's NROY points."""
        if self.reference is None or not self.waves:
            return {}
        pts = self.reference[self.waves[-1].reference_implausibility <= self.cutoff]
        if len(pts) == 0:
            return {}
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        a, b = from_unit(self.free, lo), from_unit(self.free, hi)
        return {p.name: (a[p.name], b[p.name]) for p in self.free}


def wave_implausibility(wave: Wave, X: np.ndarray) -> np.ndarray:
    """max over one wave's emulators of I_j at X: shape (n,)."""
    out = np.zeros(len(X))
    for em in wave.emulators:
        out = np.maximum(out, em.implausibility(X))
    return out


def fit_values(fit_targets: list[Target], comps: np.ndarray) -> np.ndarray:
    """(n, n_fit) model figures from (n, n_fit, 2) replicate-mean components."""
    return np.array([[predicted(t, c[j]) for j, t in enumerate(fit_targets)] for c in comps])


def run_history_matching(simulator, free: list[FreeParam], fit: list[int], *, waves: int = 3, runs: int = 60,
                         replicates: int = 1, cutoff: float = DEFAULT_CUTOFF, candidates: int = 100_000,
                         seed: int = 0, log=None) -> HistoryMatch:
    """Waves of design, runs, emulators and implausibility; see the module docstring.

    ``simulator`` is a :class:`calibration.simulate.Simulator` (or anything with its ``run``);
    ``fit`` indexes its targets used for matching. Later waves train their emulators on every run
    so far that lies inside the region the earlier waves left (runs outside carry no information
    about the region, and would spend the emulator's flexibility where it is not needed).
    """
    import time

    targets = simulator.targets
    fit_targets = [targets[i] for i in fit]
    hm = HistoryMatch(free, fit_targets, cutoff)
    d = len(free)
    hm.reference = uniform_sample(d, candidates, seed + 7)
    all_X, all_comps = np.empty((0, d)), np.empty((0, len(targets), 2))
    for k in range(waves):
        t0 = time.perf_counter()
        pool = uniform_sample(d, candidates, seed + 1000 * (k + 1))
        if hm.waves:
            pool = pool[hm.plausible(pool)]
        if len(pool) == 0:
            if log:
                log(f"history matching: wave {k + 1}: no candidate left inside the region; stopping")
            break
        X = pool[maximin_pick(pool, runs, seed + k)]
        thetas = [from_unit(free, x) for x in X]
        comps = simulator.run(thetas, replicates, crn=False, tag=f"history matching wave {k + 1}",
                              store="history_matching").mean(axis=1)
        all_X, all_comps = np.vstack([all_X, X]), np.concatenate([all_comps, comps])
        inside = hm.plausible(all_X) if hm.waves else np.ones(len(all_X), bool)
        TX, TC = all_X[inside], all_comps[inside]
        values = fit_values(fit_targets, TC[:, fit])
        emulators, validation = [], []
        for j, t in enumerate(fit_targets):
            validation.append(cross_validate(t, TX, values[:, j], seed=seed + j))
            emulators.append(TargetEmulator(t, seed + j).fit(TX, values[:, j]))
        wave = Wave(k + 1, TX, values, TC, emulators, validation, runs=len(X) * replicates)
        # the reference sample's implausibility, carried from wave to wave (each wave adds its own)
        before = hm.waves[-1].reference_implausibility if hm.waves else np.zeros(len(hm.reference))
        wave.reference_implausibility = np.maximum(before, wave_implausibility(wave, hm.reference))
        hm.waves.append(wave)
        wave.nroy_fraction = float((wave.reference_implausibility <= cutoff).mean())
        wave.candidates_left = int(hm.plausible(pool).sum())
        wave.seconds = time.perf_counter() - t0
        if log:
            worst = min(v["within_3sd"] for v in validation)
            log(f"history matching: wave {k + 1}: {len(X)} runs, emulators on {len(TX)} runs "
                f"(worst within-3-sd {worst:.0%}), non-implausible {wave.nroy_fraction:.2%} of the prior box")
        if wave.nroy_fraction == 0:
            break
    return hm


def _weighted_interval(values: np.ndarray, w: np.ndarray, level: float = 0.9) -> tuple[float, float]:
    order = np.argsort(values)
    v, cw = values[order], np.cumsum(w[order])
    cw /= cw[-1]
    a = (1 - level) / 2
    return float(np.interp(a, cw, v)), float(np.interp(1 - a, cw, v))


def recovery_check(hm: HistoryMatch, points: int = 6, seed: int = 0, n: int = 50_000) -> list[dict]:
    """Synthetic recovery at the real resolution: are known values inside the 90% intervals?

    Each of ``points`` runs of the first wave (the model at the calibration's resolution, at
    parameter values spread over the prior; those with most values inside the middle 80% of
    their prior ranges) becomes a data set: its figures plus one draw of each
    target's observation noise. Emulators are fitted to the first wave's other runs, and the
    emulator posterior (prior x Gaussian likelihood, emulator plus observation variance) gives a
    90% interval per parameter. Returns one row per (data set, parameter): truth, interval,
    covered, and whether the truth is inside the middle 80% of its prior (``interior``: an
    equal-tailed interval cannot cover a value on the edge; coverage counts interior ones). A
    parameter the targets do not inform has an interval as wide as its prior and is covered
    trivially; its width says so.
    """
    from calibration.likelihood import draw_figure

    wave = hm.waves[0]
    rng = np.random.default_rng(seed)
    # runs with most values inside the middle 80% of their priors first: an equal-tailed
    # interval cannot cover a value on the prior's edge (a space-filling design in 8 dimensions
    # has few runs with every value inside)
    inner = ((wave.X > EDGE) & (wave.X < 1 - EDGE)).sum(axis=1)
    order = np.lexsort((rng.random(len(wave.X)), -inner))
    pick = order[: min(points, len(wave.X))]
    X = uniform_sample(len(hm.free), n, seed + 3)
    rows = []
    fit_index = {t.name: j for j, t in enumerate(hm.fit_targets)}
    for case, i in enumerate(pick):
        keep = np.setdiff1d(np.arange(len(wave.X)), [i])
        logw = np.zeros(len(X))
        for t in hm.fit_targets:
            j = fit_index[t.name]
            em = TargetEmulator(t, seed + j).fit(wave.X[keep], wave.values[keep, j])
            z = draw_figure(t, float(wave.values[i, j]), rng)
            mean, var = em.predict(X)
            obs = observation_variance(t, z)
            logw += -0.5 * (z - mean) ** 2 / (var + obs) - 0.5 * np.log(var + obs)
        w = np.exp(logw - logw.max())
        w /= w.sum()
        truth = from_unit(hm.free, wave.X[i])
        for k, p in enumerate(hm.free):
            lo_u, hi_u = _weighted_interval(X[:, k], w)
            lo, hi = from_unit([p], np.array([lo_u]))[p.name], from_unit([p], np.array([hi_u]))[p.name]
            rows.append({"case": case, "parameter": p.name, "truth": truth[p.name], "q05": lo, "q95": hi,
                         "covered": bool(lo <= truth[p.name] <= hi), "width_share_of_prior": float(hi_u - lo_u),
                         "interior": bool(EDGE < wave.X[i, k] < 1 - EDGE)})
    return rows


def recovery_coverage(rows: list[dict]) -> float | None:
    """Share of true values inside their 90% intervals, over values not on a prior's edge."""
    inside = [r["covered"] for r in rows if r.get("interior", True)]
    return float(np.mean(inside)) if inside else None
