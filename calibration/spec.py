"""Calibration spec files (TOML): free parameters and priors, targets, methods, budget.

::

    scenario = "../../scenarios/historical.toml"   # relative to this file
    targets = "../targets/jiangsu.toml"             # relative to this file
    methods = ["history-matching", "abc-smc"]       # any of history-matching, abc-smc, point
    seed = 2015
    holdout_after = 2021          # fit on targets ending by 2021; predict the later ones
    allow_recalled = false        # recalled figures need this opt-in
    reference_enterprises = "auto"  # scale counts to the full province ("auto": baseline size)
    output_scenario = "../../scenarios/calibrated.toml"

    [setup]                       # scale of the simulated world (Setup fields)
    agents = 20000

    [fixed]                       # uncertain parameters held at other values than the scenario's
    exit_rate = 0.005

    [parameters.base_incident_rate]   # only uncertain parameters (sim.params), never levers
    prior = "loguniform"              # uniform | loguniform
    low = 0.001                       # default: the declared bounds
    high = 0.01

    [history_matching]            # emulator waves (calibration/history_match.py)
    waves = 3
    runs = 60                     # model runs per wave
    cutoff = 3.0                  # implausibility cut-off

    [abc]                         # ABC-SMC (pyABC); inside history matching's region if it ran
    population = 100
    generations = 6
    replicates = 1
    min_epsilon = 0.0
    max_simulations = 5000

    [also_run.baseline]           # another run, for targets with also_on = ["baseline"]
    scenario = "../../scenarios/baseline.toml"
    setup = { months = 12 }       # on top of [setup]

    [point]                       # simulated likelihood with common random numbers
    replicates = 8
    max_evaluations = 150
    predictive_draws = 40
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StrictFloat, StrictInt, model_validator

from calibration.targets import Target, load_targets, measured_on_runs
from sim import inputs, params
from sim.errors import InputError
from sim.inputs import MAX_RUNS, StrictModel, check_param, parse_model, read_toml
from sim.scenario import SETUP_KEYS, Scenario, load_scenario

METHODS = ("history-matching", "abc-smc", "point")
Number = StrictInt | StrictFloat


class Prior(StrictModel):
    prior: Literal["uniform", "loguniform"] = "uniform"
    low: Number | None = None
    high: Number | None = None


class AbcOptions(StrictModel):
    population: int = Field(100, ge=5, le=100_000)
    generations: int = Field(6, ge=1, le=100)
    replicates: int = Field(1, ge=1, le=100)
    min_epsilon: Number = Field(0.0, ge=0)
    max_simulations: int = Field(5000, ge=10, le=MAX_RUNS)
    batch: int | None = Field(None, ge=1, le=MAX_RUNS, description="proposals simulated per runner batch")
    estimate_candidates: int = Field(0, ge=0, le=1000, description="closest particles run again to pick the "
                                     "estimate (0: the closest particle's one run decides)")
    estimate_replicates: int = Field(4, ge=1, le=100, description="replicates of each candidate (common seeds)")


class HistoryMatchingOptions(StrictModel):
    waves: int = Field(3, ge=1, le=20)
    runs: int = Field(60, ge=5, le=MAX_RUNS, description="model runs per wave")
    replicates: int = Field(1, ge=1, le=100)
    cutoff: Number = Field(3.0, gt=0, le=10, description="implausibility cut-off (3: Pukelsheim's rule)")
    candidates: int = Field(100_000, ge=1000, le=2_000_000, description="prior points sampled per wave")
    recovery_points: int = Field(6, ge=0, le=100, description="synthetic data sets for the recovery check")


class PointOptions(StrictModel):
    replicates: int = Field(8, ge=1, le=1000)
    max_evaluations: int = Field(150, ge=5, le=100_000)
    starts: int = Field(1, ge=1, le=20)
    predictive_draws: int = Field(40, ge=2, le=10_000)
    predictive_replicates: int = Field(2, ge=1, le=100)


class AlsoRun(StrictModel):
    scenario: str
    setup: dict = Field(default_factory=dict, description="setup changes on top of the spec's [setup]")
    description: str = ""


class _Spec(StrictModel):
    scenario: str
    targets: str
    methods: list[Literal["history-matching", "abc-smc", "point"]] = Field(
        default_factory=lambda: ["abc-smc", "point"], min_length=1)
    seed: int = Field(0, ge=0, le=2**63 - 1)
    holdout_after: Annotated[int, Field(ge=1990, le=2100)] | None = None
    allow_recalled: bool = False
    reference_enterprises: Annotated[Number, Field(gt=0, le=1e9)] | Literal["auto", "none"] = Field(
        "auto", description="enterprises of the full province that counts are scaled to")
    output_scenario: str | None = None
    description: str = ""
    setup: dict = Field(default_factory=dict)
    also_run: dict[str, AlsoRun] = Field(default_factory=dict, max_length=10)
    fixed: dict[str, Number] = Field(default_factory=dict)
    parameters: dict[str, Prior] = Field(min_length=1)
    history_matching: HistoryMatchingOptions = Field(default_factory=HistoryMatchingOptions)
    abc: AbcOptions = Field(default_factory=AbcOptions)
    point: PointOptions = Field(default_factory=PointOptions)

    @model_validator(mode="after")
    def _unique_methods(self):
        if len(set(self.methods)) != len(self.methods):
            raise ValueError("methods are listed twice")
        return self


class FreeParam:
    """A free parameter with its prior on [low, high]."""

    def __init__(self, name: str, prior: str, low: float, high: float):
        self.name, self.prior, self.low, self.high = name, prior, float(low), float(high)

    def __repr__(self) -> str:
        return f"FreeParam({self.name}, {self.prior}, [{self.low:g}, {self.high:g}])"


class CalibrationSpec:
    """A validated spec with its scenario and targets loaded."""

    def __init__(self, raw: _Spec, path: Path, scenario: Scenario, targets: list[Target],
                 free: list[FreeParam], reference_enterprises: float | None,
                 also_runs: dict[str, tuple[Path, dict]] | None = None):
        self.raw, self.path, self.scenario, self.targets, self.free = raw, path, scenario, targets, free
        self.reference_enterprises = reference_enterprises
        self.scenario_path = (path.parent / raw.scenario).resolve()
        self.targets_path = (path.parent / raw.targets).resolve()
        #: the other runs targets are measured on: name -> (scenario path, setup of the run)
        self.also_runs: dict[str, tuple[Path, dict]] = dict(also_runs or {})

    methods = property(lambda self: list(self.raw.methods))
    seed = property(lambda self: self.raw.seed)
    setup = property(lambda self: dict(self.raw.setup))
    fixed = property(lambda self: dict(self.raw.fixed))
    abc = property(lambda self: self.raw.abc)
    history_matching = property(lambda self: self.raw.history_matching)
    point = property(lambda self: self.raw.point)
    holdout_after = property(lambda self: self.raw.holdout_after)

    @property
    def fit_targets(self) -> list[Target]:
        h = self.raw.holdout_after
        return [t for t in self.targets if h is None or t.last_year <= h]

    @property
    def heldout_targets(self) -> list[Target]:
        h = self.raw.holdout_after
        return [] if h is None else [t for t in self.targets if t.last_year > h]

    def output_scenario(self, override: str | Path | None = None) -> Path:
        if override is not None:
            return Path(override)
        if self.raw.output_scenario:
            return (self.path.parent / self.raw.output_scenario).resolve()
        from sim.scenario import SCENARIO_DIR

        return SCENARIO_DIR / "calibrated.toml"


def _file_key(spec_dir: Path, text: str, source: str, key: str, *, scenario: bool = False) -> Path:
    """A file named by the spec (relative to it; a scenario may also be a bare name)."""
    try:
        inputs.path_text(text, "file name")
    except ValueError as exc:
        raise InputError(source, key, str(exc)) from None
    path = inputs.find_scenario(text, spec_dir) if scenario else spec_dir / text
    if not path.is_file():
        what = "is a folder, expected a file" if path.is_dir() else "file not found"
        raise InputError(source, key, f"{what}: {text!r} (looked for {path})")
    return path


def load_spec(path: str | Path, *, allow_recalled: bool | None = None) -> CalibrationSpec:
    """Read and validate a spec, its scenario and its targets (InputError, one line)."""
    path = Path(path)
    source = str(path)
    raw, _ = read_toml(path, source)
    spec = parse_model(_Spec, raw, source)
    inputs.check_keys(spec.setup, SETUP_KEYS, source, "setup.")
    free = []
    for name, prior in spec.parameters.items():
        key = f"parameters.{name}"
        p = params.BY_NAME.get(name)
        if p is None:
            raise InputError(source, key, "not a declared parameter (sim.params)"
                             + inputs.suggest(name, [q.name for q in params.UNCERTAIN]))
        if p.kind != "uncertain":
            raise InputError(source, key, "is a policy lever; calibration fits only uncertain parameters")
        low = p.low if prior.low is None else float(check_param(name, prior.low, source, f"{key}.low"))
        high = p.high if prior.high is None else float(check_param(name, prior.high, source, f"{key}.high"))
        if not low < high:
            raise InputError(source, key, f"expected low < high within the declared bounds {p.low:g}..{p.high:g}, "
                             f"got low={low:g}, high={high:g}")
        if prior.prior == "loguniform" and low <= 0:
            raise InputError(source, f"{key}.low", "a loguniform prior needs low > 0")
        free.append(FreeParam(name, prior.prior, low, high))
    for name, value in spec.fixed.items():
        p = params.BY_NAME.get(name)
        if p is None or p.kind != "uncertain":
            raise InputError(source, f"fixed.{name}", "expected a declared uncertain parameter"
                             + inputs.suggest(name, [q.name for q in params.UNCERTAIN]))
        if name in spec.parameters:
            raise InputError(source, f"fixed.{name}", "is also a free parameter")
        check_param(name, value, source, f"fixed.{name}")
    scenario_path = _file_key(path.parent, spec.scenario, source, "scenario", scenario=True)
    targets_path = _file_key(path.parent, spec.targets, source, "targets")
    if spec.output_scenario is not None:
        try:
            inputs.path_text(spec.output_scenario, "file name")
        except ValueError as exc:
            raise InputError(source, "output_scenario", str(exc)) from None
    scenario = load_scenario(scenario_path)
    try:
        scenario = scenario.with_overrides(spec.fixed, source=source, **spec.setup)
    except InputError as exc:
        key = exc.key.replace("[setup] ", "setup.") if exc.key else None
        raise InputError(source, key, exc.problem) from None
    opt_in = spec.allow_recalled if allow_recalled is None else (allow_recalled or spec.allow_recalled)
    targets = load_targets(targets_path, allow_recalled=opt_in)
    _check_targets_fit_world(targets, scenario, source)
    also_runs, also_scenarios = {}, {}
    for name, run in spec.also_run.items():
        key = f"also_run.{name}"
        if not name.isidentifier():
            raise InputError(source, key, "expected a name of letters, digits and _")
        inputs.check_keys(run.setup, SETUP_KEYS, source, f"{key}.setup.")
        run_path = _file_key(path.parent, run.scenario, source, f"{key}.scenario", scenario=True)
        setup = {**spec.setup, **run.setup}
        try:
            also_scenarios[name] = load_scenario(run_path).with_overrides(spec.fixed, source=source, **setup)
        except InputError as exc:
            raise InputError(source, f"{key}.setup", exc.problem) from None
        also_runs[name] = (run_path.resolve(), setup)
    for t in targets:
        for name in t.also_on:
            if name not in also_runs:
                raise InputError(source, f"targets: {t.name}",
                                 f"also_on names the run {name!r}, which the spec does not define "
                                 f"([also_run.{name}] with a scenario)")
    targets = measured_on_runs(targets)
    for name, run_scenario in also_scenarios.items():
        _check_targets_fit_world([t for t in targets if t.run == name], run_scenario, source)
    if spec.reference_enterprises == "none":
        ref = None
    elif spec.reference_enterprises == "auto":
        from sim.scale import real_enterprises
        from sim.scenario import SCENARIO_DIR

        ref = real_enterprises(load_scenario(SCENARIO_DIR / "baseline.toml").setup)
    else:
        ref = float(spec.reference_enterprises)
    if spec.holdout_after is not None:
        fit = [t for t in targets if t.last_year <= spec.holdout_after]
        if not fit:
            raise InputError(source, "holdout_after", f"no target ends by {spec.holdout_after}; nothing to fit")
    out = CalibrationSpec(spec, path, scenario, targets, free, ref, also_runs)
    out.scenario_path = scenario_path.resolve()
    out.targets_path = targets_path.resolve()
    return out


def _check_targets_fit_world(targets: list[Target], scenario: Scenario, source: str) -> None:
    start = scenario.setup.start_year
    end = start + scenario.setup.months // 12 - 1
    cities = scenario.setup.cities
    for t in targets:
        a, b = t.years
        if a < start or b > end:
            raise InputError(source, f"targets: {t.name}",
                             f"period {t.period} lies outside the simulated years {start}-{end}")
        for scope in (t.scope, t.denominator_scope or t.scope):
            if scope.startswith("city:") and cities and scope[5:] not in cities:
                raise InputError(source, f"targets: {t.name}",
                                 f"{scope} is not in the simulated world (setup.cities = {cities})")
