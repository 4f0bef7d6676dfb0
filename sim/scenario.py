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

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import Field, StrictFloat, StrictInt

from sim import params
from sim.errors import ScenarioError
from sim.inputs import (
    MAX_EXTENDS,
    SCENARIO_DIR,
    StrictModel,
    as_number,
    check_param,
    describe,
    find_scenario,
    parse_model,
    path_text,
    read_toml,
    suggest,
)

TOP_LEVEL_KEYS = ("extends", "name", "title", "title_zh", "description", "setup", "levers", "behaviour", "schedule")
#: Longest scenario name (it becomes part of output folder names) and title.
MAX_NAME_CHARS = 100
MAX_TITLE_CHARS = 300
MAX_DESCRIPTION_CHARS = 20_000
__all__ = ["SCENARIO_DIR", "Scenario", "ScheduleEntry", "Setup", "default_scenario", "load_scenario"]


class Setup(StrictModel):
    """Structure and scale of a run (not parameters of behaviour)."""

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
    reform_anchor_year: Annotated[int, Field(ge=1990, le=2100)] | None = Field(
        None,
        description="year whose levers the scheduled values before it are scaled toward by the "
        "uncertain parameter reform_extent (historical runs; none: no scaling)",
    )
    reform_documented: list[str] = Field(
        default_factory=list, description="levers whose scheduled sizes come from data: never scaled"
    )


SETUP_KEYS = tuple(Setup.model_fields)


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
        """Lever values in force in simulation month ``month`` (1-based).

        With ``setup.reform_anchor_year``, a month before the anchor has each lever at
        anchor + reform_extent x (written - anchor), clipped to the lever's bounds, where anchor
        is the value in force in the anchor year's first month (levers in
        ``setup.reform_documented`` keep their written values): the size of the reforms up to
        the anchor is an uncertain parameter, not a hand-tuned number.
        """
        values = self._written_levers_at(month)
        anchor_year = self.setup.reform_anchor_year
        extent = self.behaviour.get("reform_extent", 1.0)
        if anchor_year is None or extent == 1.0:
            return values
        anchor_month = (anchor_year - self.setup.start_year) * 12 + 1
        if month >= anchor_month:
            return values
        anchor = self._written_levers_at(anchor_month)
        keep = set(self.setup.reform_documented)
        for name, value in values.items():
            if name in keep or value == anchor[name]:
                continue
            p = params.BY_NAME[name]
            scaled = min(max(anchor[name] + extent * (value - anchor[name]), p.low), p.high)
            values[name] = float(round(scaled)) if p.integer else scaled
        return values

    def _written_levers_at(self, month: int) -> dict[str, float]:
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
            setup = _validate_setup({**self.setup.model_dump(), **setup_changes}, source, lenient=True)
        return replace(self, levers=levers, behaviour=behaviour, schedule=schedule, setup=setup)

    def text(self) -> str:
        """The scenario files as read, for manifests."""
        return "\n".join(f"# --- {path}\n{body}" for path, body in self.sources)


# ------------------------------------------------------------------------------ validation


def _python_number(value: Any) -> Any:
    """A numpy scalar as the Python number it holds; anything else unchanged."""
    return value.item() if isinstance(value, np.generic) else value


def _validate_values(raw: Any, kind: str, source: str, table: str) -> dict[str, float]:
    """A table of lever or uncertain values, each checked against the declaration."""
    if not isinstance(raw, dict):
        raise ScenarioError(source, f"[{table}]", f"expected a table of name = value, got {describe(raw)}")
    names = tuple(p.name for p in params.PARAMETERS if p.kind == kind)
    out: dict[str, float] = {}
    for key, value in raw.items():
        if key not in names:
            other = params.BY_NAME.get(key)
            if other is not None:
                right = "levers" if other.kind == "lever" else "behaviour"
                raise ScenarioError(source, f"[{table}] {key}", f"belongs in [{right}], not [{table}]")
            raise ScenarioError(source, f"[{table}] {key}", "unknown key" + suggest(key, names))
        out[key] = float(check_param(key, value, source, f"[{table}] {key}", error=ScenarioError))
    return out


def _setup_key(parts: list) -> str:
    return " ".join(str(p) if not isinstance(p, int) else f"#{p + 1}" for p in parts)


#: Setup fields holding whole numbers (a caller's 24.0 or numpy.int64(24) is taken as 24).
WHOLE_SETUP = ("counties_per_city", "agents", "grids_per_county", "months", "start_year", "warmup_months")


def _plain_setup_value(key: str, value: Any) -> Any:
    v = as_number(value)
    if v is None:
        return value
    if key in WHOLE_SETUP and isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _validate_setup(raw: Any, source: str, *, lenient: bool = False) -> Setup:
    """The [setup] table. ``lenient`` (programmatic overrides, not files): numpy scalars and
    whole floats are taken as the plain numbers they are."""
    if lenient and isinstance(raw, dict):
        raw = {k: _plain_setup_value(k, v) for k, v in raw.items()}
    setup = parse_model(Setup, raw, source, prefix="[setup] ", key_format=_setup_key, error=ScenarioError)
    if setup.cities:
        from sim.jurisdiction import city_names

        known = city_names()
        for city in setup.cities:
            if city not in known:
                raise ScenarioError(source, "[setup] cities", f"unknown city {city!r}" + suggest(city, known))
        if len(set(setup.cities)) != len(setup.cities):
            raise ScenarioError(source, "[setup] cities", "a city is listed twice")
    levers = [p.name for p in params.PARAMETERS if p.kind == "lever"]
    for name in setup.reform_documented:
        if name not in levers:
            raise ScenarioError(source, "[setup] reform_documented", f"unknown lever {name!r}" + suggest(name, levers))
    return setup


def _horizon(setup_raw: dict) -> tuple[int, int]:
    """(months, start_year) of a merged (possibly partial) setup table, defaults filled in."""
    months = setup_raw.get("months", Setup.model_fields["months"].default)
    start = setup_raw.get("start_year", Setup.model_fields["start_year"].default)
    months = months if isinstance(months, int) and not isinstance(months, bool) and months > 0 else 10**6
    start = start if isinstance(start, int) and not isinstance(start, bool) else 2020
    return months, start


FIRST_YEAR = 1990  # Setup.start_year's lower bound: no schedule year before it means anything


def _validate_schedule(raw: Any, source: str, horizon: tuple[int, int] | None, first: int = 1) -> list[dict]:
    """Schedule entries (numbered from ``first`` in messages); with ``horizon = (months,
    start_year)`` every entry must fall inside it."""
    if not isinstance(raw, list):
        raise ScenarioError(source, "schedule", f"expected an array of tables [[schedule]], got {describe(raw)}")
    entries = []
    for i, entry in enumerate(raw, start=first):
        where = f"[[schedule]] #{i}"
        if not isinstance(entry, dict):
            raise ScenarioError(source, where, f"expected a table, got {describe(entry)}")
        for key in entry:
            if key not in ("month", "year", "levers"):
                raise ScenarioError(source, f"{where} {key}", "unknown key" + suggest(key, ("month", "year", "levers")))
        if ("month" in entry) == ("year" in entry):
            raise ScenarioError(source, where, "expected exactly one of 'month' or 'year'")
        unit = "month" if "month" in entry else "year"
        when = entry[unit]
        if not isinstance(when, int) or isinstance(when, bool):
            raise ScenarioError(source, f"{where} {unit}", f"expected a whole number, got {describe(when)}")
        if horizon is not None:
            months, start = horizon
            last_year = start + (months - 1) // 12
            if unit == "month" and not 1 <= when <= months:
                raise ScenarioError(source, f"{where} month", f"expected a month between 1 and {months} (the "
                                    f"horizon, setup.months), got {when}")
            if unit == "year" and not FIRST_YEAR <= when <= last_year:
                raise ScenarioError(source, f"{where} year", f"expected a year between {FIRST_YEAR} and {last_year} "
                                    f"(the last simulated year; years before {start} apply from month 1), got {when}")
        elif unit == "month" and when < 1:
            raise ScenarioError(source, f"{where} month", f"expected a month >= 1, got {when}")
        if "levers" not in entry:
            raise ScenarioError(source, f"{where} levers", "missing; expected levers = { name = value }")
        levers = _validate_values(entry["levers"], "lever", source, f"{where} levers")
        if not levers:
            raise ScenarioError(source, f"{where} levers", "expected at least one lever = value")
        entries.append({"month": entry.get("month"), "year": entry.get("year"), "levers": levers})
    return entries


def _validate_text(raw: dict, source: str) -> None:
    """Top-level strings: types, lengths, and no control characters in names and titles."""
    limits = {"extends": None, "name": MAX_NAME_CHARS, "title": MAX_TITLE_CHARS, "title_zh": MAX_TITLE_CHARS,
              "description": MAX_DESCRIPTION_CHARS}
    for key, limit in limits.items():
        if key not in raw:
            continue
        value = raw[key]
        if not isinstance(value, str):
            raise ScenarioError(source, key, f"expected a string, got {describe(value)}")
        if key == "extends":
            try:
                path_text(value, "scenario file")
            except ValueError as exc:
                raise ScenarioError(source, key, str(exc)) from None
            continue
        if limit is not None and len(value) > limit:
            raise ScenarioError(source, key, f"expected at most {limit} characters, got {len(value)}")
        allowed_controls = "\n\t" if key == "description" else ""
        bad = next((ch for ch in value if not ch.isprintable() and ch not in allowed_controls), None)
        if bad is not None:
            raise ScenarioError(source, key, f"expected printable text, got a control character {bad!r}")
        if key == "name" and not value.strip():
            raise ScenarioError(source, key, "expected a non-empty name")


# --------------------------------------------------------------------------------- loading


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def _check_file(raw: dict, source: str) -> None:
    """One file's own keys and tables, so an error names the file that holds the bad key."""
    for key in raw:
        if key not in TOP_LEVEL_KEYS:
            raise ScenarioError(source, key, "unknown key" + suggest(key, TOP_LEVEL_KEYS))
    _validate_text(raw, source)
    if "setup" in raw:
        if not isinstance(raw["setup"], dict):
            raise ScenarioError(source, "[setup]", f"expected a table, got {describe(raw['setup'])}")
        for key in raw["setup"]:
            if key not in SETUP_KEYS:
                raise ScenarioError(source, f"[setup] {key}", "unknown key" + suggest(key, SETUP_KEYS))
    if "levers" in raw:
        _validate_values(raw["levers"], "lever", source, "levers")
    if "behaviour" in raw:
        _validate_values(raw["behaviour"], "uncertain", source, "behaviour")
    if "schedule" in raw:
        _validate_schedule(raw["schedule"], source, None)


def _load_chain(path: Path) -> list[tuple[Path, dict, str]]:
    """Files from the root of the extends chain to ``path``, each checked on its own.

    Iterative (a chain of thousands of files is valid input), at most MAX_EXTENDS files.
    """
    chain: list[tuple[Path, dict, str]] = []
    seen: list[Path] = []
    current = path
    while True:
        source = _display(current)
        try:
            resolved = current.resolve()
        except (OSError, RuntimeError) as exc:  # a symlink loop, a too-long path
            raise ScenarioError(source, None, f"cannot read file ({exc})") from None
        if resolved in seen:
            cycle = " -> ".join(_display(p) for p in (*seen[seen.index(resolved):], resolved))
            child = _display(chain[-1][0]) if chain else source
            raise ScenarioError(child, "extends", f"circular extends ({cycle})")
        if len(seen) >= MAX_EXTENDS:
            raise ScenarioError(_display(chain[-1][0]), "extends",
                                f"the extends chain is longer than {MAX_EXTENDS} files")
        seen.append(resolved)
        raw, text = read_toml(current, source, ScenarioError)
        _check_file(raw, source)
        chain.append((current, raw, text))
        if "extends" not in raw:
            break
        parent = find_scenario(raw["extends"], current.parent)
        try:
            kind = "file" if parent.is_file() else "folder" if parent.is_dir() else "other" if parent.exists() else ""
        except OSError:
            kind = ""
        if kind != "file":
            problem = {"folder": "is a folder, expected a scenario file",
                       "other": "is not a regular file (a device, pipe or socket)"}.get(kind, "file not found")
            raise ScenarioError(source, "extends", f"{raw['extends']!r} {problem} (looked for {_display(parent)})"
                                if kind else f"file not found: {raw['extends']!r} (looked for {_display(parent)})")
        current = parent
    chain.reverse()
    return chain


def load_scenario(path: str | os.PathLike) -> Scenario:
    """Read, merge and validate a scenario file, or a bare name in the scenarios folder
    (``"baseline"``, from any working directory). Raises ScenarioError on any problem."""
    try:
        path_text(path, "scenario file")
    except ValueError as exc:
        raise ScenarioError(str(path)[:200] if isinstance(path, (str, Path)) else "scenario", None, str(exc)) from None
    path = find_scenario(path)
    chain = _load_chain(path)
    merged: dict[str, Any] = {"setup": {}, "levers": {}, "behaviour": {}}
    schedule_raw: list[tuple[str, int, dict, tuple[int, int]]] = []
    for file_path, raw, _ in chain:
        for key in ("name", "title", "title_zh", "description"):
            if key in raw:
                merged[key] = raw[key]
        for table in ("setup", "levers", "behaviour"):
            merged[table].update(raw.get(table, {}))
        horizon = _horizon(merged["setup"])  # the horizon as of the file that holds the entry
        for i, entry in enumerate(raw.get("schedule", []), start=1):
            schedule_raw.append((_display(file_path), i, entry, horizon))
    source = _display(path)
    setup = _validate_setup(merged["setup"], source)
    levers = params.defaults("lever") | _validate_values(merged["levers"], "lever", source, "levers")
    behaviour = params.defaults("uncertain") | _validate_values(merged["behaviour"], "uncertain", source, "behaviour")
    schedule: list[ScheduleEntry] = []
    for file_source, index, entry, horizon in schedule_raw:
        (checked,) = _validate_schedule([entry], file_source, horizon, first=index)
        month = checked["month"]
        if month is None:
            # A change dated before the run starts is in force from month 1.
            month = max(1, (checked["year"] - setup.start_year) * 12 + 1)
        if month <= setup.months:  # entries of a parent beyond a child's shorter horizon never apply
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
