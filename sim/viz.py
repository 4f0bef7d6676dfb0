"""Mesa's own SolaraViz for SafetyModel, with one slider per policy lever from the declaration
(``pip install -e .[viz]``, i.e. ``mesa[viz]``). See docs/viz.md.

``VizSafetyModel`` is a thin SafetyModel subclass whose keyword arguments are the levers, as
Mesa's visualisation expects (``model_params``); ``model_params()`` builds the sliders from
``sim.params`` (label, bounds, whole-number steps) with the scenario's values as defaults.

Workaround (Mesa 3.5 with ipyvue / ipyvuetify 3, Mesa issue 3806): SolaraViz lays its plots out
in Solara's ``GridDraggable``, whose grid library is a Vue 2 plugin; under Vue 3 it fails in the
browser ("GlobalVue.use is not a function") and the page shows the sidebar but no plots. When
ipyvue 3 is installed, ``page`` lets Mesa's SolaraViz module use a fixed CSS grid instead (two
columns, not draggable); nothing else of SolaraViz changes.
"""

from __future__ import annotations

import types

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


def slider_step(low: float, high: float, value: float, integer: bool = False) -> float:
    """A round step (a power of ten, 50 to 500 steps over the range) on whose grid from ``low``
    both ``value`` and ``high`` lie, so the slider shows the scenario's value exactly and Reset
    does not move it (a step of range/100 turned 25 inspectors into 24.42)."""
    import math

    if integer:
        return 1
    step = 10.0 ** math.floor(math.log10((high - low) / 50))
    for _ in range(6):
        if all(abs((v - low) / step - round((v - low) / step)) < 1e-6 for v in (value, high)):
            return float(f"{step:.12g}")
        step /= 10
    return float(f"{step:.12g}")


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
        value = int(values[p.name]) if p.integer else float(values[p.name])
        step = slider_step(p.low, p.high, value, p.integer)
        out[p.name] = Slider(f"{p.label} {p.zh}", value, int(p.low) if p.integer else p.low,
                             int(p.high) if p.integer else p.high, step, dtype=int if p.integer else float)
    return out


def _vue3() -> bool:
    import ipyvue

    return int(ipyvue.__version__.split(".")[0]) >= 3


class _SolaraWithFixedGrid(types.ModuleType):
    """Solara as Mesa's solara_viz module sees it after ``use_fixed_grid``: every name is Solara's
    except ``GridDraggable``, which becomes a fixed two-column CSS grid (no Vue 2 plugin)."""

    def __init__(self, solara):
        super().__init__("solara")
        self._solara = solara

    def __getattr__(self, name):
        return getattr(self._solara, name)

    def GridDraggable(self, items, **_layout):  # noqa: N802  (the name Mesa calls)
        return self._solara.GridFixed(columns=2, children=list(items))


def use_fixed_grid() -> bool:
    """Let Mesa's SolaraViz draw its plots in a fixed grid when Vue 3 (ipyvue 3) is installed,
    where Solara's draggable grid leaves the page blank. Returns whether it did. Idempotent."""
    from mesa.visualization import solara_viz

    if not _vue3():
        return False
    if not isinstance(solara_viz.solara, _SolaraWithFixedGrid):
        solara_viz.solara = _SolaraWithFixedGrid(solara_viz.solara)
    return True


#: Sidebar sliders: the label on its own line above a full-width slider, the value always shown
#: (Mesa's sidebar is narrow; long bilingual labels otherwise squeeze a slider to nothing).
SLIDER_CSS = """
.v-slider.v-input--horizontal { grid-template-areas: "prepend" "control"; grid-template-columns: minmax(0, 1fr); }
.v-slider.v-input--horizontal > .v-input__prepend { margin-inline-end: 0; margin-bottom: 30px; }
.v-slider .v-slider__label { white-space: normal; }
.v-slider .v-slider-thumb__label-container { display: block !important; }
"""


class _Labels:
    """Title and y label of a plot: the metric's English and Chinese name, its unit (sim.outcomes)."""

    def __init__(self, metric: str):
        from sim.figures import label
        from sim.outcomes import BY_NAME

        o = BY_NAME[metric]
        self.title, self.unit = label(f"{o.label}, per month" if o.kind == "flow" else o.label, o.zh), o.unit

    def __call__(self, ax) -> None:
        ax.set_title(self.title, fontsize=10)
        ax.set_ylim(bottom=0)  # counts, shares and hazards are never negative (a flat zero stays at the bottom)
        ax.set_ylabel(self.unit)  # Mesa labels the x axis "Step": one step is one month


def _with_slider_style(make):
    """A plot component that also carries SLIDER_CSS (Solara's Style applies to the whole page)."""
    import solara

    def StyledPlot(model):  # noqa: N802  (a Solara component)
        with solara.Column(gap="0px") as column:
            solara.Style(SLIDER_CSS)
            make(model)
        return column

    return StyledPlot


def page(scenario_name: str = "tiny", levers=None, agents: int | None = None):
    """A SolaraViz page: sliders for the levers, line plots of the monthly province metrics."""
    from mesa.visualization import SolaraViz, make_plot_component

    from sim.figures import setup_fonts

    use_fixed_grid()
    setup_fonts()  # Chinese axis labels in the matplotlib plots
    model = VizSafetyModel(scenario_name, agents=agents)
    components = [make_plot_component(m, post_process=_Labels(m)) for m in PLOTTED]
    components[0] = (_with_slider_style(components[0][0]), components[0][1])
    return SolaraViz(model, components=components, model_params=model_params(scenario_name, levers, agents),
                     name="safegov 安全生产治理")
