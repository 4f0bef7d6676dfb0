"""The three implementations the model benchmark compares.

(a) ``full_model``: ``sim.SafetyModel`` as users run it (Mesa model, handles, committees,
    grids, metrics, DataCollector).
(b) ``ReferenceKernel``: the same enterprise dynamics as plain numpy, calling the same
    mechanism functions on the same arrays (awareness, compliance and learning, hazards,
    accidents, severity, grid patrols, the chemicals platform, inspection, leniency, sanctions,
    remediation, exit and entry) with no Mesa model, no committee dynamics (fixed priority), no
    reporting, investigations or campaigns, no metrics and no DataCollector: the floor that the
    full model's overhead is measured against.
(c) ``per_agent_mesa``: a Mesa model whose Enterprise agents each run the same monthly
    equations in scalar Python inside ``step()`` (awareness decay, compliance decision, hazards,
    accident draw with cause, inspection with detection, leniency and rectification), scheduled
    with ``shuffle_do("step")``, the way a hand-rolled Mesa script would do it.
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from sim import fused, population
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
    sanctions,
    severity,
)
from sim.model import SafetyModel
from sim.rollup import SegmentSum
from sim.scenario import default_scenario
from sim.streams import Streams


def scenario(n: int, months: int):
    return default_scenario().with_overrides(
        {}, agents=n, enterprises_per_agent=1.2e6 / n if n < 1.2e6 else 1.0, months=months, warmup_months=0
    )


def full_model(n: int, months: int, seed: int = 0) -> SafetyModel:
    model = SafetyModel(scenario(n, months), seed=seed)
    model.run()
    return model


class ReferenceKernel:
    """Set-up in ``__init__``; ``run(months)`` does the monthly enterprise dynamics."""

    def __init__(self, n: int, seed: int = 0):
        sc = scenario(n, 1)
        self.streams = streams = Streams(seed)
        self.lv, self.bh, self.m = sc.levers_at(1), dict(sc.behaviour), float(sc.setup.enterprises_per_agent)
        jur = build_jurisdiction(streams.get("network"), grids_per_county=sc.setup.grids_per_county)
        rng = streams.get("setup")
        n_insp = int(round(self.lv["inspectors_per_county"]))
        insp_county = np.repeat(np.arange(jur.n_counties, dtype=np.int32), n_insp)
        native = rng.random(len(insp_county)) < self.bh["native_share"]
        self.firms = population.create_population(n, jur, rng, sc.values(), insp_county, native)
        by_county = SegmentSum(self.firms.county, jur.n_counties)
        self.world = World(jur, by_county, SegmentSum(self.firms.grid, jur.n_grids),
                           np.bincount(jur.grid_county, minlength=jur.n_counties), insp_county, native)
        self.priority = np.full(jur.n_counties, committees.Committees.resting_level(self.lv))
        self.exposure = np.zeros(jur.n_counties)
        self.rate = accidents.rates(self.firms, self.bh).total

    def run(self, months: int) -> np.ndarray:
        """Monthly county deaths (returned so the work cannot be skipped)."""
        firms, world = self.firms, self.world
        no_campaign = np.ones(7)
        deaths = np.zeros((months, world.n_counties))
        for k in range(1, months + 1):
            month = Month(k, k, self.lv, self.bh, self.m, world, self.streams)
            awareness.train_and_decay(firms, month)
            q = fused.county_share(firms.compliant, firms.active, firms.county, world.n_counties)
            compliance.decide(firms, month, self.rate, q)
            hazards.evolve(firms, month)
            r = accidents.rates(firms, self.bh)
            self.rate = r.total
            events = accidents.occur(r, month, firms.uid)
            assessed = severity.assess(firms, events, month)
            deaths[k - 1] = np.bincount(firms.county[events.slot], assessed.deaths, world.n_counties)
            grid.patrol(firms, month, information.report_delay(month))
            information.platform_monitoring(firms, month)
            regulated = inspection.regulated(firms, month)
            selection = inspection.select(firms, month, self.rate, regulated, inspection.capacity(month, self.priority),
                                          no_campaign)
            insp = inspection.inspect(firms, selection.slots, month, self.exposure)
            sanctions.apply(firms, insp, month)
            own = np.zeros(firms.n, dtype=np.float32)
            own[insp.slots] = insp.skill
            letoff = leniency.leniency(firms.tie, firms.county, month, self.exposure)
            compliance.learn(firms, month, selection.caught_probability, own, letoff, regulated)
            campaigns.remediation(firms, month)
            leaving = demography.exits(firms, month)
            demography.leave(firms, leaving)
            demography.enter(firms, month)
            sanctions.fade(firms, month)
            leniency.relax_ties(firms, month)
        return deaths


class ScalarFirm(mesa.Agent):
    """One enterprise running the monthly equations in scalar Python."""

    def __init__(self, model, county, exposure, cost):
        super().__init__(model)
        r = model.random
        self.county = county
        self.exposure = exposure
        self.cost = cost
        self.aw_owner = 0.3 + 0.2 * r.random()
        self.aw_worker = 0.3 + 0.2 * r.random()
        self.equipment = 0.4 + 0.5 * r.random()
        self.hazards = 3.0 * r.random()
        self.compliant = r.random() < 0.5
        self.p_hat = 0.03
        self.leniency_hat = 0.3
        self.deterrence = 0.0
        self.tie = 0.4 * r.random()
        self.level = 0

    def step(self):
        m, bh, lv, r = self.model, self.model.bh, self.model.lv, self.model.random
        for attr in ("aw_owner", "aw_worker"):
            a = getattr(self, attr)
            setattr(self, attr, min(1.0, max(0.0, a - bh["awareness_decay"] * (a - 0.2))))
        es = min(1.0, self.p_hat * (1 + 2 * self.deterrence)) * lv["fine_level"] * 12 * (1 + 0.5 * self.level)
        es *= (1 - self.leniency_hat) * (0.6 + 0.8 * lv["rule_of_law"])
        delta = es + 2 * bh["moral_weight"] * self.aw_owner - 1.0
        p = 1.0 / (1.0 + math.exp(-delta / bh["decision_noise"]))
        u = r.random()
        if u < 0.25:
            self.compliant = (u / 0.25) < p
        s = 1.0 if self.compliant else 0.25 + 0.35 * self.aw_owner
        self.equipment = min(1.0, max(0.0, self.equipment + 0.03 * s * (1 - self.equipment) - bh["equipment_decay"] * (1 - s)))
        self.hazards = self.hazards * (1 - bh["hazard_repair"] * s) + bh["hazard_inflow"] * (0.2 + 0.8 * (1 - s)) * (
            3 - 2 * self.equipment
        )
        ua = bh["unsafe_act_rate"] * (1 - 0.75 * self.aw_worker) * (1 - 0.3 * s)
        uc = 1 - math.exp(-bh["condition_sensitivity"] * self.hazards)
        base = bh["base_incident_rate"] * self.exposure
        rate = base * (ua * (1 - uc) + ua * uc * bh["combined_amplifier"] + bh["unavoidable_rate"])
        if r.random() < 1 - math.exp(-m.firms_per_agent * rate):
            m.accidents += 1
        inspected = r.random() < m.inspection_probability
        self.p_hat *= 1 - bh["detection_learning"]
        if inspected:
            self.p_hat += bh["detection_learning"]
            violating = (not self.compliant) or self.hazards > 3
            if violating and r.random() < lv["inspector_skill"]:
                lenient = 1 / (1 + math.exp(-(bh["leniency_kappa"] * self.tie - 2.0)))
                if r.random() >= lenient:
                    self.level = min(self.level + 1, 4)
                    self.hazards *= 1 - bh["rectification_effect"]
                    self.deterrence = 1.0
            self.tie += bh["tie_growth"] * (1 - self.tie)
        self.deterrence = max(0.0, self.deterrence - 1 / bh["deterrence_months"])
        self.tie *= 1 - bh["tie_decay"]


class PerAgentModel(mesa.Model):
    def __init__(self, n: int, seed: int = 0):
        super().__init__(rng=seed)
        sc = scenario(n, 1)
        self.lv, self.bh = sc.levers_at(1), dict(sc.behaviour)
        self.firms_per_agent = float(sc.setup.enterprises_per_agent)
        self.accidents = 0
        cap = 95 * self.lv["inspectors_per_county"] * self.bh["inspections_per_inspector"] * 0.55 * 0.8
        self.inspection_probability = min(1.0, cap / (n * self.firms_per_agent))
        for _ in range(n):
            ScalarFirm(self, self.random.randrange(95), 0.2 + 2 * self.random.random(), 1.0)

    def step(self):
        self.agents.shuffle_do("step")


def per_agent_mesa(n: int, months: int, seed: int = 0) -> PerAgentModel:
    model = PerAgentModel(n, seed)
    for _ in range(months):
        model.step()
    return model
