"""Calibration targets: what the model must reproduce, and how a figure is compared with it.

A targets file is TOML with one ``[[target]]`` table per target::

    [[target]]
    name = "nantong_deaths_2018"
    metric = "deaths"                 # a model metric (sim.metrics), or "a+b" for a sum
    scope = "city:Nantong"            # "province", "region:north", "city:Nantong"
    period = "2018"                   # "2018", "2016-2020" (summed), "2015->2020" (change)
    observation = "count"             # count | relative_change | share
    data = { file = "jiangsu_facts.csv", scope = "Nantong", period = "2018", metric = "deaths_all" }
    # or: value = 336
    family = "negbin"                 # count: negbin (default) or poisson
    dispersion = 20                   # negbin size k: variance = mu + mu^2 / k
    assumption = "Nantong's communique counts the same accidents as the model"

Observation models (see calibration/likelihood.py):

- ``count``: the figure is a count y; the model's replicate mean mu (scaled to the full
  province when the simulated world is smaller, ``world_scale``) gives y ~ NegBin(mu, k) or
  Poisson(mu).
- ``relative_change``: the figure is a change in percent from the first to the last year of
  ``A->B``; the model's change (of replicate means) c gives figure ~ Normal(c, tolerance).
  A change across 2016 on a national-scope death or accident count must state
  ``scope_break_adjust`` (new-scope / old-scope counts; 1 = none) - see calibration/data.py.
- ``share``: the figure is a share in [0, 1] of ``metric`` in ``scope`` over ``denominator``
  in ``denominator_scope``; figure ~ Normal(model share, tolerance).

``also_on = ["baseline"]`` asks the same figure of another run the spec names
(``[also_run.baseline]``): the target is then measured there too, as ``name@baseline``.

``value`` is a figure written in the file (give its ``confidence``; default "assumption");
``data`` names one row of calibration/data/*.csv; ``data_from``/``data_to`` two rows whose
change a ``relative_change`` target uses. The figure is multiplied by ``scale`` (e.g. a
national-to-provincial share), which ``assumption`` must justify. Every target needs an
``assumption``: the written reason the figure can be compared with the model this way.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, StrictFloat, StrictInt, ValidationError, field_validator, model_validator

from calibration import data as refdata
from sim.errors import InputError
from sim.inputs import StrictModel, read_toml, validation_error
from sim.metrics import FLOW, RATIO, STOCK

OBSERVATIONS = ("count", "relative_change", "share")
_PERIOD = re.compile(r"^\s*(\d{4})\s*(?:(->|-)\s*(\d{4}))?\s*$")
KNOWN_METRICS = set(FLOW) | set(STOCK) | set(RATIO)
REGIONS = ("south", "central", "north")


Number = StrictInt | StrictFloat


class _Target(StrictModel):
    name: str = Field(min_length=1, max_length=200)
    metric: str
    scope: str = "province"
    period: str
    observation: Literal["count", "relative_change", "share"]
    value: Number | None = None
    data: dict[str, str | int] | None = None
    data_from: dict[str, str | int] | None = None
    data_to: dict[str, str | int] | None = None
    scale: Number = Field(1.0, gt=0, le=1e6)
    family: Literal["negbin", "poisson"] = "negbin"
    dispersion: Number = Field(10.0, gt=0, le=1e9)
    tolerance: Number | None = Field(None, gt=0, le=1e6)
    denominator: str | None = None
    denominator_scope: str | None = None
    scope_break_adjust: Number | None = Field(None, gt=0, le=2)
    world_scale: bool = True
    weight: Number = Field(1.0, gt=0, le=1e6)
    also_on: list[str] = Field(default_factory=list, max_length=10)
    source: str = ""
    confidence: Literal["verified", "verified-secondary", "derived", "recalled", "assumption"] = "assumption"
    assumption: str = Field(min_length=1)

    @field_validator("metric", "denominator")
    @classmethod
    def _metric(cls, v):
        if v is None:
            return v
        for part in v.split("+"):
            if part.strip() not in KNOWN_METRICS:
                raise ValueError(f"unknown metric {part.strip()!r} (see sim.metrics)")
        return v

    @field_validator("scope", "denominator_scope")
    @classmethod
    def _scope(cls, v):
        if v is None:
            return v
        parse_scope(v)
        return v

    @field_validator("period")
    @classmethod
    def _period(cls, v):
        parse_period(v)
        return v

    @model_validator(mode="after")
    def _consistent(self):
        _, _, kind = parse_period(self.period)
        given = [self.value is not None, self.data is not None,
                 self.data_from is not None or self.data_to is not None]
        if sum(given) != 1:
            raise ValueError("give exactly one of value, data, or data_from + data_to")
        if (self.data_from is None) != (self.data_to is None):
            raise ValueError("data_from and data_to go together")
        if self.observation == "relative_change":
            if kind != "change":
                raise ValueError("a relative_change needs a period 'A->B'")
            if self.tolerance is None:
                raise ValueError("a relative_change needs a tolerance (percentage points)")
        elif kind == "change":
            raise ValueError(f"period 'A->B' is only for relative_change, not {self.observation}")
        if self.observation == "share":
            if self.tolerance is None:
                raise ValueError("a share needs a tolerance")
            if self.denominator is None and self.denominator_scope is None:
                raise ValueError("a share needs a denominator and/or denominator_scope")
        if self.data_from is not None and self.observation != "relative_change":
            raise ValueError("data_from/data_to give a change: use observation = 'relative_change'")
        return self


@dataclass(frozen=True)
class Target:
    """A validated target with its figure resolved from the data tables."""

    name: str
    metric: str
    scope: str
    period: str
    observation: str
    value: float
    family: str = "negbin"
    dispersion: float = 10.0
    tolerance: float | None = None
    denominator: str | None = None
    denominator_scope: str | None = None
    scope_break_adjust: float = 1.0
    world_scale: bool = True
    weight: float = 1.0
    confidence: str = "assumption"
    source: str = ""
    assumption: str = ""
    #: other runs of the spec (``[also_run.<name>]``) that must reproduce the same figure
    also_on: tuple[str, ...] = ()
    #: the run this target is measured in: "" = the spec's scenario, else an ``also_run`` name
    run: str = ""

    @property
    def years(self) -> tuple[int, int]:
        start, end, _ = parse_period(self.period)
        return start, end

    @property
    def last_year(self) -> int:
        return self.years[1]

    @property
    def metrics(self) -> tuple[str, ...]:
        return tuple(m.strip() for m in self.metric.split("+"))

    def to_dict(self) -> dict:
        from dataclasses import asdict

        return asdict(self)


def parse_scope(scope: str) -> tuple[str, str]:
    """'province' -> ('all', 'all'); 'region:north' -> ('north', 'all'); 'city:Nantong' -> (None, 'Nantong')."""
    if scope == "province":
        return "all", "all"
    kind, _, name = scope.partition(":")
    if kind == "region" and name in REGIONS:
        return name, "all"
    if kind == "city" and name:
        from sim.jurisdiction import city_names

        if name not in city_names():
            raise ValueError(f"unknown city {name!r}; expected one of {', '.join(city_names())}")
        return "", name
    raise ValueError(f"expected 'province', 'region:south|central|north' or 'city:<Name>', got {scope!r}")


def parse_period(period: str) -> tuple[int, int, str]:
    """'2018' -> (2018, 2018, 'year'); '2016-2020' -> (2016, 2020, 'range'); '2015->2020' -> change."""
    m = _PERIOD.match(str(period))
    if not m:
        raise ValueError(f"expected 'YYYY', 'YYYY-YYYY' or 'YYYY->YYYY', got {period!r}")
    start = int(m.group(1))
    if m.group(2) is None:
        return start, start, "year"
    end = int(m.group(3))
    if end <= start:
        raise ValueError(f"the period must end after it starts, got {period!r}")
    return start, end, ("change" if m.group(2) == "->" else "range")


def _resolve(raw: _Target, source: str, key: str, allow_recalled: bool) -> Target:
    start, end, _ = parse_period(raw.period)
    confidence = "assumption"
    src = raw.source
    if raw.value is not None:
        value = raw.value * raw.scale
        confidence = raw.confidence
        if confidence == "recalled" and not allow_recalled:
            raise InputError(source, f"{key}.confidence", "a recalled figure needs an explicit opt-in "
                             "(allow_recalled = true in the spec, or --allow-recalled)")
    elif raw.data is not None:
        row = refdata.lookup(raw.data, allow_recalled=allow_recalled, source=source, key=f"{key}.data")
        try:
            value = float(row["value"]) * raw.scale
        except ValueError:
            raise InputError(source, f"{key}.data", f"the row's value {row['value']!r} is not a number") from None
        confidence = row["confidence"]
        src = src or f"{row['file']}: {row.get('source', '')}"
    else:
        a = refdata.lookup(raw.data_from, allow_recalled=allow_recalled, source=source, key=f"{key}.data_from")
        b = refdata.lookup(raw.data_to, allow_recalled=allow_recalled, source=source, key=f"{key}.data_to")
        va, vb = float(a["value"]), float(b["value"])
        if va <= 0:
            raise InputError(source, f"{key}.data_from", "a change needs a positive starting value")
        regimes = {a.get("scope_regime"), b.get("scope_regime")} - {None, ""}
        if len(regimes) > 1 and raw.scope_break_adjust is None:
            raise InputError(source, f"{key}.scope_break_adjust",
                             "data_from and data_to lie on either side of the 2016 scope change of the "
                             "national death count; set scope_break_adjust (see calibration/data/PROVENANCE.md)")
        value = 100.0 * (vb / va - 1.0)
        order = refdata.CONFIDENCE
        confidence = max((a["confidence"], b["confidence"]), key=order.index)
        src = src or f"{a['file']}: {a.get('source', '')} / {b.get('source', '')}"
    is_count_change = raw.observation == "relative_change" and any(
        m in ("deaths", "accidents") or m.startswith("accidents_") for m in raw.metric.split("+"))
    if is_count_change and refdata.crosses_scope_break(start, end) and raw.scope_break_adjust is None:
        raise InputError(source, f"{key}.scope_break_adjust",
                         f"period {raw.period} crosses the 2016 change of scope of the official death and "
                         "accident counts; set scope_break_adjust (new-scope/old-scope ratio, "
                         f"default bridge {refdata.SCOPE_BREAK_FACTOR}, or 1.0 to assume no change) - see "
                         "calibration/data/PROVENANCE.md")
    if not math.isfinite(value):
        raise InputError(source, f"{key}.value", f"expected a finite figure, got {value!r} (after scale)")
    if raw.observation == "share" and not 0.0 <= value <= 1.0:
        raise InputError(source, f"{key}.value", f"a share must lie in [0, 1], got {value:g}")
    if raw.observation == "count" and value < 0:
        raise InputError(source, f"{key}.value", f"a count cannot be negative, got {value:g}")
    return Target(name=raw.name, metric=raw.metric, scope=raw.scope, period=raw.period,
                  observation=raw.observation, value=float(value), family=raw.family,
                  dispersion=raw.dispersion, tolerance=raw.tolerance, denominator=raw.denominator,
                  denominator_scope=raw.denominator_scope,
                  scope_break_adjust=raw.scope_break_adjust if raw.scope_break_adjust is not None else 1.0,
                  world_scale=raw.world_scale, weight=raw.weight, confidence=confidence, source=src,
                  assumption=raw.assumption, also_on=tuple(raw.also_on))


def measured_on_runs(targets: list[Target]) -> list[Target]:
    """Each target, then one copy per run of ``also_on`` (named ``name@run``, ``run`` set).

    One figure, one definition: a figure the record gives once (a 2020 share, say) can be asked
    of the historical run and of the baseline's steady state alike, with the same value,
    tolerance and assumption.
    """
    from dataclasses import replace

    out = []
    for t in targets:
        out.append(t)
        out.extend(replace(t, name=f"{t.name}@{run}", run=run, also_on=()) for run in t.also_on)
    return out


def _first_error(exc: ValidationError, base: str) -> tuple[str, str]:
    """(key, message) of a target's validation error, through the one formatter."""
    err = validation_error(exc, "", _Target, prefix=f"{base}.")
    return (err.key or base), err.problem


def parse_targets(raw: dict, source: str, *, allow_recalled: bool = False) -> list[Target]:
    """Validate the parsed TOML of a targets file; every error is one InputError naming the key."""
    if not isinstance(raw, dict):
        raise InputError(source, None, "expected a TOML document with [[target]] tables")
    from sim.inputs import suggest

    for key in raw:
        if key not in ("target", "description"):
            raise InputError(source, key, "unknown key" + suggest(key, ("target", "description"))
                             + " ([[target]] tables)")
    items = raw.get("target")
    if not isinstance(items, list) or not items:
        raise InputError(source, "target", "expected at least one [[target]] table")
    out: list[Target] = []
    names: set[str] = set()
    for i, item in enumerate(items, start=1):
        name = item.get("name") if isinstance(item, dict) else None
        name = name if isinstance(name, str) and len(name) <= 200 and name.isprintable() else None
        key = f"[[target]] #{i}" + (f" ({name})" if isinstance(name, str) else "")
        if not isinstance(item, dict):
            raise InputError(source, key, "expected a table")
        try:
            checked = _Target(**item)
        except ValidationError as exc:
            where, msg = _first_error(exc, key)
            raise InputError(source, where, msg) from None
        if checked.name in names:
            raise InputError(source, f"{key}.name", f"duplicate target name {checked.name!r}")
        names.add(checked.name)
        out.append(_resolve(checked, source, key, allow_recalled))
    return out


def load_targets(path: str | Path, *, allow_recalled: bool = False) -> list[Target]:
    """Read and validate a targets file (raises sim.errors.InputError, one line)."""
    path = Path(path)
    source = str(path)
    raw, _ = read_toml(path, source)
    return parse_targets(raw, source, allow_recalled=allow_recalled)


def select(targets: list[Target], *, until: int | None = None, after: int | None = None) -> list[Target]:
    """Targets whose period ends by ``until`` (fit set) or after ``after`` (held-out set)."""
    out = targets
    if until is not None:
        out = [t for t in out if t.last_year <= until]
    if after is not None:
        out = [t for t in out if t.last_year > after]
    return out


OBSERVATION_T = Literal["count", "relative_change", "share"]
