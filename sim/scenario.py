"""Scenario files (TOML): loading, ``extends``, lever schedules and validation.

A scenario file has these parts, all optional except in the file at the root of an
``extends`` chain (which supplies the rest from the parameter declaration's defaults)::

    extends = "baseline.toml"          # path relative to this file
    name = "grid_governance"
    title = "Grid governance"          # English title
    title_zh = "网格化治理"
    description = "..."

    [setup]                            # structure and scale, see Setup
    agents = 20000

    [levers]                           # policy levers, declared in sim.params
    grid_workers_per_grid = 2.0

    [behaviour]                        # uncertain behavioural parameters, sim.params
    optimism = 0.5

    [[schedule]]                       # lever changes over time; they persist until changed
    year = 2019                        # calendar year (uses setup.start_year), or
    # month = 49                       # simulation month, 1-based
    levers = { chemical_remediation = 0.3 }

A child file's tables override its parent's key by key; its schedule entries are appended to
the parent's. Every problem is reported as one ``ScenarioError`` naming the file and key.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, ValidationError, create_model

from sim import params
from sim.errors import ScenarioError, read_toml

TOP_LEVEL_KEYS = ("extends", "name", "title", "title_zh", "description", "setup", "levers", "behaviour", "schedule")
SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"


class Setup(BaseModel):
    """Structure and scale of a run (not parameters of behaviour)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    cities: list[str] = Field(default_factory=list, description="English city names; empty = all 13")
    counties_per_city: Annotated[int, Field(ge=1, le=20)] | None = Field(
        None, description="keep only the first N counties of each city (small test worlds)"
    )
    agents: Annotated[int, Field(ge=10, le=5_000_000)] = Field(100_000, description="enterprise agents simulated")
    enterprises_per_agent: Annotated[StrictInt | StrictFloat, Field(ge=1, le=10_000)] = Field(
        12.0, description="real enterprises each agent stands for (super-individuals)"
    )
    grids_per_county: Annotated[int, Field(ge=1, le=5_000)] = Field(200, description="grids (网格) per county-level division")
    months: Annotated[int, Field(ge=1, le=600)] = Field(120, description="horizon in months")
    start_year: Annotated[int, Field(ge=1990, le=2100)] = Field(2020, description="calendar year of month 1")
    warmup_months: Annotated[int, Field(ge=0, le=240)] = Field(
        24, description="months simulated before month 1 (not recorded) to reach a steady state"
    )


SETUP_KEYS = tuple(Setup.model_fields)


def _value_model(kind: str) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for p in params.PARAMETERS:
        if p.kind != kind:
            continue
        base = StrictInt if p.integer else (StrictInt | StrictFloat)
        fields[p.name] = (Annotated[base, Field(ge=p.low, le=p.high)] | None, None)
    return create_model(f"{kind}_values", __config__=ConfigDict(extra="forbid"), **fields)


_LEVER_MODEL = _value_model("lever")
_UNCERTAIN_MODEL = _value_model("uncertain")


@dataclass(frozen=True)
class ScheduleEntry:
    """From simulation month ``month`` (1-based) on, these levers take these values."""

    month: int
    levers: dict[str, float]


@dataclass(frozen=True)
class Scenario:
    """A fully resolved scenario: every parameter has a value.

    Attributes:
        name: short identifier used in output folder names.
        setup: structure and scale.
        levers, behaviour: values of every declared lever / uncertain parameter at month 1.
        schedule: lever changes over time, sorted by month.
        sources: the files read, root first, with their text (for manifests).
    """

    name: str
    setup: Setup
    levers: dict[str, float]
    behaviour: dict[str, float]
    schedule: tuple[ScheduleEntry, ...] = ()
    title: str = ""
    title_zh: str = ""
    description: str = ""
    sources: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @property
    def months(self) -> int:
        return self.setup.months

    def levers_at(self, month: int) -> dict[str, float]:
        """Lever values in force in simulation month ``month`` (1-based)."""
        values = dict(self.levers)
        for entry in self.schedule:
            if entry.month <= month:
                values.update(entry.levers)
        return values

    def values(self) -> dict[str, float]:
        """Every parameter's value at month 1 (levers and behaviour)."""
        return {**self.levers, **self.behaviour}

    def with_overrides(
        self, overrides: dict[str, float] | None = None, *, source: str = "overrides", **setup_changes: Any
    ) -> Scenario:
        """A copy with some parameters and/or setup fields changed, validated like a file.

        A lever override replaces the lever for the whole run, schedule included. Numpy scalars
        (``np.int64(28)``, as samplers and EMA Workbench give them) count as Python numbers.
        """
        overrides = {k: _python_number(v) for k, v in dict(overrides or {}).items()}
        setup_changes = {k: _python_number(v) for k, v in setup_changes.items()}
        levers, behaviour = dict(self.levers), dict(self.behaviour)
        lever_part = {k: v for k, v in overrides.items() if k in params.BY_NAME and params.BY_NAME[k].kind == "lever"}
        behaviour_part = {k: v for k, v in overrides.items() if k not in lever_part}
        levers.update(_validate_values(lever_part, "lever", source, "levers"))
        behaviour.update(_validate_values(behaviour_part, "uncertain", source, "behaviour"))
        schedule = tuple(
            ScheduleEntry(e.month, {k: v for k, v in e.levers.items() if k not in lever_part}) for e in self.schedule
        )
        setup = self.setup
        if setup_changes:
            setup = _validate_setup({**self.setup.model_dump(), **setup_changes}, source)
        return replace(self, levers=levers, behaviour=behaviour, schedule=schedule, setup=setup)

    def text(self) -> str:
        """The scenario files as read, for manifests."""
        return "\n".join(f"# --- {path}\n{body}" for path, body in self.sources)


# ------------------------------------------------------------------------------ validation


def _suggest(key: str, allowed: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else f"; expected one of: {', '.join(allowed)}"


def _python_number(value: Any) -> Any:
    """A numpy scalar as the Python number it holds; anything else unchanged."""
    return value.item() if isinstance(value, np.generic) else value


def _describe(value: Any) -> str:
    return f"{value!r} ({type(value).__name__})"


def _validate_values(raw: Any, kind: str, source: str, table: str) -> dict[str, float]:
    if not isinstance(raw, dict):
        raise ScenarioError(source, f"[{table}]", f"expected a table of name = value, got {_describe(raw)}")
    names = tuple(p.name for p in params.PARAMETERS if p.kind == kind)
    for key in raw:
        if key not in names:
            other = params.BY_NAME.get(key)
            if other is not None:
                right = "levers" if other.kind == "lever" else "behaviour"
                raise ScenarioError(source, f"[{table}] {key}", f"belongs in [{right}], not [{table}]")
            raise ScenarioError(source, f"[{table}] {key}", "unknown key" + _suggest(key, names))
    model = _LEVER_MODEL if kind == "lever" else _UNCERTAIN_MODEL
    try:
        checked = model(**raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0])
        p = params.BY_NAME[name]
        kind_word = "a whole number" if p.integer else "a number"
        raise ScenarioError(
            source,
            f"[{table}] {name}",
            f"expected {kind_word} between {p.low:g} and {p.high:g} ({p.unit}), got {_describe(raw[name])}",
        ) from None
    return {k: float(v) for k, v in checked.model_dump().items() if v is not None}


def _validate_setup(raw: Any, source: str) -> Setup:
    if not isinstance(raw, dict):
        raise ScenarioError(source, "[setup]", f"expected a table, got {_describe(raw)}")
    for key in raw:
        if key not in SETUP_KEYS:
            raise ScenarioError(source, f"[setup] {key}", "unknown key" + _suggest(key, SETUP_KEYS))
    try:
        setup = Setup(**raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = str(err["loc"][0])
        info = Setup.model_fields[key]
        ge = next((m.ge for m in info.metadata if getattr(m, "ge", None) is not None), None)
        le = next((m.le for m in info.metadata if getattr(m, "le", None) is not None), None)
        bounds = f" between {ge} and {le}" if ge is not None and le is not None else ""
        raise ScenarioError(
            source, f"[setup] {key}", f"expected {info.description or key}{bounds}, got {_describe(raw.get(key))}"
        ) from None
    if setup.cities:
        from sim.jurisdiction import city_names

        known = city_names()
        for city in setup.cities:
            if city not in known:
                raise ScenarioError(source, "[setup] cities", f"unknown city {city!r}" + _suggest(city, known))
    return setup


def _validate_schedule(raw: Any, source: str, start_year: int | None) -> list[dict]:
    if not isinstance(raw, list):
        raise ScenarioError(source, "schedule", "expected an array of tables [[schedule]]")
    entries = []
    for i, entry in enumerate(raw, start=1):
        where = f"[[schedule]] #{i}"
        if not isinstance(entry, dict):
            raise ScenarioError(source, where, f"expected a table, got {_describe(entry)}")
        for key in entry:
            if key not in ("month", "year", "levers"):
                raise ScenarioError(source, f"{where} {key}", "unknown key" + _suggest(key, ("month", "year", "levers")))
        if ("month" in entry) == ("year" in entry):
            raise ScenarioError(source, where, "expected exactly one of 'month' or 'year'")
        when = entry.get("month", entry.get("year"))
        if not isinstance(when, int) or isinstance(when, bool):
            raise ScenarioError(
                source, f"{where} {'month' if 'month' in entry else 'year'}", f"expected a whole number, got {_describe(when)}"
            )
        if "month" in entry and when < 1:
            raise ScenarioError(source, f"{where} month", f"expected a month >= 1, got {when}")
        if "levers" not in entry:
            raise ScenarioError(source, f"{where} levers", "missing; expected levers = { name = value }")
        levers = _validate_values(entry["levers"], "lever", source, f"{where} levers")
        entries.append({"month": entry.get("month"), "year": entry.get("year"), "levers": levers})
    return entries


# --------------------------------------------------------------------------------- loading


def _read_toml(path: Path, source: str) -> tuple[dict, str]:
    return read_toml(path, source, ScenarioError)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _load_chain(path: Path, stack: tuple[Path, ...]) -> list[tuple[Path, dict, str]]:
    """Files from the root of the extends chain to ``path``, each checked on its own."""
    source = _display(path)
    resolved = path.resolve()
    if resolved in stack:
        cycle = " -> ".join(_display(p) for p in (*stack, resolved))
        raise ScenarioError(source, "extends", f"circular extends ({cycle})")
    raw, text = _read_toml(path, source)
    for key in raw:
        if key not in TOP_LEVEL_KEYS:
            raise ScenarioError(source, key, "unknown key" + _suggest(key, TOP_LEVEL_KEYS))
    for key in ("extends", "name", "title", "title_zh", "description"):
        if key in raw and not isinstance(raw[key], str):
            raise ScenarioError(source, key, f"expected a string, got {_describe(raw[key])}")
    chain: list[tuple[Path, dict, str]] = []
    if "extends" in raw:
        parent = path.parent / raw["extends"]
        if not parent.exists():
            raise ScenarioError(source, "extends", f"file not found: {raw['extends']!r} (looked for {_display(parent)})")
        chain = _load_chain(parent, (*stack, resolved))
    # Check each file's own tables so an error names the file that holds the bad key.
    if "setup" in raw and not isinstance(raw["setup"], dict):
        raise ScenarioError(source, "[setup]", f"expected a table, got {_describe(raw['setup'])}")
    for key in raw.get("setup", {}):
        if key not in SETUP_KEYS:
            raise ScenarioError(source, f"[setup] {key}", "unknown key" + _suggest(key, SETUP_KEYS))
    if "levers" in raw:
        _validate_values(raw["levers"], "lever", source, "levers")
    if "behaviour" in raw:
        _validate_values(raw["behaviour"], "uncertain", source, "behaviour")
    if "schedule" in raw:
        _validate_schedule(raw["schedule"], source, None)
    chain.append((path, raw, text))
    return chain


def load_scenario(path: str | Path) -> Scenario:
    """Read, merge and validate a scenario file. Raises ScenarioError on any problem."""
    path = Path(path)
    chain = _load_chain(path, ())
    merged: dict[str, Any] = {"setup": {}, "levers": {}, "behaviour": {}}
    schedule_raw: list[tuple[str, dict]] = []
    for file_path, raw, _ in chain:
        for key in ("name", "title", "title_zh", "description"):
            if key in raw:
                merged[key] = raw[key]
        for table in ("setup", "levers", "behaviour"):
            merged[table].update(raw.get(table, {}))
        for entry in raw.get("schedule", []):
            schedule_raw.append((_display(file_path), entry))
    source = _display(path)
    setup = _validate_setup(merged["setup"], source)
    levers = params.defaults("lever") | _validate_values(merged["levers"], "lever", source, "levers")
    behaviour = params.defaults("uncertain") | _validate_values(merged["behaviour"], "uncertain", source, "behaviour")
    schedule: list[ScheduleEntry] = []
    for file_source, entry in schedule_raw:
        (checked,) = _validate_schedule([entry], file_source, setup.start_year)
        month = checked["month"]
        if month is None:
            month = (checked["year"] - setup.start_year) * 12 + 1
            if month < 1:
                # A change dated before the run starts is simply in force from month 1.
                month = 1
        schedule.append(ScheduleEntry(month, checked["levers"]))
    schedule.sort(key=lambda e: e.month)
    return Scenario(
        name=merged.get("name", path.stem),
        setup=setup,
        levers=levers,
        behaviour=behaviour,
        schedule=tuple(schedule),
        title=merged.get("title", ""),
        title_zh=merged.get("title_zh", ""),
        description=merged.get("description", ""),
        sources=tuple((_display(p), text) for p, _, text in chain),
    )


def default_scenario() -> Scenario:
    """A scenario with every parameter at its declared default (no file)."""
    return Scenario(name="defaults", setup=Setup(), levers=params.defaults("lever"), behaviour=params.defaults("uncertain"))
