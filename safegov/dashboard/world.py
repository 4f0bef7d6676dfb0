"""The dashboard's worlds: safe scenario choice, a smaller world for interactive use, read-outs.

Security: a scenario is chosen by *name* among the files in ``scenarios/`` (``SCENARIO_DIR``);
no path from the browser is ever opened. Lever values are clamped to the declaration.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from sim import params
from sim.errors import InputError
from sim.jurisdiction import REGIONS, city_names
from sim.metrics import INDEX
from sim.model import SafetyModel
from sim.scale import rescaled
from sim.scenario import SCENARIO_DIR, Scenario, load_scenario

DASHBOARD_AGENTS = 20_000   # enterprise agents in the dashboard's world (scenario files: 100,000)
MAX_SEED = 2**31 - 1


def scenario_names() -> list[str]:
    """Names of the scenario files in scenarios/ (the only ones the dashboard opens)."""
    names = sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))
    if "baseline" in names:  # baseline first
        names.remove("baseline")
        names.insert(0, "baseline")
    return names


def check_scenario_name(name: str) -> str:
    if not isinstance(name, str) or name not in scenario_names():
        raise InputError("dashboard", "scenario", f"expected one of {', '.join(scenario_names())}, got {name!r}")
    return name


@lru_cache(maxsize=32)
def _load(name: str) -> Scenario:
    return load_scenario(SCENARIO_DIR / f"{name}.toml")


def scenario(name: str) -> Scenario:
    """Load a scenario by name from scenarios/ only."""
    return _load(check_scenario_name(name))


def check_seed(seed) -> int:
    """A seed from a form: a whole number in [0, 2**31 - 1]."""
    bad = isinstance(seed, bool) or (isinstance(seed, float) and not seed.is_integer())
    try:
        value = int(seed)
    except (TypeError, ValueError, OverflowError):
        bad = True
    if bad:
        raise InputError("dashboard", "seed", f"expected a whole number, got {seed!r}")
    if not 0 <= value <= MAX_SEED:
        raise InputError("dashboard", "seed", f"expected a whole number between 0 and {MAX_SEED}, got {value}")
    return value


def clamp_lever(name: str, value) -> float:
    """Clamp a lever value to its declared bounds (and round integer levers)."""
    p = params.BY_NAME.get(name)
    if p is None or p.kind != "lever":
        raise InputError("dashboard", name, "not a declared policy lever (see 'safegov levers')")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError("dashboard", name, f"expected a number, got {value!r}") from None
    if not math.isfinite(v):
        raise InputError("dashboard", name, f"expected a finite number, got {value!r}")
    v = min(max(v, p.low), p.high)
    return float(round(v)) if p.integer else v


def clamp_levers(values: dict) -> dict[str, float]:
    return {k: clamp_lever(k, v) for k, v in values.items()}


def dashboard_scenario(sc: Scenario, agents: int = DASHBOARD_AGENTS, months: int | None = None,
                       cities: list[str] | None = None) -> Scenario:
    """The scenario in a smaller world: fewer agents, each standing for more enterprises, so the
    number of real enterprises (and so deaths and costs) stays that of the scenario."""
    setup = sc.setup
    if cities:
        known = setup.cities or list(city_names())
        for c in cities:
            if c not in known:
                raise InputError("dashboard", "role", f"city {c!r} is not in this scenario; expected one of "
                                 f"{', '.join(known)}")
    # Never a larger world than the scenario's; the real enterprises stay its (sim.scale).
    changes = rescaled(setup, min(int(agents), setup.agents), list(cities) if cities else None)
    if months is not None:
        changes["months"] = int(months)
    return sc.with_overrides({}, source="dashboard", **changes)


def build_model(sc: Scenario, seed: int, replicate: int = 0) -> SafetyModel:
    """Build the model and run its warm-up months, so that the next step is month 1."""
    model = SafetyModel(sc, seed=seed, replicate=replicate)
    while model.month < 0:
        model.step()
    return model


# ---------------------------------------------------------------------------------- read-outs
SERIES = ("deaths", "accidents", "accidents_general", "accidents_larger", "accidents_major",
          "accidents_especially_major", "accidents_larger_or_worse", "inspections", "penalty_cases",
          "enforcement_cost_10k_cny")


def province_series(model: SafetyModel) -> dict[str, np.ndarray]:
    """Monthly province totals of the months simulated so far (month 1 .. model.month)."""
    n = max(model.month, 0)
    data = model.tally.data[:n].sum(axis=1)  # (months, metrics)
    out = {name: data[:, INDEX[name]].copy() for name in SERIES}
    ent = np.maximum(data[:, INDEX["enterprises"]], 1e-12)
    out["compliance_rate"] = data[:, INDEX["compliant_enterprises"]] / ent
    out["hazards_per_enterprise"] = data[:, INDEX["hidden_hazards"]] / ent
    out["month"] = np.arange(1, n + 1)
    return out


MAP_METRICS = ("deaths_per_100k", "accidents_per_10k", "compliance_rate", "hazards_per_enterprise",
               "inspection_coverage", "penalty_share", "committee_priority", "zero_penalty")
#: colour direction: +1 = higher is worse (red), -1 = higher is better
MAP_DIRECTION = {"deaths_per_100k": 1, "accidents_per_10k": 1, "compliance_rate": -1,
                 "hazards_per_enterprise": 1, "inspection_coverage": -1, "penalty_share": -1,
                 "committee_priority": -1, "zero_penalty": 1}


def county_metric(model: SafetyModel, metric: str, window: int = 12) -> np.ndarray:
    """Per-county value of a map metric over the last ``window`` simulated months."""
    if metric not in MAP_METRICS:
        raise InputError("dashboard", "map metric", f"expected one of {', '.join(MAP_METRICS)}, got {metric!r}")
    n = max(model.month, 0)
    n_counties = model.jurisdiction.n_counties
    if n == 0:
        return np.full(n_counties, np.nan)
    d = model.tally.data[max(0, n - window):n]  # (w, counties, metrics)
    flow = d.sum(axis=0)
    ent_months = np.maximum(flow[:, INDEX["enterprises"]], 1e-12)  # enterprise-months
    ent_mean = ent_months / d.shape[0]
    if metric == "deaths_per_100k":
        return flow[:, INDEX["deaths"]] / ent_mean * 1e5 * 12 / d.shape[0]
    if metric == "accidents_per_10k":
        return flow[:, INDEX["accidents"]] / ent_mean * 1e4 * 12 / d.shape[0]
    if metric == "compliance_rate":
        return flow[:, INDEX["compliant_enterprises"]] / ent_months
    if metric == "hazards_per_enterprise":
        return flow[:, INDEX["hidden_hazards"]] / ent_months
    if metric == "inspection_coverage":
        return flow[:, INDEX["inspections"]] / ent_mean * 12 / d.shape[0]
    if metric == "penalty_share":
        return flow[:, INDEX["penalty_cases"]] / np.maximum(flow[:, INDEX["inspections"]], 1e-12)
    if metric == "committee_priority":
        return d[:, :, INDEX["committee_priority"]].mean(axis=0)
    insp, pen = flow[:, INDEX["inspections"]], flow[:, INDEX["penalty_cases"]]
    return ((insp > 0) & (pen == 0)).astype(float)


@dataclass(frozen=True)
class MapLayout:
    """What the schematic map needs from a jurisdiction."""

    cities: tuple[str, ...]
    cities_zh: tuple[str, ...]
    regions: tuple[str, ...]          # region of each city
    counties_zh: tuple[str, ...]
    county_city: tuple[int, ...]

    @classmethod
    def of(cls, model: SafetyModel) -> MapLayout:
        jur = model.jurisdiction
        return cls(tuple(jur.cities), tuple(jur.cities_zh), tuple(REGIONS[r] for r in jur.city_region),
                   tuple(jur.counties_zh), tuple(int(c) for c in jur.county_city))
