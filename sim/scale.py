"""One rule for changing a world's resolution: fewer (or more) agents, same real enterprises.

An agent is a super-individual standing for ``enterprises_per_agent`` real firms. A smaller
world for interactive use, a sensitivity design or a quick comparison must keep the number of
*real* enterprises of the scenario (and so its deaths, accidents and costs at real scale); a
world restricted to some cities keeps those cities' share of it (by population). Every caller
that changes ``agents`` or ``cities`` (``sim.evaluate``, ``safegov compare --agents``, the
dashboard's world, the sensitivity default scale, calibration's reference) uses this rule.
"""

from __future__ import annotations

from sim.jurisdiction import city_names, load_divisions
from sim.scenario import Setup

#: Bounds of ``Setup.enterprises_per_agent`` (sim/scenario.py validates the same).
MIN_PER_AGENT, MAX_PER_AGENT = 1.0, 10_000.0


def population_share(world: list[str] | tuple[str, ...], chosen: list[str] | tuple[str, ...] | None) -> float:
    """Share of the population of ``world`` (city names; empty = all 13) living in ``chosen``.

    1.0 when ``chosen`` is empty or None. Populations: sim/data/jiangsu_divisions.csv (2023).
    """
    if not chosen:
        return 1.0
    pop = {r.city: r.city_population_10k for r in load_divisions()}
    world = list(world) or list(city_names())
    total = sum(pop[c] for c in world)
    return sum(pop[c] for c in chosen) / total if total else 1.0


def real_enterprises(setup: Setup, cities: list[str] | None = None) -> float:
    """Real enterprises [firms] the world of ``setup`` stands for (agents x enterprises per
    agent), or the share of them in ``cities`` when given."""
    return setup.agents * float(setup.enterprises_per_agent) * population_share(setup.cities, cities)


def rescaled(setup: Setup, agents: int | None = None, cities: list[str] | None = None) -> dict:
    """Setup changes for a world of ``agents`` agents and/or only ``cities`` that keeps the real
    number of enterprises of ``setup`` (the cities' share of it when ``cities`` is given).

    Returns ``{"agents": ..., "enterprises_per_agent": ..., ["cities": ...]}`` for
    ``Scenario.with_overrides``; empty when nothing changes. Enterprises per agent are kept
    within the declared bounds [1, 10,000], so a world with more agents than real firms, or
    with very few agents, keeps its agents and changes its total (the only case it does).
    """
    if agents is None and not cities:
        return {}
    n = int(agents) if agents is not None else setup.agents
    if agents is None and cities:
        # Fewer cities with the same agents per real firm: the agents follow the population.
        n = max(10, round(setup.agents * population_share(setup.cities, cities)))
    per = min(MAX_PER_AGENT, max(MIN_PER_AGENT, real_enterprises(setup, cities) / n))
    changes: dict = {"agents": n, "enterprises_per_agent": float(per)}
    if cities:
        changes["cities"] = list(cities)
    return changes
