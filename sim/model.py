"""SafetyModel: Jiangsu work-safety governance, one step = one month.

``step()`` runs the paper's mechanisms in order; each lives in ``sim/mechanisms``. Enterprise
state is a struct of arrays (``self.firms``); the Mesa ``Enterprise`` agents are handles.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass

import mesa
import numpy as np
from mesa.discrete_space import Network

from sim import costs, population
from sim import sectors as S
from sim.agents import Enterprise, GridWorker, Inspector, SafetyCommittee
from sim.jurisdiction import build_jurisdiction
from sim.mechanisms import (
    accidents,
    awareness,
    campaigns,
    committees,
    compliance,
    demography,
    grid,
    hazards,
    information,
    inspection,
    leniency,
    sanctions,
    severity,
)
from sim.metrics import INDEX, Tally
from sim.rollup import SegmentSum
from sim.scenario import Scenario, default_scenario
from sim.state import FLOAT
from sim.streams import Streams


@dataclass
class MonthOutcome:
    """What one month's mechanisms produced, for the metrics (counts are per agent or event)."""

    trained: np.ndarray
    events: accidents.Events
    assessed: severity.Assessed
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


class SafetyModel(mesa.Model):
    """Agent-based model of work-safety governance (安全生产治理) in Jiangsu.

    Args:
        config: a resolved scenario (``sim.scenario.load_scenario``); defaults if None.
        seed: root seed; replicate: replicate number. Together they fix every random draw.
        months: override of the horizon in the scenario.
        handles: create Mesa handles for enterprises (the benchmark's kernel turns them off).
    """

    def __init__(
        self, config: Scenario | None = None, seed: int = 0, replicate: int = 0, months: int | None = None, handles: bool = True
    ):
        self.streams = Streams(seed, replicate)
        super().__init__(rng=self.streams.python_seed("setup"))
        self.config = config or default_scenario()
        setup = self.config.setup
        self.months = months or setup.months
        self.warmup = setup.warmup_months
        self.month = -self.warmup  # month 1 is the first recorded month
        self.firms_per_agent = float(setup.enterprises_per_agent)
        self.bh = dict(self.config.behaviour)
        lv = self.config.levers_at(1)

        self.jurisdiction = jur = build_jurisdiction(
            self.streams.get("network"), setup.cities, setup.counties_per_city, setup.grids_per_county
        )
        self.network = Network(jur.graph, layout=None, random=self.random)

        setup_rng = self.streams.get("setup")
        n_insp = max(1, int(round(lv["inspectors_per_county"])))
        self.inspector_county = np.repeat(np.arange(jur.n_counties, dtype=np.int32), n_insp)
        self.inspector_native = setup_rng.random(len(self.inspector_county)) < self.bh["native_share"]
        self.inspector_skill = 0.8 + 0.4 * setup_rng.random(len(self.inspector_county))
        self.firms = population.create_population(
            setup.agents, jur, setup_rng, self.config.values(), self.inspector_county, self.inspector_native
        )
        self.by_county = SegmentSum(self.firms.county, jur.n_counties)
        self.by_grid = SegmentSum(self.firms.grid, jur.n_grids)
        self.agents_per_grid = self.by_grid.counts
        self.grids_per_county = np.bincount(jur.grid_county, minlength=jur.n_counties)
        self.next_uid = setup.agents

        self.committees = committees.Committees(
            jur.n_cities, jur.n_counties, jur.county_city, len(S.SECTORS), start=committees.Committees.resting_level(lv)
        )
        self.tally = Tally(self.months, self.by_county)
        self.exposure = np.zeros(jur.n_counties)  # collusion exposure per county (investigations)
        self.events: list[dict[str, np.ndarray]] = []
        self.accident_rate = accidents.rates(self.firms, self.bh).total
        self.last_month: dict[str, float] = {}

        gc_was_enabled = gc.isenabled()
        gc.disable()  # creating many handles: the collector would only slow this down
        try:
            self._create_agents(handles, lv)
        finally:
            if gc_was_enabled:
                gc.enable()
        gc.freeze()

        self.datacollector = mesa.DataCollector(
            model_reporters={
                name: (lambda m, name=name: m.last_month.get(name, 0.0))
                for name in (
                    "deaths",
                    "accidents",
                    "accidents_larger_or_worse",
                    "inspections",
                    "penalty_cases",
                    "compliance_rate",
                    "hazards_per_enterprise",
                    "committee_priority",
                )
            }
        )

    # ------------------------------------------------------------------------------ set-up
    def _create_agents(self, handles: bool, lv: dict[str, float]) -> None:
        jur = self.jurisdiction
        cell = self.network._cells
        self.enterprise_handles: list[Enterprise | None] = (
            [Enterprise(self, slot) for slot in range(self.firms.n)] if handles else [None] * self.firms.n
        )
        self.inspectors = [
            Inspector(self, i, int(c), bool(self.inspector_native[i]), float(self.inspector_skill[i]), cell[jur.counties[c]])
            for i, c in enumerate(self.inspector_county)
        ]
        per_grid = int(round(lv["grid_workers_per_grid"]))
        self.grid_workers = [GridWorker(self, g, cell[jur.grid_node(g)]) for g in range(jur.n_grids) for _ in range(per_grid)]
        self.safety_committees = (
            [SafetyCommittee(self, "province", 0, cell["Jiangsu"])]
            + [SafetyCommittee(self, "city", i, cell[c]) for i, c in enumerate(jur.cities)]
            + [SafetyCommittee(self, "county", i, cell[c]) for i, c in enumerate(jur.counties)]
        )

    # -------------------------------------------------------------------------------- step
    def step(self) -> None:
        """One month: the paper's mechanisms in order (docs/ODD.md, process overview)."""
        self.month += 1
        month = self.month
        recording = month >= 1
        self.tally.month_index = month - 1 if recording else -1
        lv = self.config.levers_at(max(month, 1))
        bh, firms, m = self.bh, self.firms, self.firms_per_agent
        jur = self.jurisdiction
        stream = self._stream_for(month)

        # 9. Safety committees: priority relaxes toward development-first, floored by 党政同责.
        self.committees.relax(lv, bh)
        priority = self.committees.effective()
        # 10. Training and party branches raise awareness, which decays.
        trained = awareness.train_and_decay(firms, lv, bh, priority, stream("awareness"))
        # 1. Compliance: bounded-rational deterrence decision with peers.
        grid_compliance = self.by_grid.mean(firms.compliant)
        visibility = information.blacklist_visibility(lv)
        compliance.decide(firms, lv, bh, self.accident_rate, grid_compliance, visibility, stream("compliance"))
        # 2. Equipment ageing and hidden-hazard build-up.
        hazards.evolve(firms, bh)
        # 3. Accidents and their causes (88:10:2 from the mechanism).
        rates = accidents.rates(firms, bh)
        self.accident_rate = rates.total
        events = accidents.occur(rates, m, stream("accidents"))
        # 4. Severity, rescue and Decree 493 grades; the incident pyramid.
        assessed = severity.assess(firms, events, lv, bh, stream("severity"))
        firms.last_accident[events.slot] = month
        minor, near = severity.pyramid_expectations(firms, rates, m)
        pyramid_rng = stream("pyramid")
        minor_c = pyramid_rng.poisson(self.by_county(minor))
        near_c = pyramid_rng.poisson(self.by_county(near))
        # 8. Grid governance: patrols, detection, delayed reports (大数据+网格化+铁脚板).
        delay = information.report_delay(lv, bh)
        patrol = grid.patrol(firms, lv, bh, month, delay, m, self.agents_per_grid, stream("grid"))
        detect_c = self.by_county.mean(patrol.visit_probability) * bh["grid_skill_ratio"] * lv["inspector_skill"]
        near_reported_c = grid.report_near_misses(near_c, detect_c, pyramid_rng)
        # 11. Hazardous-chemicals platform: closed-loop monitoring of covered firms.
        information.platform_monitoring(firms, lv, month)
        # 5. Inspection: capacity, targeting (双随机 vs risk-based), formality, detection.
        capacity = inspection.capacity(lv, bh, priority)
        is_regulated = inspection.regulated(firms, lv)
        slots = inspection.select(
            firms,
            lv,
            month,
            rates.total,
            is_regulated,
            capacity,
            m,
            self.committees.campaign_boost(),
            self.by_county,
            stream("inspection"),
        )
        outcome_rng = stream("inspection_outcome")
        # 6. Leniency from ties (inside inspect), with collusion exposure.
        insp = inspection.inspect(firms, slots, lv, bh, month, self.inspector_skill, self.exposure, outcome_rng)
        # 7. Sanctions: pyramid, rectification, fines, suspension, blacklists.
        sanc = sanctions.apply(firms, insp, lv, bh, month)
        # 1. (learning) Perceived detection from own and neighbours' inspections.
        own = np.zeros(firms.n, dtype=FLOAT)
        own[insp.slots[~insp.formal]] = 1.0
        penalised = np.bincount(firms.grid[sanc.penalty_cases], minlength=jur.n_grids) / np.maximum(self.agents_per_grid, 1)
        compliance.learn_detection(firms, bh, own, penalised)
        # 6. + 9. Investigations of serious accidents; committees react; campaigns.
        serious = assessed.grade >= 1
        exposed = leniency.investigate(firms, events.slot[serious], month, self.exposure, jur.n_counties, bh)
        ev_county, ev_sector = firms.county[events.slot], firms.sector[events.slot]
        self.committees.react(ev_county, assessed.grade, ev_sector, lv, bh)
        # Draws only when a campaign or the programme is on: each has its own stream this month.
        closed_campaign = campaigns.sector_campaign(
            firms,
            firms.city[events.slot],
            assessed.grade,
            ev_sector,
            lv,
            lambda: stream("campaigns").random(firms.n, dtype=FLOAT),
        )
        closed_remediation = campaigns.remediation(firms, lv, lambda: stream("remediation").random(firms.n, dtype=FLOAT))
        # 10. Exit and entry. Fixed-size draws first, so event counts never shift them (CRN).
        demo_rng = stream("demography")
        exit_draws = demo_rng.random(firms.n, dtype=FLOAT)
        closed_accident = demography.close_after_accidents(firms, events.slot, assessed.grade, bh, demo_rng.random(len(events)))
        out = MonthOutcome(
            trained,
            events,
            assessed,
            minor_c,
            near_c,
            near_reported_c,
            patrol,
            insp,
            sanc,
            exposed,
            closed_campaign,
            closed_remediation,
            closed_accident,
        )
        self._record(lv, out)
        leaving = demography.exits(firms, bh, exit_draws)
        self._replace(leaving, stream("entry"))
        self.tally.add("exits", firms.county[leaving], m)
        self.tally.add("entries", firms.county[leaving], m)  # every freed slot is refilled
        # Month end: fading deterrence, listings and ties; rotation of inspectors.
        sanctions.fade(firms, bh)
        leniency.decay_ties(firms, bh)
        leniency.rotate(firms, lv, len(self.inspector_county), stream("committees"))
        self._record_stocks(lv, priority, is_regulated, out)
        if recording:
            self.datacollector.collect(self)
        if month >= self.months:
            self.running = False

    def set_levers(self, values: dict[str, float], source: str = "levers") -> None:
        """Change levers from the next month on (validated against the declaration).

        Used by interactive exercises: past months keep the values they were run with.
        """
        self.config = self.config.with_overrides(values, source=source)

    def _stream_for(self, month: int):
        index = month + self.warmup  # 1, 2, ... including warm-up months
        return lambda name: self.streams.get(name, index)

    def _replace(self, slots: np.ndarray, rng: np.random.Generator) -> None:
        """Refill closed slots with entrants under a new firm identity (``firms.uid``).

        The Mesa handle of a slot is kept: it stands for the premises, and reports the firm
        now in it (``Enterprise.firm_uid``). Re-creating handles for ~0.5% of firms a month
        would cost more than the whole vectorised month (benchmarks/README.md).
        """
        if len(slots) == 0:
            return
        self.firms.uid[slots] = np.arange(self.next_uid, self.next_uid + len(slots))
        self.next_uid += len(slots)
        population.fill_new_firms(
            self.firms, slots, rng, self.config.values(), self.inspector_county, self.inspector_native, entrant=True
        )

    # ----------------------------------------------------------------------------- metrics
    def _record(self, lv, out: MonthOutcome) -> None:
        t, firms, m = self.tally, self.firms, self.firms_per_agent
        if t.month_index < 0:
            return
        county = firms.county
        ev_c = county[out.events.slot]
        if len(out.events):
            self.events.append(
                {
                    "month": np.full(len(out.events), self.month, dtype=np.int32),
                    "county": ev_c,
                    "sector": firms.sector[out.events.slot],
                    "size": firms.size[out.events.slot],
                    "major_hazard": firms.major_hazard[out.events.slot],
                    "cause": out.events.cause,
                    "deaths": out.assessed.deaths,
                    "serious_injuries": out.assessed.injuries,
                    "direct_loss_10k_cny": out.assessed.loss,
                    "deaths_saved": out.assessed.deaths_saved,
                    "grade": out.assessed.grade,
                    "firm_uid": firms.uid[out.events.slot],
                }
            )
        t.add("accidents", ev_c)
        t.add("deaths", ev_c, out.assessed.deaths)
        t.add("serious_injuries", ev_c, out.assessed.injuries)
        t.add("direct_loss_10k_cny", ev_c, out.assessed.loss)
        t.add("deaths_saved", ev_c, out.assessed.deaths_saved)
        for g, name in enumerate(("accidents_general", "accidents_larger", "accidents_major", "accidents_especially_major")):
            t.add(name, ev_c[out.assessed.grade == g])
        t.add("accidents_larger_or_worse", ev_c[out.assessed.grade >= 1])
        t.add("accidents_major_or_worse", ev_c[out.assessed.grade >= 2])
        for c, name in enumerate(("accidents_human", "accidents_combined", "accidents_unavoidable")):
            t.add(name, ev_c[out.events.cause == c])
        t.set("minor_injuries", out.minor_by_county)
        t.set("near_misses", out.near_by_county)
        t.set("near_misses_reported", out.near_reported_by_county)
        ic = county[out.insp.slots]
        t.add("inspections", ic, m)
        t.add("inspected_accident_risk", ic, self.accident_rate[out.insp.slots] * m)
        t.add("inspections_formal", ic[out.insp.formal], m)
        t.add("inspections_cross_region", ic[out.insp.cross], m)
        t.add("violations_detected", ic[out.insp.detected], m)
        t.add("violations_let_off", ic[out.insp.let_off], m)
        t.add("rectification_orders", county[out.sanc.rectification], m)
        t.add("penalty_cases", county[out.sanc.penalty_cases], m)
        t.add("fines_10k_cny", county[out.sanc.penalty_cases], out.sanc.fines_10k_cny * m)
        t.add("suspensions", county[out.sanc.suspended], m)
        t.add("licence_revocations", county[out.sanc.revoked], m)
        t.add("blacklistings", county[out.sanc.listed], m)
        t.set("collusion_exposed", out.exposed)
        t.add("campaign_closures", county[out.closed_campaign], m)
        t.add("remediation_closures", county[out.closed_remediation], m)
        t.add("accident_closures", county[out.closed_accident], m)

    def _record_costs(self, lv) -> None:
        """Enforcement cost per county this month [10k CNY] from the recorded counts (sim/costs.py)."""
        t = self.tally
        row = t.data[t.month_index]
        cross = row[:, INDEX["inspections_cross_region"]]
        cost = costs.enforcement_cost(
            lv,
            row[:, INDEX["inspections"]] - cross,
            cross,
            self.grids_per_county,
            row[:, INDEX["chemical_enterprises"]],
            row[:, INDEX["trained"]],
        )
        t.set("enforcement_cost_10k_cny", cost)

    def _record_stocks(self, lv, priority, is_regulated, out: MonthOutcome) -> None:
        t, firms, m = self.tally, self.firms, self.firms_per_agent
        if t.month_index < 0:
            return
        for name, values in (
            ("grid_visits", out.patrol.visited),
            ("grid_reports", out.patrol.reported),
            ("trained", out.trained),
            ("compliance_cost_10k_cny", firms.safety_cost * firms.investment),
            ("compliant_enterprises", firms.compliant),
            ("hidden_hazards", firms.hazards),
            ("unregulated_enterprises", ~is_regulated),
            ("blacklisted_enterprises", firms.blacklist_months > 0),
            ("chemical_enterprises", firms.sector == S.CHEMICALS),
            ("major_hazard_enterprises", firms.major_hazard),
        ):
            t.add_slots(name, values, m)
        t.set("enterprises", self.by_county.counts * m)
        self._record_costs(lv)
        t.set("committee_priority", priority)
        row = t.data[t.month_index].sum(axis=0)
        self.last_month = {name: float(row[i]) for name, i in INDEX.items()}
        self.last_month["committee_priority"] = float(priority.mean())
        self.last_month["compliance_rate"] = row[INDEX["compliant_enterprises"]] / max(row[INDEX["enterprises"]], 1)
        self.last_month["hazards_per_enterprise"] = row[INDEX["hidden_hazards"]] / max(row[INDEX["enterprises"]], 1)

    # ------------------------------------------------------------------------------- run
    def run(self) -> SafetyModel:
        """Warm up, then simulate every month of the horizon."""
        while self.month < self.months:
            self.step()
        return self
