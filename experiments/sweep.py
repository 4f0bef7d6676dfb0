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
import io
import itertools
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, StrictFloat, StrictInt

from experiments.spec import RunSpec
from sim import inputs
from sim import params as sim_params
from sim.errors import InputError
from sim.inputs import StrictModel, check_param, parse_model, read_toml
from sim.scenario import SETUP_KEYS, load_scenario

Number = StrictInt | StrictFloat
MAX_POINTS = inputs.MAX_RUNS


class FactorRange(StrictModel):
    low: Number | None = None
    high: Number | None = None
    levels: Annotated[int, Field(ge=2, le=1000)] | None = None
    values: list[Number] | None = None


class Design(StrictModel):
    kind: Literal["factorial", "lhs", "table"]
    samples: Annotated[int, Field(ge=1, le=MAX_POINTS)] | None = None
    levels: Annotated[int, Field(ge=2, le=1000)] = 3
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] | None = None
    points: list[dict[str, Any]] | None = None
    file: str | None = None


class SweepFile(StrictModel):
    base: str
    replicates: Annotated[int, Field(ge=1, le=100_000)] = 1
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 0
    months: Annotated[int, Field(ge=1, le=600)] | None = None
    model: str = "sim"
    title: str = ""
    scale: dict[str, Any] = Field(default_factory=dict)
    design: Design
    factors: dict[str, list[Number] | FactorRange] = Field(default_factory=dict)


FACTOR_HINT = {"factors.*": "[low, high], { low, high, levels } or { values = [...] }"}


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


def _check_name(name: str, source: str, key: str) -> sim_params.Param:
    p = sim_params.BY_NAME.get(name)
    if p is None:
        raise InputError(source, key, "not a declared parameter" + inputs.suggest(name, list(sim_params.BY_NAME))
                         + " (see 'safegov levers')")
    return p


def _check_value(p: sim_params.Param, value, source: str, key: str) -> float:
    return float(check_param(p.name, value, source, key))


def _factor_levels(name: str, f, default_levels: int, source: str) -> tuple[list[float] | None, tuple | None]:
    """(explicit values or None, (low, high, levels) or None) for one factor, validated."""
    key = f"factors.{name}"
    p = _check_name(name, source, key)
    if isinstance(f, list):
        if len(f) != 2:
            raise InputError(source, key, f"expected [low, high] or a table, got an array of {len(f)}")
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


def _read_table_file(d: Design, source: str, spec_dir: Path) -> tuple[list[dict], list[str], str]:
    """Points of a table design's CSV file (one column per factor, optional label column)."""
    path = spec_dir / d.file
    where = str(path)
    text = inputs.read_text(path, source, "design.file")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    inputs.check_runs(len(rows), source, "design.file", f"the table {d.file!r}")
    labels, points = [], []
    for i, row in enumerate(rows):
        if None in row:
            raise InputError(where, f"row {i + 2}", "more cells than columns in the header")
        labels.append(row.pop("label", "") or "")
        point = {}
        for k, v in row.items():
            try:
                value = float(v)
            except (TypeError, ValueError):
                raise InputError(where, f"row {i + 2} {k}", f"expected a number, got {v!r}") from None
            point[k] = int(value) if value.is_integer() and abs(value) < 2**53 else value
        points.append(point)
    return points, labels, where


def _design_runs(raw: SweepFile, source: str) -> int:
    """Runs the design will make, computed from the spec alone (nothing allocated)."""
    d = raw.design
    if d.kind == "factorial":
        total = 1
        for f in raw.factors.values():
            if isinstance(f, list):
                n = d.levels
            elif f.values is not None:
                n = max(1, len(f.values))
            else:
                n = f.levels or d.levels
            total *= n
            if total > MAX_POINTS * raw.replicates:
                break
        return total * raw.replicates
    if d.kind == "lhs":
        return (d.samples or 0) * raw.replicates
    return len(d.points or []) * raw.replicates


def build_points(raw: SweepFile, source: str, spec_dir: Path) -> tuple[list[dict[str, float]], list[str]]:
    d = raw.design
    factors = raw.factors
    if d.kind in ("factorial", "lhs") and not factors:
        raise InputError(source, "factors", f"a {d.kind} design needs at least one factor")
    key = {"factorial": "design.levels", "lhs": "design.samples"}.get(d.kind, "design.points")
    inputs.check_runs(_design_runs(raw, source), source, key, f"the {d.kind} design x {raw.replicates} replicates")
    if d.kind == "factorial":
        grids = []
        for name, f in factors.items():
            values, rng = _factor_levels(name, f, d.levels, source)
            if values is None:
                low, high, n = rng
                p = sim_params.BY_NAME[name]
                values = sorted({_round(p, v) for v in np.linspace(low, high, n)})
            grids.append(values)
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
            raw_points, labels_given, where = _read_table_file(d, source, spec_dir)
            inputs.check_runs(len(raw_points) * raw.replicates, source, "design.file",
                              f"the table x {raw.replicates} replicates")
        else:
            raw_points = []
            for i, p_ in enumerate(d.points):
                p_ = dict(p_)
                label = p_.pop("label", "")
                if not isinstance(label, str):
                    raise InputError(source, f"design.points[{i}].label", f"expected a string, got "
                                     f"{inputs.describe(label)}")
                labels_given.append(label)
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
    raw = parse_model(SweepFile, data, source, hints=FACTOR_HINT)
    base = inputs.find_scenario(raw.base, path.parent)
    if not base.is_file():
        what = "is a folder, expected a scenario file" if base.is_dir() else "scenario not found"
        raise InputError(source, "base", f"{what}: {raw.base!r} (looked for {base}"
                         + (f" and {inputs.SCENARIO_DIR}/{raw.base}.toml)" if inputs._is_bare_name(raw.base) else ")"))
    inputs.check_keys(raw.scale, SETUP_KEYS, source, "scale.")
    if raw.model != "sim":
        inputs.resolve_callable(raw.model, source, "model")
    points, labels = build_points(raw, source, path.parent)
    sweep = Sweep(path, raw, base, points, labels, text)
    if raw.model == "sim":
        scenario = load_scenario(base)
        try:
            scenario.with_overrides({}, source=source, **sweep.setup)
        except InputError as exc:
            key = exc.key.replace("[setup] ", "scale.") if exc.key else "scale"
            raise InputError(source, key, exc.problem) from None
    return sweep
