"""The sensitivity spec (TOML): which factors, within which bounds, at which scale, for which outputs.

Example (all keys optional except ``scenario`` or ``model``)::

    scenario = "../../../scenarios/tiny.toml"  # base scenario, relative to this file
    method = "morris"                     # morris | sobol | pawn (the CLI's --method wins)
    factors = ["levers"]                  # names, or the groups "levers", "uncertain", "all"
    exclude = ["blacklist_months"]        # names to drop from the groups
    samples = 20                          # Morris trajectories r / Sobol' base N / PAWN rows
    replicates = 5                        # runs per design point, (seed, r) shared (CRN)
    seed = 20261128                       # sampling seed and root seed of every run
    outputs = ["deaths", "major_accidents"]
    regions = false                       # also analyse deaths__south, deaths__central, ...

    [bounds]                              # narrowed bounds, within the declared ones
    fine_level = [0.5, 2.0]

    [fixed]                               # parameters held at a value in every run
    campaign_jump = 0.0

    scale = "sensitivity"                 # start from DEFAULT_SCALE (default) or "scenario" (its own setup)
    [setup]                               # then these Setup fields (agents, months, cities, ...)
    agents = 3000
    months = 36

A callable model instead of the simulation: ``model = "package.module:function"``, called as
``function(params: dict, seed, replicate) -> dict[str, float]``; its factors are the keys of
``[bounds]`` (or ``factors``, each with bounds) and ``scenario`` is not used.

Output names are those of ``experiments.outcomes.scalar_outcomes``; friendlier aliases are
accepted (``OUTPUT_ALIASES``), also with a region suffix (``major_accidents__north``).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt

from experiments.outcomes import LABELS, OUTCOMES
from experiments.sensitivity.problem import Factor, declared_factor
from sim import inputs, params
from sim.errors import InputError
from sim.inputs import StrictModel, check_param, parse_model, read_toml, suggest
from sim.jurisdiction import REGIONS
from sim.scenario import SETUP_KEYS

METHODS = ("morris", "sobol", "pawn")
GROUPS = ("levers", "uncertain", "all")

#: Scalar outcomes of a model run (the experiments contract, docs/DEVELOPING.md).
SCALAR_OUTCOMES = OUTCOMES

#: Friendly names accepted for outputs -> the outcome column they mean.
OUTPUT_ALIASES = {
    "major_accidents": "major_or_worse",            # 重大及以上事故 (grade major or especially major)
    "larger_accidents": "larger_or_worse",          # 较大及以上事故
    "serious_accidents": "larger_or_worse",
    "deaths_total": "deaths",
    "accidents_total": "accidents",
    "compliance": "compliance_rate",
    "hazards": "hazards_per_enterprise",
    "penalties": "penalty_cases",
    "enforcement_cost": "enforcement_cost_10k_cny",
    "cost": "enforcement_cost_10k_cny",
    "compliance_cost": "compliance_cost_10k_cny",
    "zero_penalty": "zero_penalty_counties",
}

OUTPUT_ZH = {name: zh for name, (_, zh, _) in LABELS.items()}

DEFAULT_OUTPUTS = ("deaths", "major_or_worse", "accidents", "compliance_rate")
DEFAULT_SAMPLES = {"morris": 20, "sobol": 256, "pawn": 500}

#: The default sensitivity scale (``scale = "sensitivity"``, see README "Sensitivity analysis"):
#: the whole province (13 cities, 95 counties, as the scenario says) with 3,000 agents, each
#: standing for as many enterprises as keeps the scenario's real total (``sim.scale.rescaled``:
#: 400 for the baseline's 1.2 million production units), 5 grids per county, 3 years after a
#: 1-year warm-up. About 0.15 s a run on one core: Morris on all levers with r = 20 and
#: 5 replicates (2,400 runs) takes about 3-4 minutes on 2 workers.
DEFAULT_SCALE = {"agents": 3000, "grids_per_county": 5, "months": 36, "warmup_months": 12}

Number = StrictInt | StrictFloat


class _SpecFile(StrictModel):
    scenario: str | None = None
    model: str | None = None
    title: str = ""
    method: Literal["morris", "sobol", "pawn"] | None = None
    factors: list[str] = Field(default_factory=lambda: ["levers"])
    exclude: list[str] = Field(default_factory=list)
    samples: StrictInt | None = Field(None, ge=2, le=1_000_000)
    replicates: StrictInt = Field(3, ge=1, le=10_000)
    seed: StrictInt = Field(12345, ge=0, le=2**63 - 1)
    outputs: list[str] | None = None
    regions: bool = False
    scale: Literal["sensitivity", "scenario"] = "sensitivity"
    num_levels: StrictInt = Field(4, ge=2, le=20)
    slices: StrictInt = Field(10, ge=2, le=100)
    bounds: dict[str, list[Number]] = Field(default_factory=dict)
    fixed: dict[str, Number] = Field(default_factory=dict)
    setup: dict[str, Any] = Field(default_factory=dict)


class SensitivitySpec(BaseModel):
    """A validated sensitivity spec (paths resolved, factors built, outputs canonical)."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    source: str
    title: str
    scenario: str            # absolute path of the base scenario ("" for a callable)
    model: str               # "sim" or "package.module:function"
    method: str
    factors: tuple[Factor, ...]
    fixed: dict[str, float]
    setup: dict[str, Any]
    samples: int
    replicates: int
    seed: int
    outputs: tuple[str, ...]
    regions: bool
    num_levels: int
    slices: int

    @property
    def is_callable(self) -> bool:
        return self.model != "sim"

    def all_outputs(self) -> tuple[str, ...]:
        """Outputs analysed, with region suffixes when ``regions`` is set."""
        if not self.regions or self.is_callable:
            return self.outputs
        out = list(self.outputs)
        for o in self.outputs:
            if "__" not in o:
                out += [f"{o}__{r}" for r in REGIONS]
        return tuple(out)

    def describe(self) -> dict:
        """JSON-ready record for the manifest."""
        return {"source": self.source, "title": self.title, "scenario": self.scenario, "model": self.model,
                "method": self.method, "samples": self.samples, "replicates": self.replicates,
                "seed": self.seed, "outputs": list(self.all_outputs()), "regions": self.regions,
                "num_levels": self.num_levels, "slices": self.slices, "fixed": self.fixed,
                "setup": self.setup,
                "factors": [{"name": f.name, "low": f.low, "high": f.high, "kind": f.kind,
                             "integer": f.integer} for f in self.factors]}


def canonical_output(name: str) -> str:
    """Map an alias (optionally with a region suffix) to the outcome column name."""
    base, sep, region = name.partition("__")
    return OUTPUT_ALIASES.get(base, base) + (sep + region if sep else "")


def output_title(name: str) -> str:
    """'deaths (死亡人数)', 'deaths, north (死亡人数·苏北)'."""
    from sim.jurisdiction import REGION_ZH

    base, _, region = name.partition("__")
    zh = OUTPUT_ZH.get(base, "")
    if region:
        rzh = REGION_ZH.get(region, "")
        return f"{base}, {region}" + (f" ({zh}·{rzh})" if zh else "")
    return f"{base} ({zh})" if zh else base


def _known_outcomes() -> tuple[str, ...]:
    return SCALAR_OUTCOMES


def _check_output(name: str, source: str, callable_model: bool) -> str:
    canon = canonical_output(name)
    if callable_model:
        return canon
    base, sep, region = canon.partition("__")
    known = _known_outcomes()
    if base not in known:
        hint = suggest(base, [*known, *OUTPUT_ALIASES])
        if "did you mean" not in hint:
            hint = suggest(base, known)
        raise InputError(source, "outputs", f"unknown output {name!r}" + hint)
    if sep and region not in REGIONS:
        raise InputError(source, "outputs", f"unknown region {region!r} in {name!r}; expected one of: "
                         f"{', '.join(REGIONS)}")
    return canon


def _check_model_path(text: str, source: str) -> str:
    inputs.resolve_callable(text, source, "model")
    return text


def _pick_factors(raw: _SpecFile, source: str) -> list[str]:
    names: list[str] = []
    for item in raw.factors:
        if item == "levers":
            names += [p.name for p in params.LEVERS]
        elif item == "uncertain":
            names += [p.name for p in params.UNCERTAIN]
        elif item == "all":
            names += [p.name for p in params.PARAMETERS]
        elif item in params.BY_NAME:
            names.append(item)
        else:
            hint = suggest(item, [*params.BY_NAME, *GROUPS], listed=0)
            if "did you mean" not in hint:
                hint = "; expected a declared parameter or one of levers, uncertain, all (see 'safegov levers')"
            raise InputError(source, "factors", f"unknown factor {item!r}" + hint)
    for item in raw.exclude:
        if item not in params.BY_NAME:
            raise InputError(source, "exclude", f"unknown parameter {item!r}" + suggest(item, list(params.BY_NAME))
                             + " (see 'safegov levers')")
    names = [n for n in dict.fromkeys(names) if n not in raw.exclude and n not in raw.fixed]
    return names


def build_spec(data: dict, source: str, base_dir: Path | None = None, *, method: str | None = None,
               samples: int | None = None, replicates: int | None = None, outputs: list[str] | None = None,
               seed: int | None = None, regions: bool | None = None) -> SensitivitySpec:
    """Validate a spec's content (a dict as read from TOML); keyword arguments override it."""
    base_dir = base_dir or Path.cwd()
    raw = parse_model(_SpecFile, data, source)
    if (raw.scenario is None) == (raw.model is None):
        raise InputError(source, "scenario", "expected exactly one of 'scenario' (the simulation) or "
                         "'model' (a callable 'package.module:function')")
    chosen_method = method or raw.method or "morris"
    if chosen_method not in METHODS:
        raise InputError(source, "method", f"expected one of {', '.join(METHODS)}, got {chosen_method!r}")

    fixed: dict[str, float] = {}
    setup: dict[str, Any] = {}
    if raw.model is not None:
        model = _check_model_path(raw.model, source)
        scenario = ""
        if raw.setup:
            raise InputError(source, "setup", "only for the simulation (scenario = ...), not a callable model")
        names = list(dict.fromkeys([n for n in raw.factors if n not in GROUPS] or list(raw.bounds)))
        factors = []
        for n in names:
            if n not in raw.bounds:
                raise InputError(source, f"bounds.{n}", "a callable model's factor needs bounds = [low, high]")
            low, high = _bounds(raw.bounds[n], source, n)
            factors.append(Factor(n, low, high))
        for n in raw.bounds:
            if n not in names:
                raise InputError(source, f"bounds.{n}", "not among the factors")
        fixed = {k: float(v) for k, v in raw.fixed.items()}
    else:
        model = "sim"
        path = inputs.find_scenario(raw.scenario, base_dir)
        if not path.is_file():
            what = "is a folder, expected a scenario file" if path.is_dir() else "file not found"
            raise InputError(source, "scenario", f"{what}: {raw.scenario!r} (looked for {path})")
        path = path.resolve()
        scenario = str(path)
        from sim.scenario import load_scenario

        base = load_scenario(path)  # ScenarioError (an InputError) names the scenario file
        for k, v in raw.fixed.items():
            fixed[k] = float(check_param(k, v, source, f"fixed.{k}"))
        names = _pick_factors(raw, source)
        factors = []
        for n in raw.bounds:
            if n not in params.BY_NAME:
                raise InputError(source, f"bounds.{n}", "unknown parameter" + suggest(n, list(params.BY_NAME))
                                 + " (see 'safegov levers')")
            if n not in names:
                raise InputError(source, f"bounds.{n}", "not among the factors (add it to 'factors' or drop "
                                 "its bounds)")
        for n in names:
            p = params.BY_NAME[n]
            low, high = (p.low, p.high)
            if n in raw.bounds:
                low, high = _bounds(raw.bounds[n], source, n)
                if low < p.low or high > p.high:  # narrowed, never wider than declared
                    raise InputError(source, f"bounds.{n}", f"expected bounds within the declared "
                                     f"[{p.low:g}, {p.high:g}] ({p.unit}), got [{low:g}, {high:g}]")
            factors.append(declared_factor(n, low, high))
        setup = dict(DEFAULT_SCALE) if raw.scale == "sensitivity" else {}
        setup.update(raw.setup)
        inputs.check_keys(raw.setup, SETUP_KEYS, source, "setup.")
        if "agents" in setup and "enterprises_per_agent" not in raw.setup:
            from sim.scale import rescaled

            # fewer agents, same real enterprises as the base scenario (its cities' share if narrowed)
            setup.update(rescaled(base.setup, setup["agents"], setup.get("cities") or None))
        try:
            base.with_overrides(fixed, source=source, **setup)
        except InputError as exc:
            key = exc.key.replace("[setup] ", "setup.") if exc.key else None
            raise InputError(source, key, exc.problem) from None
    if not factors:
        raise InputError(source, "factors", "no factor left to vary")
    if len({f.name for f in factors}) != len(factors):
        raise InputError(source, "factors", "a factor is listed twice")

    outs = outputs if outputs is not None else raw.outputs
    if outs is None:
        outs = ["y"] if raw.model is not None else list(DEFAULT_OUTPUTS)
    if not outs:
        raise InputError(source, "outputs", "expected at least one output")
    canon = tuple(dict.fromkeys(_check_output(o, source, raw.model is not None) for o in outs))

    n = samples if samples is not None else (raw.samples or DEFAULT_SAMPLES[chosen_method])
    if chosen_method == "sobol" and (n < 4 or n & (n - 1)):
        raise InputError(source, "samples", f"Sobol' needs a power of two >= 4 as base sample N, got {n}")
    if chosen_method == "morris" and n < 2:
        raise InputError(source, "samples", f"Morris needs at least 2 trajectories, got {n}")
    if chosen_method == "pawn" and n < 4 * raw.slices:
        raise InputError(source, "samples", f"PAWN needs at least {4 * raw.slices} rows for {raw.slices} "
                         f"slices, got {n}")
    reps = replicates if replicates is not None else raw.replicates
    from experiments.sensitivity.sampling import points_per_sample

    rows = int(n) * points_per_sample(chosen_method, len(factors))
    inputs.check_runs(rows * int(reps), source, "samples", f"{chosen_method} with samples = {n} on {len(factors)} "
                      f"factors ({rows:,} design points) x {reps} replicates")
    return SensitivitySpec(
        source=source, title=raw.title, scenario=scenario, model=model, method=chosen_method,
        factors=tuple(factors), fixed=fixed, setup=setup, samples=int(n), replicates=int(reps),
        seed=int(seed if seed is not None else raw.seed), outputs=canon,
        regions=bool(raw.regions if regions is None else regions), num_levels=raw.num_levels,
        slices=raw.slices)


def _bounds(value: list, source: str, name: str) -> tuple[float, float]:
    if len(value) != 2 or not all(math.isfinite(v) for v in value) or value[0] >= value[1]:
        raise InputError(source, f"bounds.{name}", f"expected [low, high] with low < high, got {value!r}")
    return float(value[0]), float(value[1])


def load_spec(path: str | Path, **overrides) -> SensitivitySpec:
    """Read and validate a spec file; raises InputError (one line naming file and key)."""
    path = Path(path)
    source = str(path)
    data, _ = read_toml(path, source)
    return build_spec(data, source, path.parent, **overrides)
