"""The Solara page: explore mode and exercise mode, 中文 / English.

Plain Solara (Mesa's SolaraViz expects a model rebuilt from slider values and a space to draw;
the exercise's rounds, three parallel paths and debrief do not fit it). Served by
``safegov dashboard`` (``safegov/dashboard/server.py``); state is per browser session.
"""

from __future__ import annotations

import html

import solara

from sim import params
from sim.errors import InputError
from sim.jurisdiction import city_names, load_divisions

from . import charts, report
from . import world as W
from .exercise import BUDGET_LEVERS, PATHS, Exercise, Settings, chance_check, scale_to_budget
from .i18n import default_lang, lever_caption, lever_label, metric_label, t
from .map import svg_map
from .state import ExploreSession

CSS = """
.sg-caption{font-size:11px;color:#666;margin-top:-4px;margin-bottom:10px}
.sg-lever-label{font-size:13px;margin-bottom:-6px}
.sg-note{font-size:13px;color:#444}
.sg-table{border-collapse:collapse;margin:0.4em 0 1em}
.sg-table th,.sg-table td{border:1px solid #ccc;padding:2px 7px;text-align:right;font-size:12.5px}
.sg-table th{background:#f4f4f4;text-align:left}
.sg-table caption{text-align:left;font-weight:bold}
.sg-lesson{margin:0.3em 0;font-size:13.5px}
.sg-lesson[data-verdict=helped]{border-left:4px solid #2ca02c;padding-left:6px}
.sg-lesson[data-verdict=hurt]{border-left:4px solid #d62728;padding-left:6px}
.sg-over{color:#b00020;font-weight:bold}
"""

MECHANISM_ORDER = ("committees", "inspection", "leniency", "sanctions", "grid", "information", "awareness",
                   "severity", "campaigns")
CHANCE_REPLICATES = 4
CITY_ZH = {r.city: r.city_zh for r in load_divisions()}


def _lever_order(p) -> tuple[int, int]:
    """Group sliders by mechanism (declaration order within a group); unknown mechanisms last."""
    group = MECHANISM_ORDER.index(p.mechanism) if p.mechanism in MECHANISM_ORDER else len(MECHANISM_ORDER)
    return group, params.LEVERS.index(p)


def H(text: str, tag: str = "h3"):  # noqa: N802 - Solara component
    """A heading (solara.Markdown would load extra front-end code from a CDN)."""
    return solara.HTML(tag=tag, unsafe_innerHTML=html.escape(text), style="margin:0.6em 0 0.3em")


def _step(p) -> float:
    if p.integer or p.name == "inspectors_per_county":
        return 1.0
    return round((p.high - p.low) / 100.0, 6)


def LeverSlider(name: str, value: float, on_value, lang: str, caption: str | None = None):  # noqa: N802 - Solara component
    """A lever's slider, bounded by the declaration, with its bilingual label, unit and paper section."""
    p = params.BY_NAME[name]
    with solara.Column(gap="0px", classes=[f"sg-lever-{name}", "sg-lever"]):
        solara.HTML(tag="div", classes=["sg-lever-label"], unsafe_innerHTML=(
            f"<b>{html.escape(lever_label(name, lang))}</b> = <span class='sg-lever-value'>{value:.3g}</span>"))
        solara.SliderFloat("", value=value, min=p.low, max=p.high, step=_step(p), on_value=on_value, thumb_label=True)
        solara.HTML(tag="div", unsafe_innerHTML=html.escape(caption or lever_caption(name, lang)),
                    classes=["sg-caption"])


# ----------------------------------------------------------------------------------- explore
@solara.component
def Explore(session: ExploreSession, lang: str):  # noqa: N802 - Solara component
    version, set_version = solara.use_state(0)
    map_metric, set_map_metric = solara.use_state("deaths_per_100k")
    error, set_error = solara.use_state("")

    def bump():
        set_version(lambda v: v + 1)

    def guarded(fn):
        def run(*args):
            try:
                fn(*args)
                set_error("")
            except InputError as exc:
                set_error(str(exc))
            bump()
        return run

    def on_lever(name):
        return guarded(lambda v: session.set_lever(name, v))

    s = session.model.config.setup
    orig = session.start.setup
    series = session.series()
    m = session.month
    with solara.Columns([1, 3]):
        with solara.Column():
            solara.Select(t("scenario", lang), values=W.scenario_names(), value=session.scenario_name,
                          on_value=guarded(session.set_scenario))
            title = session.start.title_zh if lang == "zh" and session.start.title_zh else session.start.title
            solara.HTML(tag="div", unsafe_innerHTML=html.escape(title), classes=["sg-caption"])
            solara.InputInt(t("seed", lang), value=session.seed, on_value=guarded(session.set_seed))
            with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
                solara.Button(t("step", lang), on_click=guarded(lambda: session.step(1)), disabled=session.done,
                              classes=["sg-step"])
                solara.Button(t("run_year", lang), on_click=guarded(lambda: session.step(12)),
                              disabled=session.done, color="primary", classes=["sg-run-year"])
                solara.Button(t("run_all", lang), on_click=guarded(lambda: session.step(session.months)),
                              disabled=session.done, classes=["sg-run-all"])
                solara.Button(t("reset", lang), on_click=guarded(session.reset), classes=["sg-reset"])
                solara.Button(t("restore", lang), on_click=guarded(session.restore), text=True)
            if error:
                solara.Error(f"{t('error', lang)}: {error}")
            H(t('levers', lang))
            solara.HTML(tag="div", unsafe_innerHTML=html.escape(t("levers_note", lang)), classes=["sg-note"])
            levers = session.levers
            for p in sorted(params.LEVERS, key=_lever_order):
                LeverSlider(p.name, levers[p.name], on_lever(p.name), lang)
        with solara.Column():
            solara.HTML(tag="div", classes=["sg-note", "sg-small-world"], unsafe_innerHTML=html.escape(t(
                "small_world", lang, agents=s.agents, per=s.enterprises_per_agent,
                firms=round(s.agents * s.enterprises_per_agent), orig_agents=orig.agents)))
            year = s.start_year + (max(m, 1) - 1) // 12
            solara.HTML(tag="div", classes=["sg-status"], attributes={"data-month": str(m)},
                        unsafe_innerHTML=html.escape(t("status", lang, year=year, month=(max(m, 1) - 1) % 12 + 1,
                                                       months=12, m=m, total=session.months)))
            H(t('charts', lang))
            png = charts.explore_figure(series, lang, s.start_year, session.months, session.changes)
            solara.HTML(tag="div", unsafe_innerHTML=charts.img_tag(png, "sg-explore-chart", "charts", month=m,
                                                                    version=version))
            H(t('map', lang))
            labels = {metric_label(k, lang): k for k in W.MAP_METRICS}
            solara.Select(t("map_metric", lang), values=list(labels), value=metric_label(map_metric, lang),
                          on_value=lambda v: set_map_metric(labels.get(v, "deaths_per_100k")))
            solara.HTML(tag="div", unsafe_innerHTML=html.escape(t("map_note", lang)), classes=["sg-note"])
            values = W.county_metric(session.model, map_metric)
            solara.HTML(tag="div", unsafe_innerHTML=svg_map(W.MapLayout.of(session.model), values, map_metric, lang,
                                                            W.MAP_DIRECTION[map_metric]))


# ---------------------------------------------------------------------------------- exercise
@solara.component
def TrainerForm(lang: str, on_start):  # noqa: N802 - Solara component
    scenario, set_scenario = solara.use_state("baseline")
    role, set_role = solara.use_state("province")
    seed, set_seed = solara.use_state(1)
    budget, set_budget = solara.use_state(0.0)
    reference, set_reference = solara.use_state("all_countermeasures")
    error, set_error = solara.use_state("")

    def start():
        try:
            on_start(Settings(scenario=scenario, seed=seed if seed is not None else 1, budget=budget or 0.0,
                              role=role, reference=reference))
            set_error("")
        except InputError as exc:
            set_error(str(exc))

    roles = ["province", *city_names()]
    with solara.Card(t("trainer", lang), classes=["sg-trainer"]):
        solara.Select(t("scenario", lang), values=W.scenario_names(), value=scenario, on_value=set_scenario)
        solara.Select(t("role", lang), values=roles, value=role, on_value=set_role)
        solara.HTML(tag="div", classes=["sg-caption"], unsafe_innerHTML=html.escape(
            t("province", lang) if role == "province" else t("city_committee", lang, city=CITY_ZH.get(role, role))))
        solara.InputInt(t("seed", lang), value=seed, on_value=set_seed)
        solara.InputFloat(t("budget", lang), value=budget, on_value=set_budget)
        solara.HTML(tag="div", classes=["sg-caption"], unsafe_innerHTML=html.escape(t("budget_auto", lang)))
        solara.Select(t("reference", lang), values=W.scenario_names(), value=reference, on_value=set_reference)
        solara.Button(t("start", lang), on_click=start, color="primary", classes=["sg-start"])
        if error:
            solara.Error(f"{t('error', lang)}: {error}")


def _results_table(ex: Exercise, lang: str) -> str:
    metrics = ("deaths", "accidents_larger_or_worse", "compliance_rate")
    head = "".join(f"<th>{html.escape(metric_label(m, lang))}<br>{html.escape(charts.path_label(p, lang))}</th>"
                   for m in metrics for p in ("class", "baseline", "reference"))
    rows = "".join(
        f"<tr><th>{r.year}</th>" + "".join(f"<td>{report.fmt(r.results[p][m], m)}</td>" for m in metrics
                                           for p in ("class", "baseline", "reference"))
        + f"<td>{r.cost:,.0f}</td></tr>" for r in ex.rounds)
    return (f'<table class="sg-table sg-rounds"><tr><th>{t("year", lang)}</th>{head}<th>{t("cost", lang)}</th></tr>'
            f"{rows}</table>")


@solara.component
def Allocation(ex: Exercise, lang: str, on_commit):  # noqa: N802 - Solara component
    alloc, set_alloc = solara.use_state(ex.proposal())
    error, set_error = solara.use_state("")
    lines = ex.line_costs(alloc)
    cost = sum(lines.values())
    over = cost - ex.budget

    def setter(name):
        def on_value(v):
            try:
                set_alloc({**alloc, name: W.clamp_lever(name, v)})
            except InputError as exc:
                set_error(str(exc))
        return on_value

    def scale():
        set_alloc(scale_to_budget(alloc, ex.budget, ex.prices))

    def commit():
        try:
            on_commit(alloc)
            set_error("")
        except InputError as exc:
            set_error(str(exc))

    with solara.Card(t("year_n", lang, n=len(ex.rounds) + 1, total=ex.years, year=ex.next_year) + " · "
                     + t("allocate", lang), classes=["sg-allocation"]):
        for name in BUDGET_LEVERS:
            cap = f"{lever_caption(name, lang)} · {t('cost', lang)}: {lines[name]:,.0f}"
            LeverSlider(name, alloc[name], setter(name), lang, caption=cap)
        cls = "sg-spent sg-over" if over > 1e-6 else "sg-spent"
        solara.HTML(tag="div", classes=[cls], attributes={"data-cost": f"{cost:.0f}"},
                    unsafe_innerHTML=html.escape(t("spent", lang, cost=cost, budget=ex.budget)))
        if over > 1e-6:
            solara.HTML(tag="div", classes=["sg-over"], unsafe_innerHTML=html.escape(t("over", lang, over=over)))
        with solara.Row():
            solara.Button(t("scale", lang), on_click=scale, disabled=over <= 1e-6, classes=["sg-scale"])
            solara.Button(t("commit", lang), on_click=commit, disabled=over > 1e-6, color="primary",
                          classes=["sg-commit"])
        if error:
            solara.Error(f"{t('error', lang)}: {error}")


@solara.component
def Debriefing(ex: Exercise, lang: str):  # noqa: N802 - Solara component
    d = ex.debrief()
    chance, set_chance = solara.use_state(None)
    figs = solara.use_memo(lambda: report.figures(d, ex.prices, lang), dependencies=[id(d), lang])
    page = solara.use_memo(lambda: report.debrief_html(d, ex.prices, lang, chance=chance).encode("utf-8"),
                           dependencies=[id(d), lang, id(chance)])
    with solara.Column(classes=["sg-debrief"]):
        H(t("debrief", lang), "h2")
        solara.Success(t("done", lang))
        solara.FileDownload(page, filename=f"safegov_debrief_{ex.settings.scenario}_seed{ex.settings.seed}.html",
                            label=t("export", lang), mime_type="text/html")
        H(t("totals", lang))
        solara.HTML(tag="div", unsafe_innerHTML=report.totals_table(d, lang))
        H(t("by_year", lang))
        solara.HTML(tag="div", unsafe_innerHTML=report.by_year_table(d, lang))
        H(t("by_lever", lang))
        solara.HTML(tag="div", unsafe_innerHTML=report.levers_table(d, lang))
        solara.HTML(tag="div", unsafe_innerHTML=charts.img_tag(figs["levers"], "sg-levers-chart", "levers"))
        H(t("chance_title", lang))
        if chance is None:
            solara.Button(t("chance", lang, n=CHANCE_REPLICATES), on_click=lambda: set_chance(
                chance_check(ex, CHANCE_REPLICATES)), classes=["sg-chance-run"], style={"align-self": "flex-start"})
        else:
            reps = ", ".join(str(r) for r in chance.replicates)
            solara.HTML(tag="div", classes=["sg-note"], unsafe_innerHTML=html.escape(
                t("chance_note", lang, reps=reps, seed=ex.settings.seed)))
            solara.HTML(tag="div", unsafe_innerHTML=report.chance_table(chance, lang))
        H(t("lessons", lang))
        solara.HTML(tag="div", unsafe_innerHTML=report.lessons_html(d, lang))
        solara.HTML(tag="div", unsafe_innerHTML=charts.img_tag(figs["allocation"], "sg-alloc-chart", "allocation"))


@solara.component
def Results(ex: Exercise, lang: str):  # noqa: N802 - Solara component
    with solara.Column(classes=["sg-results"]):
        H(t("results", lang))
        if not ex.rounds:
            solara.HTML(tag="div", classes=["sg-note"], unsafe_innerHTML=html.escape(t("no_data", lang)))
            return
        shown = ("deaths", "accidents_larger_or_worse", "compliance_rate", "hazards_per_enterprise")
        paths = {p: {m: ex.series(m)[p] for m in shown} for p in PATHS}
        png = charts.exercise_figure([r.year for r in ex.rounds], paths, lang, shown)
        solara.HTML(tag="div", unsafe_innerHTML=charts.img_tag(png, "sg-exercise-chart", "results",
                                                                rounds=len(ex.rounds)))
        solara.HTML(tag="div", unsafe_innerHTML=_results_table(ex, lang))


@solara.component
def ExerciseView(holder: dict, lang: str):  # noqa: N802 - Solara component
    version, set_version = solara.use_state(0)
    ex: Exercise | None = holder.get("exercise")

    def start(settings: Settings):
        holder["exercise"] = Exercise(settings)
        set_version(version + 1)

    def commit(alloc):
        holder["exercise"].commit(alloc, mode="reject")
        set_version(version + 1)

    def restart():
        holder.pop("exercise", None)
        set_version(version + 1)

    if ex is None:
        TrainerForm(lang, start)
        return
    s = ex.settings
    role = t("province", lang) if s.role == "province" else t("city_committee", lang, city=CITY_ZH.get(s.role, s.role))
    setup = ex.scenario.setup
    solara.HTML(tag="div", classes=["sg-note"], unsafe_innerHTML=html.escape(
        f"{role} · {t('scenario', lang)}: {s.scenario} · {t('seed', lang)}: {s.seed} · "
        f"{t('budget', lang)}: {ex.budget:,.0f} · {t('reference', lang)}: {s.reference}"))
    solara.HTML(tag="div", classes=["sg-note"], unsafe_innerHTML=html.escape(
        t("small_world", lang, agents=setup.agents, per=setup.enterprises_per_agent,
          firms=round(setup.agents * setup.enterprises_per_agent), orig_agents=W.scenario(s.scenario).setup.agents)
        + " " + t("crn", lang, seed=s.seed, rep=s.replicate)))
    solara.Button(t("restart", lang), on_click=restart, text=True, classes=["sg-restart"])
    if ex.finished:
        Results(ex, lang).key(f"results-{id(ex)}-{len(ex.rounds)}")
        Debriefing(ex, lang).key(f"debrief-{id(ex)}")
    else:
        with solara.Columns([2, 3]):
            Allocation(ex, lang, commit).key(f"alloc-{id(ex)}-{len(ex.rounds)}")
            Results(ex, lang).key(f"results-{id(ex)}-{len(ex.rounds)}")


# --------------------------------------------------------------------------------------- page
@solara.component
def Page():  # noqa: N802 - Solara component
    lang, set_lang = solara.use_state(default_lang())
    mode, set_mode = solara.use_state("explore")
    session = solara.use_memo(lambda: ExploreSession(), dependencies=[])
    holder = solara.use_memo(dict, dependencies=[])
    solara.Title(t("title", lang))
    solara.Style(CSS)
    with solara.Column(style={"padding": "12px"}):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.HTML(tag="h2", unsafe_innerHTML=html.escape(t("title", lang)), style="margin:0 16px 0 0")
            solara.HTML(tag="span", unsafe_innerHTML=html.escape(t("subtitle", lang)), classes=["sg-note"])
            solara.v.Spacer()
            with solara.ToggleButtonsSingle(value=mode, on_value=set_mode, classes=["sg-mode"]):
                solara.Button(t("explore", lang), value="explore", classes=["sg-mode-explore"])
                solara.Button(t("exercise", lang), value="exercise", classes=["sg-mode-exercise"])
            with solara.ToggleButtonsSingle(value=lang, on_value=set_lang, classes=["sg-lang"]):
                solara.Button("中文", value="zh", classes=["sg-lang-zh"])
                solara.Button("English", value="en", classes=["sg-lang-en"])
        if mode == "explore":
            Explore(session, lang)
        else:
            ExerciseView(holder, lang)
