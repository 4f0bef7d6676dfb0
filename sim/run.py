"""Run a scenario and collect its results as tidy tables (no files; see sim.outputs)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim import sectors as S
from sim.jurisdiction import REGIONS
from sim.mechanisms.accidents import CAUSES
from sim.mechanisms.grading import GRADES
from sim.metrics import INDEX, tidy_annual, tidy_monthly
from sim.model import SafetyModel
from sim.scenario import Scenario


@dataclass
class RunResult:
    """Everything one run produced.

    Attributes:
        monthly: tidy table (month, year, region, city, metric, value).
        annual: tidy table (year, region, city, metric, value), incl. zero_penalty_counties.
        accidents: one row per real accident (month, city, county, sector, cause, grade, ...).
        county_monthly: raw (months, counties, metrics) array behind the tables.
        summary: headline numbers (see ``summarise``).
    """

    scenario: Scenario
    seed: int
    replicate: int
    months: int
    monthly: pd.DataFrame
    annual: pd.DataFrame
    accidents: pd.DataFrame
    county_monthly: np.ndarray
    counties: list[str]
    summary: dict = field(default_factory=dict)


def _accident_table(model: SafetyModel) -> pd.DataFrame:
    jur = model.jurisdiction
    cols = [
        "month",
        "county",
        "sector",
        "size",
        "major_hazard",
        "cause",
        "deaths",
        "serious_injuries",
        "direct_loss_10k_cny",
        "deaths_saved",
        "grade",
        "firm_uid",
        "reported",
    ]
    if model.events:
        raw = {c: np.concatenate([e[c] for e in model.events]) for c in cols}
    else:
        raw = {c: np.empty(0, dtype=np.int64) for c in cols}
    county = raw["county"].astype(np.int64)
    city = jur.county_city[county] if len(county) else np.empty(0, np.int64)
    return pd.DataFrame(
        {
            "month": raw["month"].astype(np.int32),
            "year": (model.config.setup.start_year + (raw["month"].astype(np.int64) - 1) // 12).astype(np.int32),
            "region": pd.Categorical([REGIONS[r] for r in jur.city_region[city]], categories=REGIONS),
            "city": pd.Categorical([jur.cities[c] for c in city], categories=jur.cities),
            "county": [jur.counties_zh[c] for c in county],
            "sector": pd.Categorical([S.SECTORS[s] for s in raw["sector"]], categories=S.SECTORS),
            "size": pd.Categorical([S.SIZES[s] for s in raw["size"]], categories=S.SIZES),
            "major_hazard": raw["major_hazard"].astype(bool),
            "cause": pd.Categorical([CAUSES[c] for c in raw["cause"]], categories=CAUSES),
            "grade": pd.Categorical([GRADES[g] for g in raw["grade"]], categories=GRADES),
            "deaths": raw["deaths"].astype(np.int64),
            "serious_injuries": raw["serious_injuries"].astype(np.int64),
            "direct_loss_10k_cny": raw["direct_loss_10k_cny"].astype(float),
            "deaths_saved": raw["deaths_saved"].astype(np.int64),
            "firm_uid": raw["firm_uid"].astype(np.int64),
            "reported": raw["reported"].astype(bool),
        }
    )


def summarise(result: RunResult) -> dict:
    """Headline numbers of a run (summary.json)."""
    acc = result.accidents
    annual = result.annual
    province = annual[(annual.region == "all") & (annual.city == "all")]
    by_year = province.pivot_table(index="year", columns="metric", values="value")
    totals = result.county_monthly.sum(axis=(0, 1))

    last = result.county_monthly[-1].sum(axis=0)
    region_rows = annual[(annual.city == "all") & (annual.region != "all")]
    deaths_by_region = region_rows[region_rows.metric == "deaths"].groupby("region")["value"].sum()
    return {
        "scenario": result.scenario.name,
        "seed": result.seed,
        "replicate": result.replicate,
        "months": result.months,
        "start_year": result.scenario.setup.start_year,
        "enterprises_per_agent": result.scenario.setup.enterprises_per_agent,
        "agents": result.scenario.setup.agents,
        "deaths_total": int(acc["deaths"].sum()),
        "accidents_total": len(acc),
        "accidents_by_grade": {g: int((acc["grade"] == g).sum()) for g in GRADES},
        "accidents_by_cause": {c: int((acc["cause"] == c).sum()) for c in CAUSES},
        "larger_or_worse_total": int((acc["grade"] != "general").sum()),
        "deaths_by_year": {int(y): int(v) for y, v in by_year["deaths"].items()},
        "accidents_by_year": {int(y): int(v) for y, v in by_year["accidents"].items()},
        "deaths_by_region": {r: int(deaths_by_region.get(r, 0)) for r in REGIONS},
        "serious_injuries_total": int(acc["serious_injuries"].sum()),
        "minor_injuries_total": int(totals[INDEX["minor_injuries"]]),
        "near_misses_total": int(totals[INDEX["near_misses"]]),
        "inspections_total": float(totals[INDEX["inspections"]]),
        "penalty_cases_total": float(totals[INDEX["penalty_cases"]]),
        "zero_penalty_counties_by_year": {int(y): int(v) for y, v in by_year["zero_penalty_counties"].items()},
        "compliance_rate_final": float(last[INDEX["compliant_enterprises"]] / max(last[INDEX["enterprises"]], 1)),
        "hazards_per_enterprise_final": float(last[INDEX["hidden_hazards"]] / max(last[INDEX["enterprises"]], 1)),
        "enforcement_cost_10k_cny": float(totals[INDEX["enforcement_cost_10k_cny"]]),
        "compliance_cost_10k_cny": float(totals[INDEX["compliance_cost_10k_cny"]]),
    }


def collect(model: SafetyModel, seed: int, replicate: int) -> RunResult:
    """Turn a finished model into a RunResult."""
    jur = model.jurisdiction
    start = model.config.setup.start_year
    data = model.tally.data[: max(model.month, 0)]
    monthly = tidy_monthly(data, jur.county_city, jur.city_region, jur.cities, start)
    annual = tidy_annual(monthly, data, jur.county_city, jur.city_region, jur.cities, start)
    result = RunResult(
        model.config, seed, replicate, model.months, monthly, annual, _accident_table(model), data, list(jur.counties)
    )
    result.summary = summarise(result)
    return result


def run_scenario(config: Scenario, seed: int = 0, replicate: int = 0, months: int | None = None) -> RunResult:
    """Build the model, run the whole horizon and collect the results."""
    model = SafetyModel(config, seed=seed, replicate=replicate, months=months)
    model.run()
    return collect(model, seed, replicate)
