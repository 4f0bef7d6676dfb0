"""A team's exercise: the yearly allocation, the results so far, the debrief (the trainee view).

The trainee view has no seed, replicate or common-random-numbers jargon: it says in plain words
that the three paths meet the same chance events. Technical details are in the facilitator view.
"""

from __future__ import annotations

import html

import solara
import solara.lab

from sim.errors import InputError

from . import charts, report
from . import pricing as P
from . import world as W
from .debrief import chance_check
from .i18n import role_label, scenario_title, t
from .lessons import reference_text
from .rounds import Exercise
from .sessions import Classroom, Team, error_text, export_name, show_code
from .widgets import H, LeverSlider, Note, Raw, use_poll

CHANCE_REPLICATES = 4


@solara.component
def Allocation(ex: Exercise, lang: str, on_commit):  # noqa: N802 - Solara component
    alloc, set_alloc = solara.use_state(ex.proposal())
    error, set_error = solara.use_state("")
    busy, set_busy = solara.use_state(False)
    lines = ex.line_costs(alloc)
    cost = sum(lines.values())
    over = cost - ex.budget
    left = ex.budget - cost

    def setter(name):
        def on_value(v):
            try:
                set_alloc(lambda a: {**a, name: W.clamp_lever(name, v)})
            except InputError as exc:
                set_error(str(exc))
        return on_value

    def scale():
        set_alloc(P.scale_to_budget(alloc, ex.budget, ex.prices))

    def commit():
        set_busy(True)
        try:
            on_commit(alloc)  # on success this card is replaced by next year's
        except InputError as exc:
            set_error(error_text(exc, lang))
            set_busy(False)

    with solara.Column(classes=["sg-allocation"], gap="2px"):
        H(t("year_n", lang, n=len(ex.rounds) + 1, total=ex.years, year=ex.next_year) + " · " + t("allocate", lang),
          "h3", ["sg-year-title"])
        for name in P.BUDGET_LEVERS:
            LeverSlider(name, alloc[name], setter(name), lang, extra=t("cost_line", lang, cost=lines[name]))
        with solara.Column(classes=["sg-commit-bar"], gap="4px"):
            cls = ["sg-spent", "sg-over"] if over > 1e-6 else ["sg-spent"]
            solara.HTML(tag="div", classes=cls, attributes={"data-cost": f"{cost:.0f}"},
                        unsafe_innerHTML=html.escape(t("spent", lang, cost=cost, budget=ex.budget)))
            if over > 1e-6:
                Note(t("over", lang, over=over), ["sg-over"])
            elif left > (1 - P.UNSPENT_FLAG) * ex.budget:
                Note(t("left", lang, left=left, share=left / ex.budget), ["sg-left", "sg-warn"])
            else:
                Note("")  # a place kept: the buttons stay the same widgets
            with solara.Row(gap="6px"):
                solara.Button(t("scale", lang), on_click=scale, disabled=over <= 1e-6, classes=["sg-scale"])
                solara.Button(t("commit", lang), on_click=commit, disabled=over > 1e-6 or busy, color="primary",
                              classes=["sg-commit"])
            if error:
                solara.Error(error)


@solara.component
def Results(ex: Exercise, lang: str, shown: int, scale: float = 1.0):  # noqa: N802 - Solara component
    metrics = ("deaths", "accidents_larger_or_worse", "compliance_rate", "hazards_per_enterprise")
    years = [r.year for r in ex.rounds[:shown]]

    def draw():
        if not shown:
            return []
        paths = {p: {m: ex.series(m, shown)[p] for m in metrics} for p in ("class", "baseline", "reference")}
        return charts.exercise_charts(years, paths, lang, metrics, scale)

    panels = solara.use_memo(draw, dependencies=[id(ex), shown, lang, scale, len(ex.rounds)])
    with solara.Column(classes=["sg-results"]):
        H(t("results", lang))
        if shown == 0:
            Note(t("no_data", lang))
            return
        Raw(charts.grid(panels, "sg-exercise-charts", scale, rounds=shown))
        Raw(report.rounds_table(ex.rounds, lang, shown))


@solara.component
def Debriefing(ex: Exercise, lang: str, team: Team, scale: float = 1.0):  # noqa: N802 - Solara component
    d = ex.debrief()
    chance, set_chance = solara.use_state(None)
    figs = solara.use_memo(lambda: report.figures(d, ex.prices, lang, scale), dependencies=[id(d), lang, scale])
    klass = team.classroom.record.name

    def page():
        return report.debrief_html(d, ex.prices, lang, chance=chance, team=team.name, klass=klass).encode("utf-8")

    with solara.Column(classes=["sg-debrief"]):
        H(t("debrief", lang), "h2")
        solara.Success(t("done", lang))
        solara.FileDownload(page, filename=export_name("debrief", klass, team.name, "html"),
                            label=t("export", lang), mime_type="text/html").key(f"export-{id(chance)}-{lang}")
        if d.underspent:
            left = d.budget - sum(d.spent) / len(d.spent)
            Note(t("unspent_flag", lang, share=d.spent_share, left=left), ["sg-warn", "sg-unspent-flag"])
        H(t("totals", lang))
        Raw(report.totals_table(d, lang))
        H(t("by_year", lang))
        Raw(report.by_year_table(d, lang))
        H(t("by_lever", lang))
        Raw(report.levers_table(d, lang))
        Raw(figs["levers"])
        H(t("chance_title", lang))
        if chance is None:
            solara.Button(t("chance", lang, n=CHANCE_REPLICATES), on_click=lambda: set_chance(
                chance_check(ex, CHANCE_REPLICATES)), classes=["sg-chance-run"], style={"align-self": "flex-start"})
        else:
            Note(t("chance_note", lang, n=len(chance.replicates) - 1))
            Raw(report.chance_table(chance, lang))
        H(t("lessons", lang))
        Raw(report.lessons_html(d, lang))
        H(t("allocate", lang))
        Raw(report.allocations_table(d, lang))
        Raw(figs["allocation"])


@solara.component
def TeamView(team: Team, lang: str, on_leave, scale: float = 1.0):  # noqa: N802 - Solara component
    room: Classroom = team.classroom
    use_poll(lambda: room.version, room.code)
    _, set_version = solara.use_state(0)
    confirm_leave = solara.use_reactive(False)
    confirm_undo = solara.use_reactive(False)
    error, set_error = solara.use_state("")
    ex = team.exercise()
    s = ex.settings

    def bump():
        set_version(lambda v: v + 1)

    def commit(alloc):
        room.commit(team, alloc)
        bump()

    def undo():
        try:
            room.undo(team)
            set_error("")
        except InputError as exc:
            set_error(error_text(exc, lang))
        bump()

    shown = room.visible(team)
    sep = "：" if lang == "zh" else ": "
    banner = " · ".join([t("team_banner", lang, team=team.name, klass=room.record.name), role_label(s.role, lang),
                         f"{t('scenario', lang)}{sep}{scenario_title(W.scenario(s.scenario), lang)}",
                         f"{t('budget', lang)}{sep}{ex.budget:,.0f}"])
    playing = not room.waiting(team) and not ex.finished
    with solara.Column(gap="4px", classes=["sg-team", "sg-playing"] if playing else ["sg-team"]):
        Note(banner, ["sg-banner"])
        Note(t("same_draws", lang), ["sg-same-draws"])
        Note(reference_text(ex.reference, s.reference, lang), ["sg-reference"])
        with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}, classes=["sg-no-print"]):
            solara.HTML(tag="span", classes=["sg-resume"], attributes={"data-code": team.code},
                        unsafe_innerHTML=html.escape(t("resume_info", lang, code=show_code(team.code))))
            solara.Button(t("undo", lang), on_click=lambda: confirm_undo.set(True), text=True,
                          disabled=not room.can_undo(team), classes=["sg-undo"])
            solara.FileDownload(lambda: team.export(), filename=export_name("exercise", room.record.name, team.name,
                                                                             "json"),
                                label=t("export_session", lang), mime_type="application/json").key(
                f"session-{team.committed}")
            solara.Button(t("restart", lang), on_click=lambda: confirm_leave.set(True), text=True,
                          classes=["sg-restart"])
        Note(t("undone_count", lang, n=team.record.undone) if team.record.undone else "", ["sg-caption"])
        Note(error, ["sg-over"] if error else [])
        solara.lab.ConfirmationDialog(
            confirm_leave, title=t("restart_title", lang),
            content=t("restart_text", lang, code=show_code(team.code)),
            ok=solara.Button(t("ok", lang), color="primary", classes=["sg-confirm-ok"]),
            cancel=solara.Button(t("cancel", lang), text=True, classes=["sg-confirm-cancel"]), on_ok=on_leave)
        solara.lab.ConfirmationDialog(
            confirm_undo, title=t("undo_title", lang),
            content=t("undo_text", lang),
            ok=solara.Button(t("ok", lang), color="primary", classes=["sg-undo-ok"]),
            cancel=solara.Button(t("cancel", lang), text=True, classes=["sg-undo-cancel"]), on_ok=undo)
        key = f"{team.code}-{team.committed}-{team.record.undone}"
        if room.waiting(team):
            done = sum(1 for tm in room.team_list() if tm.committed >= team.committed)
            Note(t("waiting", lang, n=team.committed, done=done, teams=len(room.team_list())), ["sg-waiting", "sg-warn"])
            Results(ex, lang, shown, scale).key(f"results-{key}-{shown}")
        elif not ex.finished:
            with solara.Columns([2, 3]):
                Allocation(ex, lang, commit).key(f"alloc-{key}")
                Results(ex, lang, shown, scale).key(f"results-{key}-{shown}")
        else:
            Results(ex, lang, shown, scale).key(f"results-{key}-{shown}")
            Debriefing(ex, lang, team, scale).key(f"debrief-{key}")
