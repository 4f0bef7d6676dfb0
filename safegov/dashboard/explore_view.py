"""Explore mode: one world beside its baseline on the same chance events, levers, charts, a map."""

from __future__ import annotations

import html

import solara

from sim import params
from sim.errors import InputError

from . import charts
from . import world as W
from .charts import _change_label
from .i18n import metric_label, scenario_title, t
from .map import svg_map
from .state import ExploreSession
from .widgets import H, LeverSlider, Note, Raw

MECHANISM_ORDER = ("committees", "inspection", "leniency", "sanctions", "grid", "information", "awareness",
                   "severity", "campaigns")


def lever_order(p) -> tuple[int, int]:
    """Group sliders by mechanism (declaration order within a group); unknown mechanisms last."""
    group = MECHANISM_ORDER.index(p.mechanism) if p.mechanism in MECHANISM_ORDER else len(MECHANISM_ORDER)
    return group, params.LEVERS.index(p)


def scenario_choices(lang: str) -> dict[str, str]:
    """Dropdown label (the scenario's title in the language) -> scenario name."""
    return {scenario_title(W.scenario(n), lang): n for n in W.scenario_names()}


@solara.component
def Explore(session: ExploreSession, lang: str, scale: float = 1.0):  # noqa: N802 - Solara component
    runs, set_runs = solara.use_state(0)        # months run, resets: the charts depend on these only
    _, set_levers_version = solara.use_state(0)  # slider moves: re-render the sliders, not the charts
    map_metric, set_map_metric = solara.use_state("deaths_per_100k")
    error, set_error = solara.use_state("")

    def guarded(fn, charts_too: bool = True):
        def run(*args):
            try:
                fn(*args)
                set_error("")
            except InputError as exc:
                set_error(str(exc))
            if charts_too:
                set_runs(lambda v: v + 1)
            else:
                set_levers_version(lambda v: v + 1)
        return run

    def on_lever(name):
        return guarded(lambda v: session.set_lever(name, v), charts_too=False)

    s = session.model.config.setup
    orig = session.start.setup
    m = session.month
    choices = scenario_choices(lang)
    names = {v: k for k, v in choices.items()}

    def draw():
        return charts.explore_charts(session.series(), session.baseline_series(), lang, s.start_year,
                                     session.months, session.changes, scale)

    panels = solara.use_memo(draw, dependencies=[runs, m, lang, scale, session.scenario_name, session.seed])
    with solara.Columns([1, 3]):
        with solara.Column():
            solara.Select(t("scenario", lang), values=list(choices), value=names[session.scenario_name],
                          on_value=guarded(lambda label: session.set_scenario(choices[label])),
                          classes=["sg-scenario"])
            Note(session.start.description if lang != "zh" else "", ["sg-caption"])  # descriptions: English only
            with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
                solara.Button(t("step", lang), on_click=guarded(lambda: session.step(1)), disabled=session.done,
                              classes=["sg-step"])
                solara.Button(t("run_year", lang), on_click=guarded(lambda: session.step(12)),
                              disabled=session.done, color="primary", classes=["sg-run-year"])
                solara.Button(t("run_all", lang), on_click=guarded(lambda: session.step(session.months)),
                              disabled=session.done, classes=["sg-run-all"])
                solara.Button(t("reset", lang), on_click=guarded(session.reset), classes=["sg-reset"])
                solara.Button(t("restore", lang), on_click=guarded(session.restore, charts_too=False), text=True,
                              classes=["sg-restore"])
            # always there (empty when nothing is pending): the elements below keep their places
            pending = ""
            if session.pending or session.pending_restore:
                items = _change_label(_Pending(session.pending), lang, limit=4) if session.pending else t("restore", lang)
                nxt = m + 1
                pending = t("pending", lang, year=s.start_year + (nxt - 1) // 12, month=(nxt - 1) % 12 + 1, items=items)
            Note(pending, ["sg-pending"] if pending else [])
            Note(f"{t('error', lang)}: {error}" if error else "", ["sg-over"] if error else [])
            H(t("levers", lang))
            Note(t("levers_note", lang))
            levers = session.levers
            for p in sorted(params.LEVERS, key=lever_order):
                LeverSlider(p.name, levers[p.name], on_lever(p.name), lang)
            with solara.Details(t("trainer_options", lang)):
                solara.InputInt(t("seed", lang), value=session.seed, on_value=guarded(session.set_seed),
                                classes=["sg-seed"])
                Note(t("seed_note", lang), ["sg-caption"])
        with solara.Column():
            Note(t("small_world", lang, agents=s.agents, per=s.enterprises_per_agent,
                   firms=round(s.agents * s.enterprises_per_agent), orig_agents=orig.agents), ["sg-small-world"])
            year = s.start_year + (max(m, 1) - 1) // 12
            solara.HTML(tag="div", classes=["sg-status", "sg-note"], attributes={"data-month": str(m)},
                        unsafe_innerHTML=html.escape(t("status", lang, year=year, month=(max(m, 1) - 1) % 12 + 1,
                                                       m=m, total=session.months)))
            H(t("charts", lang))
            Note(t("baseline_note", lang), ["sg-baseline-note"])
            Raw(charts.grid(panels, "sg-explore-charts", scale, month=m, changes=len(session.changes)))
            H(t("map", lang))
            labels = {metric_label(k, lang): k for k in W.MAP_METRICS}
            solara.Select(t("map_metric", lang), values=list(labels), value=metric_label(map_metric, lang),
                          on_value=lambda v: set_map_metric(labels.get(v, "deaths_per_100k")))
            Note(t("map_note", lang))
            svg = solara.use_memo(lambda: svg_map(W.MapLayout.of(session.model), W.county_metric(session.model, map_metric),
                                                  map_metric, lang, W.MAP_DIRECTION[map_metric]),
                                  dependencies=[runs, m, map_metric, lang, session.scenario_name])
            Raw(svg)


class _Pending:
    """A not-yet-applied change, shaped like a ChangePoint for its label."""

    def __init__(self, values: dict):
        self.values = values
