"""Jurisdiction graph: province (省) -> 13 cities (设区市) -> counties (县/市/区) -> grids (网格).

Built once per model with networkx (seeded), then flattened into index arrays and a CSR
adjacency, because per-step queries on arrays are hundreds of times faster than walking the
graph (ENGINEERING_NOTES: networkx vs CSR). County adjacency inside a city is not in the public
data, so it is generated: counties of a city form a ring with seeded random chords
(``connected_watts_strogatz_graph``); documented as an assumption in docs/ODD.md.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import networkx as nx
import numpy as np
from scipy import sparse

DATA_DIR = Path(__file__).resolve().parent / "data"
REGIONS = ("south", "central", "north")
REGION_ZH = {"south": "苏南", "central": "苏中", "north": "苏北"}


@dataclass(frozen=True)
class DivisionRow:
    city: str
    city_zh: str
    region: str
    county_zh: str
    county_kind: str
    city_population_10k: float


@lru_cache(maxsize=1)
def load_divisions() -> tuple[DivisionRow, ...]:
    """The 95 county-level divisions of Jiangsu (sim/data/jiangsu_divisions.csv)."""
    rows = []
    with open(DATA_DIR / "jiangsu_divisions.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            rows.append(
                DivisionRow(
                    r["city"], r["city_zh"], r["region"], r["county_zh"], r["county_kind"], float(r["city_population_10k_2023"])
                )
            )
    return tuple(rows)


@lru_cache(maxsize=1)
def load_city_adjacency() -> tuple[tuple[str, str, bool], ...]:
    with open(DATA_DIR / "jiangsu_city_adjacency.csv", encoding="utf-8") as fh:
        return tuple((r["city_a"], r["city_b"], r["across_yangtze"] == "1") for r in csv.DictReader(fh))


def city_names() -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for row in load_divisions():
        seen.setdefault(row.city, None)
    return tuple(seen)


@dataclass
class Jurisdiction:
    """The graph and its flattened index arrays.

    Attributes:
        graph: networkx graph; node attribute ``level`` in {province, city, county, grid};
            edge attribute ``kind`` in {contains, adjacent}.
        cities, cities_zh: city names in index order; city_region: region index per city.
        counties, counties_zh: county node ids / Chinese names; county_city: city index per county.
        grid_county: county index per grid.
        county_weight: relative number of enterprises per county (sums to 1).
        county_adjacency: CSR matrix of county adjacency (within and across neighbouring cities).
    """

    graph: nx.Graph
    cities: list[str]
    cities_zh: list[str]
    city_region: np.ndarray
    counties: list[str]
    counties_zh: list[str]
    county_city: np.ndarray
    grid_county: np.ndarray
    county_weight: np.ndarray
    county_adjacency: sparse.csr_matrix

    @property
    def n_cities(self) -> int:
        return len(self.cities)

    @property
    def n_counties(self) -> int:
        return len(self.counties)

    @property
    def n_grids(self) -> int:
        return len(self.grid_county)

    def grid_node(self, grid: int) -> str:
        county = self.counties[self.grid_county[grid]]
        first = int(np.searchsorted(self.grid_county, self.grid_county[grid]))
        return f"{county}/grid{grid - first}"


def build_jurisdiction(
    rng: np.random.Generator, cities: list[str] | None = None, counties_per_city: int | None = None, grids_per_county: int = 200
) -> Jurisdiction:
    """Build the graph for the chosen cities (all 13 when empty), seeded from ``rng``."""
    rows = load_divisions()
    chosen = list(cities) if cities else list(city_names())
    g = nx.Graph()
    g.add_node("Jiangsu", level="province", name_zh="江苏省")
    city_list, city_zh, city_region = [], [], []
    county_ids, county_zh, county_city, county_pop = [], [], [], []
    for city in city_names():
        if city not in chosen:
            continue
        members = [r for r in rows if r.city == city]
        if counties_per_city:
            members = members[:counties_per_city]
        ci = len(city_list)
        city_list.append(city)
        city_zh.append(members[0].city_zh)
        city_region.append(REGIONS.index(members[0].region))
        g.add_node(city, level="city", name_zh=members[0].city_zh, region=members[0].region)
        g.add_edge("Jiangsu", city, kind="contains")
        ids = []
        for r in members:
            node = f"{city}/{r.county_zh}"
            g.add_node(node, level="county", name_zh=r.county_zh, kind=r.county_kind, city=city)
            g.add_edge(city, node, kind="contains")
            ids.append(node)
            county_ids.append(node)
            county_zh.append(r.county_zh)
            county_city.append(ci)
            # Recalled city population split evenly over its counties: an assumption (ODD 5).
            county_pop.append(r.city_population_10k / len(members))
        # County adjacency inside the city: not in public data, generated and seeded.
        n = len(ids)
        if n >= 4:
            ring = nx.connected_watts_strogatz_graph(n, 2, 0.3, seed=int(rng.integers(2**31)))
            for a, b in ring.edges:
                g.add_edge(ids[a], ids[b], kind="adjacent")
        else:
            for a in range(n - 1):
                g.add_edge(ids[a], ids[a + 1], kind="adjacent")
    for a, b, across in load_city_adjacency():
        if a in city_list and b in city_list:
            g.add_edge(a, b, kind="adjacent", across_yangtze=across)
            # Border counties: link the last county of one city to the first of the other.
            ca = [c for c in county_ids if c.startswith(a + "/")]
            cb = [c for c in county_ids if c.startswith(b + "/")]
            g.add_edge(ca[-1], cb[0], kind="adjacent", across_yangtze=across)
    grid_county = np.repeat(np.arange(len(county_ids), dtype=np.int32), grids_per_county)
    for county in county_ids:
        for j in range(grids_per_county):
            node = f"{county}/grid{j}"
            g.add_node(node, level="grid", county=county)
            g.add_edge(county, node, kind="contains")
    index = {c: i for i, c in enumerate(county_ids)}
    rows_i, cols_i = [], []
    for a, b, data in g.edges(data=True):
        if data.get("kind") == "adjacent" and a in index and b in index:
            rows_i += [index[a], index[b]]
            cols_i += [index[b], index[a]]
    n = len(county_ids)
    adjacency = sparse.csr_matrix((np.ones(len(rows_i)), (rows_i, cols_i)), shape=(n, n))
    weight = np.asarray(county_pop, dtype=float)
    return Jurisdiction(
        graph=g,
        cities=city_list,
        cities_zh=city_zh,
        city_region=np.asarray(city_region, dtype=np.int8),
        counties=county_ids,
        counties_zh=county_zh,
        county_city=np.asarray(county_city, dtype=np.int32),
        grid_county=grid_county,
        county_weight=weight / weight.sum(),
        county_adjacency=adjacency,
    )
