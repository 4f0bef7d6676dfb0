"""Calibration spec files (TOML): free parameters and priors, targets, methods, budget.

::

    scenario = "../../scenarios/historical.toml"   # relative to this file
    targets = "../targets/jiangsu.toml"             # relative to this file
    methods = ["abc-smc", "point"]                  # either or both
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

    [abc]                         # ABC-SMC (pyABC)
    population = 100
    generations = 6
    replicates = 1
    min_epsilon = 0.0
    max_simulations = 5000

    [point]                       # simulated likelihood with common random numbers
    replicates = 8
    max_evaluations = 150
    predictive_draws = 40
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from calibration.targets import Target, _first_error, load_targets
from sim import params
from sim.errors import InputError, read_toml
from sim.scenario import SETUP_KEYS, Scenario, load_scenario

METHODS = ("abc-smc", "point")


class Prior(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prior: Literal["uniform", "loguniform"] = "uniform"
    low: float | None = None
    high: float | None = None


class AbcOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    population: int = Field(100, ge=5, le=100_000)
    generations: int = Field(6, ge=1, le=100)
    replicates: int = Field(1, ge=1, le=100)
    min_epsilon: float = Field(0.0, ge=0)
    max_simulations: int = Field(5000, ge=10)
    batch: int | None = Field(None, ge=1, description="proposals simulated per runner batch")


class PointOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    replicates: int = Field(8, ge=1, le=1000)
    max_evaluations: int = Field(150, ge=5, le=100_000)
    starts: int = Field(1, ge=1, le=20)
    predictive_draws: int = Field(40, ge=2, le=10_000)
    predictive_replicates: int = Field(2, ge=1, le=100)


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scenario: str
    targets: str
    methods: list[Literal["abc-smc", "point"]] = Field(default_factory=lambda: ["abc-smc", "point"], min_length=1)
    seed: int = Field(0, ge=0)
    holdout_after: int | None = None
    allow_recalled: bool = False
    reference_enterprises: float | Literal["auto", "none"] = "auto"
    output_scenario: str | None = None
    description: str = ""
    setup: dict = Field(default_factory=dict)
    fixed: dict[str, float] = Field(default_factory=dict)
    parameters: dict[str, Prior] = Field(min_length=1)
    abc: AbcOptions = Field(default_factory=AbcOptions)
    point: PointOptions = Field(default_factory=PointOptions)

    @field_validator("setup")
    @classmethod
    def _setup(cls, v):
        for k in v:
            if k not in SETUP_KEYS:
                raise ValueError(f"unknown setup key {k!r}; expected one of {', '.join(SETUP_KEYS)}")
        return v

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
                 free: list[FreeParam], reference_enterprises: float | None):
        self.raw, self.path, self.scenario, self.targets, self.free = raw, path, scenario, targets, free
        self.reference_enterprises = reference_enterprises
        self.scenario_path = (path.parent / raw.scenario).resolve()
        self.targets_path = (path.parent / raw.targets).resolve()

    methods = property(lambda self: list(self.raw.methods))
    seed = property(lambda self: self.raw.seed)
    setup = property(lambda self: dict(self.raw.setup))
    fixed = property(lambda self: dict(self.raw.fixed))
    abc = property(lambda self: self.raw.abc)
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


def load_spec(path: str | Path, *, allow_recalled: bool | None = None) -> CalibrationSpec:
    """Read and validate a spec, its scenario and its targets (InputError, one line)."""
    path = Path(path)
    source = str(path)
    raw, _ = read_toml(path, source)
    try:
        spec = _Spec(**raw)
    except ValidationError as exc:
        where, msg = _first_error(exc, "")
        raise InputError(source, where.lstrip(".") or None, msg) from None
    free = []
    for name, prior in spec.parameters.items():
        key = f"parameters.{name}"
        p = params.BY_NAME.get(name)
        if p is None:
            import difflib

            close = difflib.get_close_matches(name, [q.name for q in params.UNCERTAIN], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise InputError(source, key, "not a declared parameter (sim.params)" + hint)
        if p.kind != "uncertain":
            raise InputError(source, key, "is a policy lever; calibration fits only uncertain parameters")
        low = p.low if prior.low is None else prior.low
        high = p.high if prior.high is None else prior.high
        if not (p.low <= low < high <= p.high):
            raise InputError(source, key, f"expected {p.low:g} <= low < high <= {p.high:g} (declared bounds), "
                             f"got low={low:g}, high={high:g}")
        if prior.prior == "loguniform" and low <= 0:
            raise InputError(source, f"{key}.low", "a loguniform prior needs low > 0")
        free.append(FreeParam(name, prior.prior, low, high))
    for name in spec.fixed:
        p = params.BY_NAME.get(name)
        if p is None or p.kind != "uncertain":
            raise InputError(source, f"fixed.{name}", "expected a declared uncertain parameter")
        if name in spec.parameters:
            raise InputError(source, f"fixed.{name}", "is also a free parameter")
    scenario_path = (path.parent / spec.scenario)
    scenario = load_scenario(scenario_path)
    try:
        scenario = scenario.with_overrides(spec.fixed, source=source, **spec.setup)
    except InputError as exc:
        raise InputError(source, exc.key, exc.problem) from None
    opt_in = spec.allow_recalled if allow_recalled is None else (allow_recalled or spec.allow_recalled)
    targets = load_targets(path.parent / spec.targets, allow_recalled=opt_in)
    _check_targets_fit_world(targets, scenario, source)
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
    return CalibrationSpec(spec, path, scenario, targets, free, ref)


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
