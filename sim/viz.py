"""Mesa's own SolaraViz for SafetyModel, with one slider per policy lever from the declaration
(``pip install -e .[viz]``, i.e. ``mesa[viz]``). See docs/viz.md.

``VizSafetyModel`` is a thin SafetyModel subclass whose keyword arguments are the levers, as
Mesa's visualisation expects (``model_params``); ``model_params()`` builds the sliders from
``sim.params`` (label, bounds, whole-number steps) with the scenario's values as defaults.
"""

from __future__ import annotations

from sim import params as P
from sim.errors import InputError
from sim.evaluate import clean_params, prepare
from sim.model import SafetyModel

#: Metrics drawn by ``page`` (SafetyModel.datacollector's model reporters).
PLOTTED = ("deaths", "accidents_larger_or_worse", "compliance_rate", "hazards_per_enterprise", "inspections")


class VizSafetyModel(SafetyModel):
    """SafetyModel built from keyword arguments: a scenario name, seed, replicate, a smaller
    world (``agents``, real enterprises kept) and any declared lever as ``name=value``.

    Mesa's SolaraViz re-creates the model with the slider values on *Reset*; it may also pass
    its own ``scenario``/``rng`` keywords, which are ignored (seeds are safegov's)."""

    def __init__(self, scenario_name: str = "tiny", seed: int = 0, replicate: int = 0, agents: int | None = None,
                 months: int | None = None, **levers):
        levers.pop("scenario", None)  # Mesa's own scenario object, not ours
        levers.pop("rng", None)
        for name in levers:
            if name not in P.BY_NAME or P.BY_NAME[name].kind != "lever":
                raise InputError("sim.viz", name, "not a declared policy lever (see 'safegov levers')")
        config = prepare(clean_params(levers, "sim.viz"), scenario=scenario_name, agents=agents, months=months)
        super().__init__(config, seed=int(seed), replicate=int(replicate))
        while self.month < 0:  # warm-up months are not shown: the first step is month 1
            self.step()


def model_params(scenario_name: str = "tiny", levers=None, agents: int | None = None) -> dict:
    """SolaraViz ``model_params``: fixed scenario and seed, one ``Slider`` per lever."""
    from mesa.visualization import Slider

    from sim.evaluate import resolve_scenario

    values = resolve_scenario(scenario_name).levers
    out: dict = {"scenario_name": scenario_name, "seed": 0, "replicate": 0}
    if agents is not None:
        out["agents"] = agents
    for p in P.LEVERS:
        if levers is not None and p.name not in levers:
            continue
        step = 1 if p.integer else round((p.high - p.low) / 100, 6)
        value = int(values[p.name]) if p.integer else float(values[p.name])
        out[p.name] = Slider(f"{p.label} {p.zh}", value, int(p.low) if p.integer else p.low,
                             int(p.high) if p.integer else p.high, step, dtype=int if p.integer else float)
    return out


def page(scenario_name: str = "tiny", levers=None, agents: int | None = None):
    """A SolaraViz page: sliders for the levers, line plots of the monthly province metrics."""
    from mesa.visualization import SolaraViz, make_plot_component

    model = VizSafetyModel(scenario_name, agents=agents)
    components = [make_plot_component(m) for m in PLOTTED]
    return SolaraViz(model, components=components, model_params=model_params(scenario_name, levers, agents),
                     name="safegov 安全生产治理")
