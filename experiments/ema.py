"""EMA Workbench adapter: safegov as an EMA ``ReplicatorModel`` and an EMA evaluator that runs
through the experiments runner (``pip install -e .[ema]``; EMA Workbench 3.0).

- ``build_model(scenario)``: uncertainties and levers from ``sim.params`` (``IntegerParameter``
  for whole-number parameters; the scenario's values as defaults, i.e. the reference scenario),
  outcomes from ``sim.outcomes`` (``ScalarOutcome`` kinds MINIMIZE / MAXIMIZE / INFO from each
  outcome's better direction), replicates as EMA replications with common random numbers:
  replicate r of every experiment uses the seed (seed, r).
- ``SafegovEvaluator(model, store_dir)``: an EMA evaluator whose experiments are RunSpecs sent to
  ``experiments.runner.run_batch``: process pool or Dask (``scheduler=``), progress bar, a
  crash-safe store, and resume (rerun the same script: done runs are read from the store).
- ``perform_experiments(model, store_dir, scenarios=200)``: the one-liner.

The model also runs under EMA's own evaluators (``SequentialEvaluator``,
``MultiprocessingEvaluator``): its function runs one RunSpec in-process (``run_one``), so both
paths give identical numbers.

Known problems of EMA Workbench 3.0 worked around here (and in experiments/discover.py):

1. Robust optimisation scores every policy of a generation on *all* the generation's outcomes
   (``optimization.evaluate`` reads ``outcomes`` instead of the policy's rows): every policy got
   the same robustness. ``SafegovEvaluator.evaluate_all`` scores each policy on its own rows.
2. PRIM's pasting fails on integer columns under pandas 3 ("Invalid value '6.5' for dtype
   'int64'"; EMA issue 448): discovery casts integer inputs to float before PRIM and CART.
3. Mixed sample types: EMA's samplers give numpy ``int64`` for integer parameters and
   ``float64`` otherwise, hand-made ``Sample`` objects give Python numbers; all are normalised
   (``sim.evaluate.clean_params`` / ``RunSpec.make``) so the same point is the same run.
4. ``ScalarOutcome(dtype=...)`` stores (n, 1) arrays that PRIM rejects, and without a dtype the
   first experiment's value type fixes the array's: outcomes are declared without a dtype and
   always returned as floats.
5. ``optimize`` needs ``filename`` and ``directory`` (None fails) and seeds the global ``random``
   module: the robust search always passes both and restores ``random``'s state afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from experiments.spec import RunSpec
from sim import outcomes as O
from sim import params as P
from sim.errors import InputError

INSTALL_HINT = "EMA Workbench is not installed: pip install -e .[ema]"

try:
    from ema_workbench.em_framework.evaluators import BaseEvaluator as _EvaluatorBase
except ImportError:  # the [ema] extra is missing: every entry point raises a one-line InputError
    _EvaluatorBase = object


def require_ema():
    """Import ema_workbench or raise a one-line InputError saying how to install it."""
    try:
        import ema_workbench
    except ImportError:
        raise InputError("ema", None, INSTALL_HINT) from None
    return ema_workbench


# ------------------------------------------------------------------------------- declaration


def kind_of(name: str) -> int:
    """EMA outcome kind of a scalar run outcome: MINIMIZE (-1) when lower is better, MAXIMIZE
    (+1) when higher is better, INFO (0) otherwise (``sim.outcomes``; region suffix allowed)."""
    base = name.partition("__")[0]
    if base not in O.RUN_OUTCOMES and base not in O.BY_NAME:
        raise InputError("ema", "outcomes", f"unknown outcome {name!r}; expected one of {', '.join(O.RUN_OUTCOMES)}")
    return O.run_outcome(base).direction


def parameter(name: str, default: float | None = None, low: float | None = None, high: float | None = None):
    """An EMA parameter for a declared safegov parameter (IntegerParameter when whole-number)."""
    ema = require_ema()
    p = P.BY_NAME.get(name)
    if p is None:
        raise InputError("ema", name, "not a declared parameter (see 'safegov levers')")
    low = p.low if low is None else low
    high = p.high if high is None else high
    default = p.default if default is None else default
    if p.integer:
        return ema.IntegerParameter(p.name, int(round(low)), int(round(high)), default=int(round(default)))
    return ema.RealParameter(p.name, float(low), float(high), default=float(default))


def _names(selection, kind: str) -> list[str]:
    declared = [p.name for p in P.PARAMETERS if p.kind == kind]
    if selection is None or selection == "all":
        return declared
    names = list(selection)
    for n in names:
        if n not in P.BY_NAME or P.BY_NAME[n].kind != kind:
            raise InputError("ema", n, f"not a declared {'policy lever' if kind == 'lever' else 'uncertain parameter'}"
                             " (see 'safegov levers')")
    return names


def outcomes(names: Iterable[str] | None = None, aggregate=np.mean) -> list:
    """EMA ScalarOutcomes for scalar run outcomes (default: every province outcome), their kind
    from the declaration; ``aggregate`` combines the replicates of an experiment."""
    ema = require_ema()
    names = list(names) if names is not None else list(O.RUN_OUTCOMES)
    return [ema.ScalarOutcome(n, kind=kind_of(n), function=aggregate) for n in names]


# ------------------------------------------------------------------------------- running


@dataclass(frozen=True)
class Target:
    """What an EMA experiment runs: a scenario file (or a callable model), setup changes, a root
    seed and the parameters whose values are given by the experiment. Picklable."""

    scenario: str
    model: str = "sim"
    setup: tuple[tuple[str, object], ...] = ()
    seed: int = 0
    scheduled: tuple[tuple[str, float], ...] = ()  # levers with a schedule and their month-1 value

    def overrides(self, values: dict) -> dict:
        """The experiment's parameter values as RunSpec overrides. A scheduled lever left at its
        month-1 value is not set, so the scenario's schedule stays in force."""
        if self.model == "sim":
            from sim.evaluate import clean_params

            values = clean_params(values, source="ema experiment")
        keep = dict(self.scheduled)
        return {k: v for k, v in values.items() if not (k in keep and float(v) == keep[k])}

    def spec(self, values: dict, replicate: int, design_point: int = 0, label: str = "") -> RunSpec:
        return RunSpec.make(self.scenario, self.overrides(values), dict(self.setup), seed=self.seed,
                            replicate=int(replicate), model=self.model, design_point=design_point, label=label)


class _Function:
    """The EMA model's function: one replicate of one experiment, run in this process."""

    def __init__(self, target: Target):
        self.target = target

    def __call__(self, replicate: int = 0, **values) -> dict[str, float]:
        from experiments.runner import run_one

        out, _ = run_one(self.target.spec(values, replicate), want_series=False)
        return {k: float(v) for k, v in out.items()}


def _name(text: str) -> str:
    name = "".join(c if c.isalnum() else "_" for c in text)
    return name if name.isidentifier() else f"m_{name}"


def build_model(scenario="baseline", *, model: str = "sim", replicates: int = 1, agents=None, months=None,
                cities: list[str] | None = None, seed: int = 0, uncertainties="all", levers="all",
                outcome_names: Iterable[str] | None = None, aggregate=np.mean, name: str | None = None):
    """An EMA ReplicatorModel of safegov.

    Args:
        scenario: name in scenarios/ or path (the reference scenario: every parameter's default).
        model: "sim" or a callable "package.module:function" (then give ``uncertainties`` and
            ``levers`` as EMA parameter objects and ``outcome_names`` with EMA outcomes).
        replicates: replications per experiment; replicate r uses the seed (seed, r) everywhere.
        agents, months, cities: a smaller world (real enterprises kept, ``sim.scale``).
        uncertainties, levers: "all", a list of declared names, or EMA parameter objects.
        outcome_names: scalar outcomes (default all province outcomes) or EMA outcome objects.
        aggregate: how replicates are combined into an experiment's outcome (default mean).
    """
    ema = require_ema()
    if model == "sim":
        from sim.evaluate import prepare, scenario_file

        path = scenario_file(scenario)
        base = prepare({}, scenario=path)
        scaled = prepare({}, scenario=path, agents=agents, months=months, cities=cities)
        setup = {k: v for k, v in scaled.setup.model_dump().items() if base.setup.model_dump()[k] != v}
        values = base.values()
        scheduled = tuple(sorted((k, float(base.levers[k])) for e in base.schedule for k in e.levers))
        target = Target(str(path.resolve()), "sim", tuple(sorted((k, tuple(v) if isinstance(v, list) else v)
                                                                 for k, v in setup.items())),
                        int(seed), tuple(dict(scheduled).items()))
        label = name or f"safegov_{path.stem}"
    else:
        from experiments.runner import resolve_callable

        resolve_callable(model)
        values, target, label = {}, Target("", model, seed=int(seed)), name or f"safegov_{model.split(':')[-1]}"

    def params_for(selection, kind):
        if selection is not None and selection != "all" and all(not isinstance(s, str) for s in selection):
            return list(selection)  # EMA parameter objects as given
        if model != "sim":
            return []
        return [parameter(n, values.get(n)) for n in _names(selection, kind)]

    m = ema.ReplicatorModel(_name(label), function=_Function(target))
    m.uncertainties = params_for(uncertainties, "uncertain")
    m.levers = params_for(levers, "lever")
    if outcome_names is not None and all(not isinstance(o, str) for o in outcome_names):
        m.outcomes = list(outcome_names)
    else:
        m.outcomes = outcomes(outcome_names, aggregate)
    m.replications = [{"replicate": r} for r in range(int(replicates))]
    m.safegov_target = target
    return m


def reference(model):
    """The reference scenario/policy as an EMA Sample: every parameter at its default."""
    ema = require_ema()
    return ema.Sample("reference", **{p.name: p.default for p in [*model.uncertainties, *model.levers]})


# ------------------------------------------------------------------------------- evaluator


class SafegovEvaluator(_EvaluatorBase):
    """An EMA evaluator that runs every experiment's replicates through ``run_batch``.

    Args:
        msis: the EMA model(s) (``build_model``).
        store_dir: experiment folder (created; rerunning resumes: done runs are not rerun).
        workers, scheduler, chunk_size, quiet: as for ``run_batch`` (process pool by default,
            ``workers=0`` in-process, ``scheduler="local"`` or ``"tcp://HOST:8786"`` for Dask).
        series: also store annual series (default False: EMA uses the scalar outcomes).
    """

    def __init__(self, msis, store_dir, *, workers: int | None = None, scheduler: str | None = None,
                 chunk_size: int | None = None, quiet: bool = False, series: bool = False):
        require_ema()
        super().__init__(msis)
        for m in self._msis:
            if not isinstance(getattr(m, "safegov_target", None), Target):
                raise TypeError(f"model {m.name!r} was not built by experiments.ema.build_model")
        self.store_dir = Path(store_dir)
        self.workers, self.scheduler, self.chunk_size, self.quiet, self.series = (
            workers, scheduler, chunk_size, quiet, series)
        self.batches = 0  # evaluate_experiments calls: numbers the design points of each batch
        self.next_point = 0
        self.reports: list = []

    def initialize(self):
        """Nothing to start: run_batch starts (and stops) its executor for each batch."""

    def finalize(self):
        """Nothing to stop."""

    def _values(self, model, experiment) -> dict:
        values = {}
        for p in [*model.uncertainties, *model.levers]:
            for sample in (experiment.scenario, experiment.policy):
                if p.name in sample:
                    values[p.name] = sample[p.name]
        return values

    def evaluate_experiments(self, experiments, callback, **kwargs):
        """Run every experiment x replicate as a RunSpec batch, then hand EMA the aggregated
        outcomes of each experiment (in experiment order)."""
        from ema_workbench.util import EMAError

        from experiments.runner import run_batch
        from experiments.store import Store

        experiments = list(experiments)
        models = {m.name: m for m in self._msis}
        jobs = []
        specs = []
        for exp in experiments:
            model = models[exp.model_name]
            values = self._values(model, exp)
            point = self.next_point + exp.experiment_id
            ids = []
            for r in range(model.nreplications):
                s = model.safegov_target.spec(values, r, design_point=point, label=f"ema-{self.batches}-{exp.experiment_id}")
                specs.append(s)
                ids.append(s.run_id)
            jobs.append((exp, model, ids))
        self.next_point += max((e.experiment_id for e in experiments), default=-1) + 1
        self.batches += 1
        manifest = {"kind": "ema", "ema": {"models": {m.name: _describe(m) for m in self._msis}}}
        report = run_batch(specs, self.store_dir, workers=self.workers, scheduler=self.scheduler,
                           chunk_size=self.chunk_size, quiet=self.quiet, series=self.series,
                           manifest_extra=manifest, desc="ema")
        self.reports.append(report)
        if report.failed:
            lines = "; ".join(report.failure_lines(3))
            raise EMAError(f"{len(report.failed)} of {len(specs)} runs failed ({lines}); rerun to retry them "
                           f"(done runs are kept in {self.store_dir})")
        table = Store(self.store_dir).outcomes(run_ids={s.run_id for s in specs}).set_index("run_id")
        for exp, model, ids in jobs:
            rows = table.loc[ids]
            result = {}
            for outcome in model.outcomes:
                data = [rows[var].to_numpy(dtype=float).tolist() for var in outcome.variable_name]
                result[outcome.name] = float(outcome.process(data))
            callback(exp, result)

    def evaluate_all(self, jobs, **kwargs):
        """Platypus' entry point (optimisation). Same as EMA's, but robust search scores each
        policy on its own experiments (EMA 3.0 scores them on all of the generation's)."""
        if not jobs:
            return jobs
        problem = jobs[0].solution.problem
        if problem.searchover != "robust":
            return super().evaluate_all(jobs, **kwargs)
        from ema_workbench.em_framework.evaluators import perform_experiments
        from ema_workbench.em_framework.optimization import process_jobs

        scenarios, policies = process_jobs(jobs)
        callback = perform_experiments(self._msis, evaluator=self, reporting_frequency=self.reporting_frequency,
                                       scenarios=scenarios, policies=policies, return_callback=True,
                                       log_progress=True)
        experiments, outcomes = callback.get_results()
        evaluate_robust(zip(policies, jobs, strict=True), experiments, outcomes, problem)
        return jobs


def evaluate_robust(jobs_collection, experiments, outcomes: dict, problem) -> None:
    """Robustness scores and constraints of each policy from its own experiments.

    A constraint's outcome names are robustness functions, or raw outcomes (then the mean over
    the policy's experiments, e.g. a budget on the mean enforcement cost)."""
    for policy, job in jobs_collection:
        rows = (experiments["policy"] == policy.name).to_numpy()
        own = {k: np.asarray(v)[rows] for k, v in outcomes.items()}
        scores = {obj.name: float(obj.function(*[own[v] for v in obj.variable_name])) for obj in problem.objectives}
        first = experiments[rows].iloc[0]
        cons = []
        for c in problem.ema_constraints:
            data = [first[v] for v in c.parameter_names]
            data += [scores[v] if v in scores else float(np.mean(own[v])) for v in c.outcome_names]
            cons.append(c.process(data))
        values = [scores[k] for k in problem.outcome_names]
        if cons:
            job.solution.problem.function = lambda _, v=values, c=cons: (v, c)
        else:
            job.solution.problem.function = lambda _, v=values: v
        job.solution.evaluate()


def _describe(model) -> dict:
    t = model.safegov_target
    return {"scenario": t.scenario, "model": t.model, "setup": dict(t.setup), "seed": t.seed,
            "replicates": model.nreplications,
            "uncertainties": [p.name for p in model.uncertainties], "levers": [p.name for p in model.levers],
            "outcomes": {o.name: int(o.kind) for o in model.outcomes}}


def perform_experiments(model, store_dir, scenarios=0, policies=0, *, seed: int | None = 0, workers=None,
                        scheduler=None, quiet: bool = False, **kwargs):
    """EMA's ``perform_experiments`` through the runner: ``(experiments, outcomes)``.

    ``scenarios`` / ``policies``: a number (Latin hypercube, seeded with ``seed`` so a rerun
    draws the same points and resumes) or EMA Samples. Other keywords go to EMA.
    """
    kwargs.setdefault("uncertainty_sampling_kwargs", {"rng": seed})
    kwargs.setdefault("lever_sampling_kwargs", {"rng": None if seed is None else seed + 1})
    kwargs.setdefault("log_progress", True)  # the runner draws the progress bar
    with SafegovEvaluator(model, store_dir, workers=workers, scheduler=scheduler, quiet=quiet) as ev:
        return ev.perform_experiments(scenarios, policies, **kwargs)


def write_experiments(store_dir, experiments, outcomes: dict) -> Path:
    """Save EMA's experiments table with its outcomes next to the store (ema_results.parquet)."""
    from experiments.store import _atomic

    table = experiments.copy()
    for c in table.columns:
        if str(table[c].dtype) == "category":
            table[c] = table[c].astype(str)
    for k, v in outcomes.items():
        table[k] = np.asarray(v, dtype=float).reshape(len(table), -1)[:, 0]
    path = Path(store_dir) / "ema_results.parquet"
    _atomic(path, lambda p: table.to_parquet(p, index=False))
    return path


def describe_json(model) -> str:
    return json.dumps(_describe(model), indent=2, ensure_ascii=False)
