"""The jurisdiction graph and the Mesa 3.5 structure of the model."""

from __future__ import annotations

import networkx as nx
import numpy as np

from sim.agents import Enterprise, GridWorker, Inspector, SafetyCommittee
from sim.jurisdiction import build_jurisdiction
from sim.model import SafetyModel


def test_full_province_has_13_cities_and_95_counties():
    jur = build_jurisdiction(np.random.default_rng(0), grids_per_county=3)
    assert jur.n_cities == 13 and jur.n_counties == 95 and jur.n_grids == 95 * 3
    levels = nx.get_node_attributes(jur.graph, "level")
    assert sum(v == "city" for v in levels.values()) == 13
    assert sum(v == "county" for v in levels.values()) == 95
    regions = {c: ["south", "central", "north"][r] for c, r in zip(jur.cities, jur.city_region, strict=True)}
    assert regions["Suzhou"] == "south" and regions["Nantong"] == "central" and regions["Xuzhou"] == "north"
    assert jur.graph.has_edge("Nanjing", "Zhenjiang")  # city adjacency from the data
    # every county is connected to some other county
    assert (np.asarray(jur.county_adjacency.sum(axis=1)).ravel() > 0).all()


def test_graph_is_reproducible_with_the_seed():
    a = build_jurisdiction(np.random.default_rng(1), grids_per_county=2)
    b = build_jurisdiction(np.random.default_rng(1), grids_per_county=2)
    c = build_jurisdiction(np.random.default_rng(2), grids_per_county=2)
    assert sorted(a.graph.edges) == sorted(b.graph.edges)
    assert sorted(a.graph.edges) != sorted(c.graph.edges)


def test_restricting_cities_and_counties(tiny):
    jur = build_jurisdiction(np.random.default_rng(0), tiny.setup.cities, 2, 5)
    assert jur.cities == ["Nanjing", "Nantong", "Xuzhou"]
    assert jur.n_counties == 6 and jur.n_grids == 30


def test_model_uses_mesa_agents_as_handles(tiny):
    model = SafetyModel(tiny, seed=0)
    firms = model.agents_by_type[Enterprise]
    assert len(firms) == tiny.setup.agents
    handle = next(iter(firms))
    model.firms.hazards[handle.slot] = 7.5
    assert handle.hazards == 7.5  # the handle reads the shared array
    assert len(model.agents_by_type[Inspector]) == 6 * round(tiny.levers["inspectors_per_county"])
    assert len(model.agents_by_type[GridWorker]) == 30 * round(tiny.levers["grid_workers_per_grid"])
    committees = model.agents_by_type[SafetyCommittee]
    assert len(committees) == 1 + 3 + 6
    inspector = next(iter(model.agents_by_type[Inspector]))
    assert inspector.cell.coordinate == model.jurisdiction.counties[inspector.county]
