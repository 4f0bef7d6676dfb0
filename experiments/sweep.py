"""Sweep specs (TOML): a base scenario, factors with ranges from sim.params, a design, replicates.

Example (see experiments/sweep_*.toml)::

    base = "../scenarios/tiny.toml"   # relative to the spec file, or a name in scenarios/
    replicates = 3
    seed = 1                          # root seed: replicate r uses (seed, r) in every point (CRN)
    months = 24                       # optional horizon
    model = "sim"                     # optional; or "package.module:function"

    [scale]                           # optional Setup overrides (agents, cities, ...)
    agents = 600

    [design]
    kind = "lhs"                      # "factorial" | "lhs" | "table"
    samples = 20                      # lhs: number of points
    # levels = 3                      # factorial: default levels per factor
    # seed = 7                        # lhs: sampling seed (default: the root seed)
    # points = [{ fine_level = 1.0, rescue_capacity = 0.2 }]   # table, or
    # file = "points.csv"             # table: CSV with one column per factor (+ optional label)

    [factors]                         # declared parameters (safegov levers) with ranges
    rescue_capacity = [0.2, 0.8]                      # low, high
    fine_level = { low = 0.5, high = 2.0, levels = 4 }
    inspectors_per_county = { values = [10, 25, 50] }
    optimism = {}                                     # the declared range (safegov levers)

Every problem is one InputError naming the file and key (exit 2 on the command line).
"""

from __future__ import annotations

import csv
import difflib
import itertools
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, ValidationError

from experiments.spec import RunSpec
from sim import params as sim_params
from sim.errors import InputError, read_toml
from sim.scenario import SCENARIO_DIR, SETUP_KEYS, load_scenario

Number = StrictInt | StrictFloat
MAX_POINTS = 1_000_000


class FactorRange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    low: Number | None = None
    high: Number | None = None
    levels: Annotated[int, Field(ge=2, le=1000)] | None = None
    values: list[Number] | None = None


class Design(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["factorial", "lhs", "table"]
    samples: Annotated[int, Field(ge=1, le=MAX_POINTS)] | None = None
    levels: Annotated[int, Field(ge=2, le=1000)] = 3
    seed: Annotated[int, Field(ge=0)] | None = None
    points: list[dict[str, Any]] | None = None
    file: str | None = None


class SweepFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    base: str
    replicates: Annotated[int, Field(ge=1, le=100_000)] = 1
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 0
    months: Annotated[int, Field(ge=1, le=600)] | None = None
    model: str = "sim"
    title: str = ""
    scale: dict[str, Any] = Field(default_factory=dict)
    design: Design
    factors: dict[str, list[Number] | FactorRange] = Field(default_factory=dict)


class Sweep:
    """A validated sweep: base scenario, design points (name -> value dicts) and run specs."""

    def __init__(self, path: Path, raw: SweepFile, base_path: Path, points: list[dict[str, float]],
                 point_labels: list[str], text: str):
        self.path = path
        self.raw = raw
        self.base_path = base_path
        self.points = points
        self.point_labels = point_labels
        self.text = text

    @property
    def setup(self) -> dict:
        setup = dict(self.raw.scale)
        if self.raw.months is not None:
            setup["months"] = self.raw.months
        return setup

    def specs(self) -> list[RunSpec]:
        scenario = str(self.base_path.resolve()) if self.raw.model == "sim" else ""
        return [RunSpec.make(scenario, point, self.setup, seed=self.raw.seed, replicate=r, model=self.raw.model,
                             design_point=k, label=self.point_labels[k])
                for k, point in enumerate(self.points) for r in range(self.raw.replicates)]

    def design_table(self):
        import pandas as pd

        df = pd.DataFrame(self.points)
        df.insert(0, "label", self.point_labels)
        df.insert(0, "design_point", range(len(self.points)))
        return df

    def manifest(self) -> dict:
        return {"kind": "sweep", "spec_file": str(self.path), "spec_text": self.text,
                "design": {"kind": self.raw.design.kind, "points": len(self.points),
                           "factors": list(self.raw.factors) or sorted({k for p in self.points for k in p}),
                           "replicates": self.raw.replicates, "seed": self.raw.seed},
                "base": str(self.base_path), "setup_overrides": self.setup}


def _pydantic_error(exc: ValidationError, source: str) -> InputError:
    err = exc.errors()[0]
    loc = [str(x) for x in err["loc"]]
    # drop pydantic's union-branch names (e.g. 'list[...]', 'FactorRange') from the location
    loc = [x for x in loc if not x.startswith(("list[", "FactorRange", "function-"))]
    key = ".".join(loc) or "(top level)"
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        allowed = {"": SweepFile, "design": Design}.get(".".join(loc[:-1]))
        hint = ""
        if allowed is not None:
            close = difflib.get_close_matches(loc[-1], list(allowed.model_fields), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; expected one of: {', '.join(allowed.model_fields)}"
        msg = "unknown key" + hint
    elif loc[:1] == ["factors"] and len(loc) == 2:
        msg = f"expected [low, high], {{ low, high, levels }} or {{ values = [...] }}, got {err.get('input')!r}"
    elif err["type"] == "missing":
        msg = "required key is missing"
    else:
        msg = f"{msg} (got {err.get('input')!r})"
    return InputError(source, key, msg)


def _check_name(name: str, source: str, key: str) -> sim_params.Param:
    p = sim_params.BY_NAME.get(name)
    if p is None:
        close = difflib.get_close_matches(name, list(sim_params.BY_NAME), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else " (see 'safegov levers')"
        raise InputError(source, key, f"not a declared parameter{hint}")
    return p


def _check_value(p: sim_params.Param, value: float, source: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(source, key, f"expected a number, got {value!r}")
    if not p.low <= value <= p.high:
        raise InputError(source, key, f"{value:g} is outside the declared range {p.low:g}..{p.high:g} ({p.unit})")
    if p.integer and float(value) != round(value):
        raise InputError(source, key, f"expected a whole number, got {value!r}")
    return float(value)


def _factor_levels(name: str, f, default_levels: int, source: str) -> tuple[list[float] | None, tuple | None]:
    """(explicit values or None, (low, high, levels) or None) for one factor, validated."""
    key = f"factors.{name}"
    p = _check_name(name, source, key)
    if isinstance(f, list):
        if len(f) != 2:
            raise InputError(source, key, f"expected [low, high] or a table, got a list of {len(f)}")
        f = FactorRange(low=f[0], high=f[1])
    if f.values is not None:
        if f.low is not None or f.high is not None or f.levels is not None:
            raise InputError(source, key, "give either values or low/high(/levels), not both")
        if not f.values:
            raise InputError(source, f"{key}.values", "expected at least one value")
        return [_check_value(p, v, source, f"{key}.values") for v in f.values], None
    if (f.low is None) != (f.high is None):
        raise InputError(source, key, "expected both low and high (or neither, for the declared range)")
    low = p.low if f.low is None else _check_value(p, f.low, source, f"{key}.low")
    high = p.high if f.high is None else _check_value(p, f.high, source, f"{key}.high")
    if not low < high:
        raise InputError(source, key, f"expected low < high, got {low:g} and {high:g}")
    return None, (low, high, f.levels or default_levels)


def _round(p: sim_params.Param, v: float) -> float:
    return float(round(v)) if p.integer else float(v)


def build_points(raw: SweepFile, source: str, spec_dir: Path) -> tuple[list[dict[str, float]], list[str]]:
    d = raw.design
    factors = raw.factors
    if d.kind in ("factorial", "lhs") and not factors:
        raise InputError(source, "factors", f"a {d.kind} design needs at least one factor")
    if d.kind == "factorial":
        grids = []
        for name, f in factors.items():
            values, rng = _factor_levels(name, f, d.levels, source)
            if values is None:
                low, high, n = rng
                p = sim_params.BY_NAME[name]
                values = sorted({_round(p, v) for v in np.linspace(low, high, n)})
            grids.append(values)
        total = int(np.prod([len(g) for g in grids]))
        if total > MAX_POINTS:
            raise InputError(source, "design.levels", f"the full factorial has {total:,} points (> {MAX_POINTS:,})")
        names = list(factors)
        points = [dict(zip(names, combo, strict=True)) for combo in itertools.product(*grids)]
    elif d.kind == "lhs":
        if d.samples is None:
            raise InputError(source, "design.samples", "a Latin hypercube design needs samples = N")
        from scipy.stats import qmc

        specs = [(name, *_factor_levels(name, f, d.levels, source)) for name, f in factors.items()]
        sampler = qmc.LatinHypercube(d=len(specs), rng=np.random.default_rng(d.seed if d.seed is not None else raw.seed))
        u = sampler.random(d.samples)
        points = []
        for row in u:
            point = {}
            for (name, values, rng), x in zip(specs, row, strict=True):
                p = sim_params.BY_NAME[name]
                if values is not None:
                    point[name] = values[min(int(x * len(values)), len(values) - 1)]
                else:
                    low, high, _ = rng
                    point[name] = min(max(_round(p, low + x * (high - low)), low), high)
            points.append(point)
    else:
        if factors:
            raise InputError(source, "factors", "a table design lists its points in [design]; leave [factors] out")
        if (d.points is None) == (d.file is None):
            raise InputError(source, "design", "a table design needs points = [...] or file = \"points.csv\"")
        labels_given: list[str] = []
        if d.file is not None:
            path = (spec_dir / d.file)
            if not path.exists():
                raise InputError(source, "design.file", f"file not found: {d.file!r}")
            with path.open(newline="", encoding="utf-8") as fh:
                rows = list(csv.DictReader(fh))
            raw_points = []
            for i, row in enumerate(rows):
                labels_given.append(row.pop("label", "") or "")
                point = {}
                for k, v in row.items():
                    try:
                        point[k] = float(v)
                    except (TypeError, ValueError):
                        raise InputError(f"{path}", f"row {i + 2} {k}", f"expected a number, got {v!r}") from None
                raw_points.append(point)
            where = str(path)
        else:
            raw_points = []
            for p_ in d.points:
                p_ = dict(p_)
                labels_given.append(str(p_.pop("label", "")))
                raw_points.append(p_)
            where = source
        if not raw_points:
            raise InputError(source, "design", "the table has no points")
        points = []
        for i, point in enumerate(raw_points):
            checked = {}
            for name, v in point.items():
                key = f"design.points[{i}].{name}" if d.file is None else f"row {i + 2} {name}"
                p = _check_name(name, where, key)
                checked[name] = _check_value(p, v, where, key)
            points.append(checked)
        if any(labels_given):
            return points, [lab or f"p{i:04d}" for i, lab in enumerate(labels_given)]
    return points, [f"p{i:04d}" for i in range(len(points))]


def load_sweep(path: str | Path) -> Sweep:
    """Read and validate a sweep spec; raises InputError (one line) on any problem."""
    path = Path(path)
    source = str(path)
    data, text = read_toml(path, source)
    try:
        raw = SweepFile(**data)
    except ValidationError as exc:
        raise _pydantic_error(exc, source) from None
    base = path.parent / raw.base
    if not base.exists() and (SCENARIO_DIR / f"{raw.base}.toml").exists():
        base = SCENARIO_DIR / f"{raw.base}.toml"
    if not base.exists():
        raise InputError(source, "base", f"scenario not found: {raw.base!r} (looked for {base})")
    for key in raw.scale:
        if key not in SETUP_KEYS:
            close = difflib.get_close_matches(key, list(SETUP_KEYS), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; expected one of: {', '.join(SETUP_KEYS)}"
            raise InputError(source, f"scale.{key}", "unknown key" + hint)
    if raw.model != "sim" and ":" not in raw.model:
        raise InputError(source, "model", f"expected 'sim' or 'package.module:function', got {raw.model!r}")
    points, labels = build_points(raw, source, path.parent)
    sweep = Sweep(path, raw, base, points, labels, text)
    if raw.model == "sim":
        scenario = load_scenario(base)
        scenario.with_overrides({}, source=f"{source}: scale", **sweep.setup)
    else:
        from experiments.runner import resolve_callable

        try:
            resolve_callable(raw.model)
        except InputError as exc:
            raise InputError(source, "model", exc.problem) from None
    return sweep
