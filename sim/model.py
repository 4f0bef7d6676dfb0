"""SafetyModel: Jiangsu work-safety governance, one step = one month.

``step()`` runs the paper's mechanisms in order; each lives in ``sim/mechanisms`` and takes
``(firms, month, inputs)`` (sim/context.py). Enterprise state is a struct of arrays
(``self.firms``); the Mesa ``Enterprise`` agents are handles. Observation is the recorder's job
(sim/recorder.py).
"""

from __future__ import annotations

import gc

import mesa
import numpy as np
from mesa.discrete_space import Network

from sim import fused, population
from sim import sectors as S
from sim.agents import Enterprise, GridWorker, Inspector, SafetyCommittee
from sim.context import Month, World
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
    reporting,
    sanctions,
    severity,
)
from sim.recorder import MonthOutcome, Recorder
from sim.rollup import SegmentSum
from sim.scenario import Scenario, default_scenario
from sim.state import FLOAT
from sim.streams import Streams


class SafetyModel(mesa.Model):
    """Agent-based model of work-safety governance (安全生产治理) in Jiangsu.

    Args:
        config: a resolved scenario (``sim.scenario.load_scenario``); defaults if None.
        seed: root seed; replicate: replicate number. Together they fix every random draw.
        months: override of the horizon in the scenario.
        handles: create Mesa handles for enterprises (the benchmark's kernel turns them off).

    In-silico experiments intervene through the model's own code paths, for the next month
    simulated: ``force_inspections(slots)``, ``force_training(slots)``, ``force_penalty(slots)``.
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

        jur = build_jurisdiction(self.streams.get("network"), setup.cities, setup.counties_per_city, setup.grids_per_county)
        self.jurisdiction = jur
        self.network = Network(jur.graph, layout=None, random=self.random)

        setup_rng = self.streams.get("setup")
        n_insp = max(1, int(round(lv["inspectors_per_county"])))
        inspector_county = np.repeat(np.arange(jur.n_counties, dtype=np.int32), n_insp)
        inspector_native = setup_rng.random(len(inspector_county)) < self.bh["native_share"]
        self.firms = population.create_population(
            setup.agents, jur, setup_rng, self.config.values(), inspector_county, inspector_native
        )
        by_county = SegmentSum(self.firms.county, jur.n_counties)
        self.world = World(
            jur=jur,
            by_county=by_county,
            by_grid=SegmentSum(self.firms.grid, jur.n_grids),
            grids_per_county=np.bincount(jur.grid_county, minlength=jur.n_counties),
            inspector_county=inspector_county,
            inspector_native=inspector_native,
        )
        self.committees = committees.Committees(
            jur.n_cities, jur.n_counties, jur.county_city, len(S.SECTORS), start=committees.Committees.resting_level(lv)
        )
        self.exposure = np.zeros(jur.n_counties)  # collusion exposure per county
        self.accident_rate = accidents.rates(self.firms, self.bh).total
        self.recorder = Recorder(self, self.months, by_county)
        self._pending: dict[str, list[np.ndarray]] = {"inspect": [], "train": [], "penalise": []}
        self.last_outcome: MonthOutcome | None = None

        # Objects an earlier model froze (below) can only be freed once unfrozen: without this a
        # process that builds many models (a batch worker) keeps every one of them.
        gc.unfreeze()
        gc.collect()
        gc_was_enabled = gc.isenabled()
        gc.disable()  # creating many handles: the collector would only slow this down
        try:
            self._create_agents(handles, lv)
        finally:
            if gc_was_enabled:
                gc.enable()
        gc.freeze()

    # ------------------------------------------------------------------------ compatibility
    @property
    def tally(self):
        """The county x month tally (``self.recorder.tally``)."""
        return self.recorder.tally

    @property
    def last_month(self) -> dict[str, float]:
        """Province totals of the month just simulated (``self.recorder.last_month``)."""
        return self.recorder.last_month

    @property
    def datacollector(self) -> mesa.DataCollector:
        return self.recorder.datacollector

    @property
    def events(self) -> list[dict[str, np.ndarray]]:
        return self.recorder.events

    # ------------------------------------------------------------------------------ set-up
    def _create_agents(self, handles: bool, lv: dict[str, float]) -> None:
        jur = self.jurisdiction
        cell = self.network._cells
        self.enterprise_handles: list[Enterprise | None] = (
            [Enterprise(self, slot) for slot in range(self.firms.n)] if handles else [None] * self.firms.n
        )
        self.inspectors = [
            Inspector(self, i, int(c), cell[jur.counties[c]]) for i, c in enumerate(self.world.inspector_county)
        ]
        per_grid = int(round(lv["grid_workers_per_grid"]))
        self.grid_workers = [GridWorker(self, g, cell[jur.grid_node(g)]) for g in range(jur.n_grids) for _ in range(per_grid)]
        self.safety_committees = (
            [SafetyCommittee(self, "province", 0, cell["Jiangsu"])]
            + [SafetyCommittee(self, "city", i, cell[c]) for i, c in enumerate(jur.cities)]
            + [SafetyCommittee(self, "county", i, cell[c]) for i, c in enumerate(jur.counties)]
        )

    # --------------------------------------------------------------------------- interventions
    def force_inspections(self, slots) -> None:
        """Inspect these enterprise slots next month, through the normal inspection, leniency
        and sanction code (in addition to the sampled inspections)."""
        self._pending["inspect"].append(np.asarray(slots, dtype=np.int64))

    def force_training(self, slots) -> None:
        """Train these enterprise slots next month (owners and workers), as training does."""
        self._pending["train"].append(np.asarray(slots, dtype=np.int64))

    def force_penalty(self, slots) -> None:
        """Punish these enterprise slots next month as found violations (a penalty case or a
        climb up the pyramid, rectification, targeting), through the sanctions code."""
        self._pending["penalise"].append(np.asarray(slots, dtype=np.int64))

    def _take(self, kind: str) -> np.ndarray:
        parts, self._pending[kind] = self._pending[kind], []
        return np.unique(np.concatenate(parts)) if parts else np.empty(0, np.int64)

    # -------------------------------------------------------------------------------- step
    def step(self) -> None:
        """One month: the paper's mechanisms in order (docs/ODD.md, process overview)."""
        self.month += 1
        month = Month(
            index=self.month + self.warmup,
            number=self.month,
            lv=self.config.levers_at(max(self.month, 1)),
            bh=self.bh,
            firms_per_agent=self.firms_per_agent,
            world=self.world,
            streams=self.streams,
        )
        firms, world = self.firms, self.world
        self.recorder.begin(month)

        # 9. Safety committees: priority relaxes toward 1 - development_first (1 - party_building).
        self.committees.relax(month)
        priority = self.committees.effective(month)
        # 10. Training and party branches raise awareness, which decays.
        trained = awareness.train_and_decay(firms, month, forced=self._take("train"))
        # 1. Compliance: bounded-rational deterrence decision with peers; management follows.
        county_compliance = fused.county_share(firms.compliant, firms.active, firms.county, world.n_counties)
        compliance.decide(firms, month, self.accident_rate, county_compliance)
        # 2. Equipment ageing and hidden-hazard build-up.
        hazards.evolve(firms, month)
        # 3. Accidents and their causes (88:10:2 from the mechanism).
        rates = accidents.rates(firms, self.bh)
        self.accident_rate = rates.total
        events = accidents.occur(rates, month, firms.uid)
        # 4. Severity, rescue and Decree 493 grades; the incident pyramid.
        assessed = severity.assess(firms, events, month)
        firms.last_accident[events.slot] = month.number
        # 13. Statistics: officials under accident targets hide some small accidents (瞒报).
        in_statistics = reporting.reported(firms, events, assessed.grade, month)
        minor, near = severity.pyramid_by_county(firms, rates, month)
        pyramid_rng = month.rng("pyramid")
        minor_c = pyramid_rng.poisson(minor)
        near_c = pyramid_rng.poisson(near)
        # 8. Grid governance: patrols, detection, delayed reports (大数据+网格化+铁脚板).
        patrol = grid.patrol(firms, month, information.report_delay(month))
        detect_c = world.by_county.mean(patrol.visit_probability) * self.bh["grid_skill_ratio"] * month.lv["inspector_skill"]
        near_reported_c = grid.report_near_misses(month, near_c, detect_c)
        # 11. Hazardous-chemicals platform: closed-loop monitoring of covered firms.
        information.platform_monitoring(firms, month)
        # 5. Inspection: capacity, targeting (双随机 vs risk-based, Harrington's targeted group).
        is_regulated = inspection.regulated(firms, month)
        selection = inspection.select(
            firms,
            month,
            rates.total,
            is_regulated,
            inspection.capacity(month, priority),
            self.committees.campaign_boost(month),
            forced=self._take("inspect"),
        )
        # 6. Formality, detection and leniency from ties (人情), with collusion exposure.
        insp = inspection.inspect(firms, selection.slots, month, self.exposure)
        # 7. Sanctions: pyramid, rectification, fines, suspension, blacklists, targeting.
        sanc = sanctions.apply(firms, insp, month)
        forced_penalty = self._take("penalise")
        if len(forced_penalty):
            draws = month.keyed("sanctions").uniforms(firms.uid[forced_penalty], 1)[:, 0]
            sanc = sanc.merged(sanctions.punish(firms, forced_penalty, draws, month, penalty=True))
        # 1. (learning) Perceived detection and leniency track what firms like each experience.
        own = np.zeros(firms.n, dtype=FLOAT)
        own[insp.slots] = insp.skill
        letoff = leniency.letoff_everywhere(firms, month, self.exposure, 1.0 - inspection.cross_share(month))
        compliance.learn(firms, month, selection.caught_probability, own, letoff, is_regulated)
        # 6. + 9. Investigations of serious accidents and cross-region findings expose let-offs;
        # committees react; campaigns.
        serious = events.slot[assessed.grade >= 1]
        cross_found = insp.slots[insp.cross & insp.detected]
        checked = np.concatenate([serious, cross_found])
        weight = np.concatenate([np.ones(len(serious)), np.full(len(cross_found), self.firms_per_agent)])
        exposed = leniency.expose(firms, month, self.exposure, checked, weight)
        ev_county, ev_sector = firms.county[events.slot], firms.sector[events.slot]
        self.committees.react(month, ev_county, assessed.grade, ev_sector)
        closed_campaign = campaigns.sector_campaign(firms, month, firms.city[events.slot], assessed.grade, ev_sector)
        closed_remediation = campaigns.remediation(firms, month)
        # 10. Exit and entry: closures leave for good; entrants replace natural exits.
        closed_accident = demography.close_after_accidents(firms, month, events.slot, assessed.grade)
        out = MonthOutcome(
            priority=priority,
            is_regulated=is_regulated,
            accident_rate=rates.total,
            trained=trained,
            events=events,
            assessed=assessed,
            reported=in_statistics,
            minor_by_county=minor_c,
            near_by_county=near_c,
            near_reported_by_county=near_reported_c,
            patrol=patrol,
            insp=insp,
            sanc=sanc,
            exposed=exposed,
            closed_campaign=closed_campaign,
            closed_remediation=closed_remediation,
            closed_accident=closed_accident,
            exits=np.empty(0, np.int64),
            entries=np.empty(0, np.int64),
        )
        self.recorder.record_flows(month, firms, out)
        out.exits = demography.exits(firms, month)
        demography.leave(firms, out.exits)
        out.entries = demography.enter(firms, month)
        # Month end: fading targeting, listings and suspensions; ties relax; rotation.
        sanctions.fade(firms, month)
        leniency.relax_ties(firms, month)
        leniency.rotate(firms, month)
        self.recorder.record_month_end(month, firms, out)
        self.last_outcome = out  # what this month's mechanisms produced (in-silico experiments read it)
        if self.month >= self.months:
            self.running = False

    def set_levers(self, values: dict[str, float], source: str = "levers") -> None:
        """Change levers from the next month on (validated against the declaration).

        Used by interactive exercises: past months keep the values they were run with.
        """
        self.config = self.config.with_overrides(values, source=source)

    # ------------------------------------------------------------------------------- run
    def run(self) -> SafetyModel:
        """Warm up, then simulate every month of the horizon."""
        while self.month < self.months:
            self.step()
        return self
