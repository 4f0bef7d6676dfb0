"""One evaluation function: parameters in, scalar outcomes out (for EMA Workbench, optimisers,
notebooks and any tool that wants ``f(params) -> dict``).

Example::

    from sim import evaluate, evaluate_series
    evaluate({"training_rate": 0.5, "blacklist_months": np.int64(12)}, scenario="tiny", seed=1)
    # {'deaths': ..., 'accidents': ..., ..., 'deaths__south': ..., ...}
    evaluate_series({"training_rate": 0.5}, "deaths", region="north", scenario="tiny", annual=True)

``params`` holds declared levers and uncertain parameters (``safegov levers``); numpy scalars
and whole-number floats are accepted for whole-number parameters (``blacklist_months = 12.0``).
``agents`` and ``cities`` change the world's resolution with the one rule of ``sim.scale``:
the real number of enterprises stays the scenario's (its cities' share when ``cities`` is
given), so counts stay at real scale. A bare scenario name (``"baseline"``) is looked up in the
project's ``scenarios/`` folder whatever the working directory. Bad input raises
``sim.errors.InputError`` with one line naming the key and what was expected.
"""

from __future__ import annotations

import numbers
from pathlib import Path

import numpy as np
import pandas as pd

from sim import params as P
from sim.errors import InputError, ScenarioError
from sim.run import RunResult, run_scenario
from sim.scalars import scalar_outcomes
from sim.scale import rescaled
from sim.scenario import SCENARIO_DIR, Scenario, load_scenario

SOURCE = "sim.evaluate"


def scenario_names() -> list[str]:
    """Names of the scenario files in the project's scenarios/ folder."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def scenario_file(scenario: str | Path) -> Path:
    """The TOML file of a scenario given as a path or as a bare name in scenarios/ ("baseline")."""
    if not isinstance(scenario, (str, Path)):
        raise InputError(SOURCE, "scenario", f"expected a scenario name, a path or a Scenario, got {scenario!r}")
    path = Path(scenario)
    if path.exists():
        return path
    if isinstance(scenario, str) and path.name == scenario and path.suffix in ("", ".toml"):
        candidate = SCENARIO_DIR / (scenario if path.suffix else f"{scenario}.toml")
        if candidate.exists():
            return candidate
        raise ScenarioError(SOURCE, "scenario", f"no scenario named {scenario!r}; expected a path or one of "
                            f"{', '.join(scenario_names())}")
    raise ScenarioError(str(scenario), None, "file not found")


def resolve_scenario(scenario: str | Path | Scenario) -> Scenario:
    """A Scenario from a Scenario, a path to a TOML file, or a bare name in scenarios/."""
    if isinstance(scenario, Scenario):
        return scenario
    return load_scenario(scenario_file(scenario))


def _plain(value):
    """numpy scalars and 0-d / one-element arrays -> Python numbers."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(()).item()
    if isinstance(value, np.generic):
        value = value.item()
    return value


def clean_params(values: dict | None, source: str = SOURCE) -> dict[str, float | int]:
    """Parameter values as plain Python numbers: numpy scalars unwrapped, whole-number floats
    of whole-number parameters made int. Unknown names and non-numbers are one-line errors;
    bounds are checked by ``Scenario.with_overrides``."""
    out: dict[str, float | int] = {}
    for name, raw in dict(values or {}).items():
        value = _plain(raw)
        p = P.BY_NAME.get(str(name))
        if p is None:
            import difflib

            close = difflib.get_close_matches(str(name), list(P.BY_NAME), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else " (see 'safegov levers')"
            raise InputError(source, str(name), "not a declared parameter" + hint)
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
            raise InputError(source, p.name, f"expected a number between {p.low:g} and {p.high:g} ({p.unit}), "
                             f"got {raw!r}")
        if p.integer and float(value).is_integer():
            value = int(value)
        out[p.name] = value
    return out


def _whole(value, key: str, low: int, high: int):
    value = _plain(value)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not float(value).is_integer():
        raise InputError(SOURCE, key, f"expected a whole number between {low} and {high}, got {value!r}")
    value = int(value)
    if not low <= value <= high:
        raise InputError(SOURCE, key, f"expected a whole number between {low} and {high}, got {value}")
    return value


def prepare(params: dict | None = None, *, scenario: str | Path | Scenario = "baseline", agents=None, months=None,
            cities: list[str] | None = None) -> Scenario:
    """The validated scenario ``evaluate`` runs: parameters set, resolution changed by the rule
    that keeps the real number of enterprises (``sim.scale.rescaled``)."""
    base = resolve_scenario(scenario)
    changes = rescaled(base.setup, _whole(agents, "agents", 10, 5_000_000), list(cities) if cities else None)
    months = _whole(months, "months", 1, 600)
    if months is not None:
        changes["months"] = months
    return base.with_overrides(clean_params(params), source=SOURCE, **changes)


def run(params: dict | None = None, *, scenario: str | Path | Scenario = "baseline", agents=None, months=None,
        cities: list[str] | None = None, seed=0, replicate=0) -> RunResult:
    """Run the model once with these parameters; the whole RunResult (tables, accidents)."""
    sc = prepare(params, scenario=scenario, agents=agents, months=months, cities=cities)
    seed = _whole(seed, "seed", 0, 2**63 - 1)
    replicate = _whole(replicate, "replicate", 0, 2**31 - 1)
    return run_scenario(sc, seed=seed, replicate=replicate)


def evaluate(params: dict | None = None, *, scenario: str | Path | Scenario = "baseline", agents=None, months=None,
             cities: list[str] | None = None, seed=0, replicate=0) -> dict[str, float]:
    """Scalar outcomes of one run (``sim.scalars.scalar_outcomes``: deaths, accidents by grade,
    compliance rate, costs ... for the province and, with a ``__south`` / ``__central`` /
    ``__north`` suffix, each region). Replicate r of every call with the same seed shares its
    random draws (common random numbers)."""
    result = run(params, scenario=scenario, agents=agents, months=months, cities=cities, seed=seed,
                 replicate=replicate)
    return {k: float(v) for k, v in scalar_outcomes(result).items()}


def series(result: RunResult, metric: str, *, region: str = "all", city: str = "all",
           annual: bool = False) -> pd.Series:
    """One metric's time series from a RunResult: by month (index ``month``, 1-based) or, with
    ``annual=True``, by calendar year (flows summed, stocks averaged, ratios recomputed).

    ``region`` is ``all`` (the province) or ``south`` / ``central`` / ``north``; ``city`` an
    English city name or ``all``. Units are the metric's (``sim.outcomes``).
    """
    table = result.annual if annual else result.monthly
    key = "year" if annual else "month"
    known = sorted(set(table["metric"].astype(str)))
    if metric not in known:
        import difflib

        close = difflib.get_close_matches(metric, known, n=1, cutoff=0.6)
        raise InputError(SOURCE, "metric", f"unknown metric {metric!r}" +
                         (f"; did you mean '{close[0]}'?" if close else f"; expected one of {', '.join(known)}"))
    if city != "all":
        rows = table[(table["city"].astype(str) == city) & (table["metric"].astype(str) == metric)]
        if not len(rows):
            cities = sorted(set(table["city"].astype(str)) - {"all"})
            raise InputError(SOURCE, "city", f"expected 'all' or one of {', '.join(cities)}, got {city!r}")
    else:
        rows = table[(table["region"].astype(str) == region) & (table["city"].astype(str) == "all")
                     & (table["metric"].astype(str) == metric)]
        if not len(rows):
            regions = sorted(set(table["region"].astype(str)))
            raise InputError(SOURCE, "region", f"expected one of {', '.join(regions)}, got {region!r}")
    out = pd.Series(rows["value"].to_numpy(dtype=float), index=pd.Index(rows[key].to_numpy(), name=key), name=metric)
    return out.sort_index()


def evaluate_series(params: dict | None = None, metric: str = "deaths", *, region: str = "all", city: str = "all",
                    annual: bool = False, scenario: str | Path | Scenario = "baseline", agents=None, months=None,
                    cities: list[str] | None = None, seed=0, replicate=0) -> pd.Series:
    """Run once and return one metric's time series (see ``series``)."""
    result = run(params, scenario=scenario, agents=agents, months=months, cities=cities, seed=seed,
                 replicate=replicate)
    return series(result, metric, region=region, city=city, annual=annual)
