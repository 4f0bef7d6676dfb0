"""Observation: what a month produced, tallied per county, plus the accident log.

The ``Recorder`` owns the county x month tally (``Tally``), the event log (one row per real
accident), ``last_month`` (province totals of the month just simulated, for dashboards) and
Mesa's ``DataCollector``. The model hands it one ``MonthOutcome`` per month; nothing in the
mechanisms knows about metrics. Metric names are declared in ``sim/outcomes.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from sim import costs, fused
from sim import outcomes as O
from sim import sectors as S
from sim.context import Month
from sim.mechanisms import accidents, grid, inspection, sanctions, severity
from sim.metrics import INDEX, Tally
from sim.state import Enterprises

#: Province totals the DataCollector keeps per month (model reporters).
COLLECTED = (
    "deaths",
    "accidents",
    "accidents_larger_or_worse",
    "inspections",
    "penalty_cases",
    "compliance_rate",
    "hazards_per_enterprise",
    "committee_priority",
)


#: The columns of sim.fused.county_stocks (per-slot values summed by county at month end).
STOCK_COLUMNS = (
    "grid_visits",
    "grid_reports",
    "trained",
    "compliance_cost_10k_cny",
    "compliant_enterprises",
    "hidden_hazards",
    "unregulated_enterprises",
    "blacklisted_enterprises",
    "chemical_enterprises",
    "major_hazard_enterprises",
    "enterprises",
)


@dataclass
class MonthOutcome:
    """What one month's mechanisms produced, for the recorder (counts per agent or event)."""

    priority: np.ndarray  # per county
    is_regulated: np.ndarray  # per slot
    accident_rate: np.ndarray  # per slot [per real firm-month]
    trained: np.ndarray
    events: accidents.Events
    assessed: severity.Assessed
    reported: np.ndarray  # per accident: enters the official statistics
    minor_by_county: np.ndarray
    near_by_county: np.ndarray
    near_reported_by_county: np.ndarray
    patrol: grid.Patrol
    insp: inspection.Inspections
    sanc: sanctions.Sanctions
    exposed: np.ndarray
    closed_campaign: np.ndarray
    closed_remediation: np.ndarray
    closed_accident: np.ndarray
    exits: np.ndarray
    entries: np.ndarray


class Recorder:
    """Tally, event log, last month's totals and the DataCollector of one model run."""

    def __init__(self, model: mesa.Model, months: int, by_county):
        self.tally = Tally(months, by_county)
        self.events: list[dict[str, np.ndarray]] = []
        self.last_month: dict[str, float] = {}
        self.datacollector = mesa.DataCollector(
            model_reporters={name: (lambda m, name=name: m.recorder.last_month.get(name, 0.0)) for name in COLLECTED}
        )
        self._model = model

    def begin(self, month: Month) -> None:
        self.tally.month_index = month.number - 1 if month.recording else -1

    def record_flows(self, month: Month, firms: Enterprises, out: MonthOutcome) -> None:
        """Tally the month's events (before exits and entries change what a slot holds)."""
        if month.recording:
            self._accidents(month, firms, out)
            self._enforcement(month, firms, out)

    def record_month_end(self, month: Month, firms: Enterprises, out: MonthOutcome) -> None:
        """Tally end-of-month stocks and costs, update ``last_month`` and the DataCollector."""
        if not month.recording:
            return
        self._stocks(month, firms, out)
        self._costs(month)
        row = self.tally.data[self.tally.month_index].sum(axis=0)
        totals = {name: float(row[i]) for name, i in INDEX.items()}
        totals["committee_priority"] = float(out.priority.mean())
        for name in O.names("ratio"):
            totals[name] = O.ratio(name, totals)
        self.last_month = totals
        self.datacollector.collect(self._model)

    def _accidents(self, month: Month, firms: Enterprises, out: MonthOutcome) -> None:
        t, ev, a = self.tally, out.events, out.assessed
        county = firms.county[ev.slot]
        if len(ev):
            self.events.append(
                {
                    "month": np.full(len(ev), month.number, dtype=np.int32),
                    "county": county,
                    "sector": firms.sector[ev.slot],
                    "size": firms.size[ev.slot],
                    "major_hazard": firms.major_hazard[ev.slot],
                    "cause": ev.cause,
                    "deaths": a.deaths,
                    "serious_injuries": a.injuries,
                    "direct_loss_10k_cny": a.loss,
                    "deaths_saved": a.deaths_saved,
                    "grade": a.grade,
                    "reported": out.reported,
                    "firm_uid": firms.uid[ev.slot],
                    "slot": ev.slot,
                }
            )
        t.add("accidents", county)
        # The sum of the firms' accident rates: expected accidents, the same risk without Poisson noise.
        t.add_slots("accident_risk", out.accident_rate, month.firms_per_agent)
        t.add_slots("chemical_accident_risk", out.accident_rate * (firms.sector == S.CHEMICALS), month.firms_per_agent)
        t.add("deaths", county, a.deaths)
        t.add("accidents_reported", county[out.reported])
        t.add("deaths_reported", county[out.reported], a.deaths[out.reported])
        t.add("serious_injuries", county, a.injuries)
        t.add("direct_loss_10k_cny", county, a.loss)
        t.add("deaths_saved", county, a.deaths_saved)
        for g, name in enumerate(("accidents_general", "accidents_larger", "accidents_major", "accidents_especially_major")):
            t.add(name, county[a.grade == g])
        t.add("accidents_larger_or_worse", county[a.grade >= 1])
        t.add("accidents_major_or_worse", county[a.grade >= 2])
        for c, name in enumerate(("accidents_human", "accidents_combined", "accidents_unavoidable")):
            t.add(name, county[ev.cause == c])
        t.set("minor_injuries", out.minor_by_county)
        t.set("near_misses", out.near_by_county)
        t.set("near_misses_reported", out.near_reported_by_county)

    def _enforcement(self, month: Month, firms: Enterprises, out: MonthOutcome) -> None:
        t, m, insp, sanc = self.tally, month.firms_per_agent, out.insp, out.sanc
        county = firms.county
        ic = county[insp.slots]
        t.add("inspections", ic, m)
        t.add("inspected_accident_risk", ic, out.accident_rate[insp.slots] * m)
        t.add("inspections_formal", ic[insp.formal], m)
        t.add("inspections_cross_region", ic[insp.cross], m)
        t.add("violations_detected", ic[insp.detected], m)
        t.add("violations_let_off", ic[insp.let_off], m)
        t.add("rectification_orders", county[sanc.rectification], m)
        t.add("penalty_cases", county[sanc.penalty_cases], m)
        t.add("fines_10k_cny", county[sanc.penalty_cases], sanc.fines_10k_cny * m)
        t.add("suspensions", county[sanc.suspended], m)
        t.add("licence_revocations", county[sanc.revoked], m)
        t.add("blacklistings", county[sanc.listed], m)
        t.set("collusion_exposed", out.exposed)
        t.add("campaign_closures", county[out.closed_campaign], m)
        t.add("remediation_closures", county[out.closed_remediation], m)
        t.add("accident_closures", county[out.closed_accident], m)

    def _stocks(self, month: Month, firms: Enterprises, out: MonthOutcome) -> None:
        t, m = self.tally, month.firms_per_agent
        # one fused pass over the slots (sim/fused.py) for every stock, in STOCK_COLUMNS order
        stocks = fused.county_stocks(
            firms.county,
            month.world.n_counties,
            out.patrol.visited,
            out.patrol.reported,
            out.trained,
            firms.safety_cost,
            firms.investment,
            firms.compliant,
            firms.hazards,
            out.is_regulated,
            firms.blacklist_months,
            firms.sector,
            S.CHEMICALS,
            firms.major_hazard,
            firms.active,
        )
        for j, name in enumerate(STOCK_COLUMNS):
            t.add_county(name, m * stocks[:, j])
        t.add("exits", firms.county[out.exits], m)
        t.add("entries", firms.county[out.entries], m)
        t.set("committee_priority", out.priority)

    def _costs(self, month: Month) -> None:
        """Enforcement cost per county this month [10k CNY] from the recorded counts (sim/costs.py)."""
        t = self.tally
        row = t.data[t.month_index]
        cross = row[:, INDEX["inspections_cross_region"]]
        cost = costs.enforcement_cost(
            month.lv,
            row[:, INDEX["inspections"]] - cross,
            cross,
            month.world.grids_per_county,
            row[:, INDEX["chemical_enterprises"]],
            row[:, INDEX["trained"]],
        )
        t.set("enforcement_cost_10k_cny", cost)
