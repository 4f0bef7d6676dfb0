"""Opening, joining and resuming exercises, and the facilitator's view of a class."""

from __future__ import annotations

import html

import numpy as np
import solara

from sim.errors import InputError
from sim.jurisdiction import city_names

from . import charts, report
from . import pricing as P
from . import world as W
from .explore_view import scenario_choices
from .i18n import role_label, t
from .rounds import Settings
from .sessions import SessionError, error_text, export_name, show_code, store
from .widgets import H, Note, Raw, use_poll


@solara.component
def ExerciseHome(lang: str, on_team, on_facilitator):  # noqa: N802 - Solara component
    choices = scenario_choices(lang)
    names = {v: k for k, v in choices.items()}
    roles = {role_label(r, lang): r for r in ("province", *city_names())}
    role_names = {v: k for k, v in roles.items()}
    class_name, set_class_name = solara.use_state(t("class_name_default", lang))
    scenario, set_scenario = solara.use_state("baseline")
    role, set_role = solara.use_state("province")
    seed, set_seed = solara.use_state(1)
    budget, set_budget = solara.use_state(0.0)
    reference, set_reference = solara.use_state("all_countermeasures")
    hold, set_hold = solara.use_state(True)
    code, set_code = solara.use_state("")
    team_name, set_team_name = solara.use_state("")
    resume_code, set_resume_code = solara.use_state("")
    error, set_error = solara.use_state("")

    def settings() -> Settings:
        return Settings(scenario=scenario, seed=seed if seed is not None else 1, budget=budget or 0.0, role=role,
                        reference=reference)

    def attempt(fn):
        def run(*args):
            try:
                fn(*args)
                set_error("")
            except InputError as exc:
                set_error(error_text(exc, lang))
        return run

    def create():
        on_facilitator(store().create_class(settings(), class_name, hold_reveal=hold))

    def solo():
        room = store().create_class(settings(), class_name, hold_reveal=False, solo=True)
        on_team(room.join(t("solo_team", lang)))

    def join():
        on_team(store().classroom(code).join(team_name))

    def resume():
        on_team(store().team(resume_code))

    def imported(info):
        data = info["data"] if info.get("data") is not None else info["file_obj"].read()
        on_team(store().import_file(data))

    Note(t("home_note", lang), ["sg-home-note"])
    if error:
        solara.Error(error, classes=["sg-home-error"])
    with solara.Row(gap="16px", style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        with solara.Card(t("join_title", lang), classes=["sg-join-card"], style={"min-width": "280px", "flex": "1"}):
            solara.InputText(t("class_code", lang), value=code, on_value=set_code, continuous_update=True,
                             classes=["sg-class-code"])
            solara.InputText(t("team_name", lang), value=team_name, on_value=set_team_name, continuous_update=True,
                             classes=["sg-team-name"])
            solara.Button(t("join", lang), on_click=attempt(join), color="primary", classes=["sg-join"])
            Note(t("join_note", lang), ["sg-caption"])
        with solara.Card(t("resume_title", lang), classes=["sg-resume-card"], style={"min-width": "280px", "flex": "1"}):
            solara.InputText(t("resume_code", lang), value=resume_code, on_value=set_resume_code,
                             continuous_update=True, classes=["sg-resume-code"])
            solara.Button(t("resume", lang), on_click=attempt(resume), classes=["sg-resume-go"])
            solara.FileDrop(label=t("import", lang), on_file=attempt(imported), lazy=False)
        with solara.Card(t("trainer", lang), classes=["sg-trainer"], style={"min-width": "320px", "flex": "1"}):
            solara.InputText(t("class_name", lang), value=class_name, on_value=set_class_name, continuous_update=True,
                             classes=["sg-class-name"])
            solara.Select(t("scenario", lang), values=list(choices), value=names[scenario],
                          on_value=lambda v: set_scenario(choices[v]), classes=["sg-trainer-scenario"])
            solara.Select(t("role", lang), values=list(roles), value=role_names[role],
                          on_value=lambda v: set_role(roles[v]), classes=["sg-role"])
            solara.InputFloat(t("budget", lang), value=budget, on_value=set_budget)
            Note(t("budget_auto", lang), ["sg-caption"])
            solara.Select(t("reference", lang), values=list(choices), value=names[reference],
                          on_value=lambda v: set_reference(choices[v]), classes=["sg-reference-select"])
            solara.InputInt(t("seed_trainer", lang), value=seed, on_value=set_seed)
            solara.Switch(label=t("hold", lang), value=hold, on_value=set_hold, classes=["sg-hold"])
            with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
                solara.Button(t("create_class", lang), on_click=attempt(create), color="primary",
                              classes=["sg-create-class"])
                solara.Button(t("start", lang), on_click=attempt(solo), classes=["sg-start"])


def _moved_levers(room) -> list[str]:
    """Budget levers any team has moved from the status quo (which notes to show)."""
    moved = []
    for tm in room.team_list():
        if not tm.record.rounds:
            continue
        ex = tm.exercise()
        for r in ex.rounds:
            sq = ex.status_quo(r.index)
            moved += [k for k in P.BUDGET_LEVERS if abs(r.allocation[k] - sq[k]) > 1e-9 * max(1.0, abs(sq[k]))]
    return list(dict.fromkeys(k for k in P.BUDGET_LEVERS if k in moved))


def progress_table(room, lang: str) -> str:
    rows = []
    for tm in room.team_list():
        ex = tm.exercise()
        spent = f"{np.mean([r.cost for r in ex.rounds]) / ex.budget:.0%}" if ex.rounds else "–"
        flag = ' class="sg-unspent"' if ex.rounds and np.mean([r.cost for r in ex.rounds]) < P.UNSPENT_FLAG * ex.budget \
            else ""
        changed = " ⚠" if tm.model_changed else ""
        rows.append(f'<tr data-team="{html.escape(tm.name)}" data-committed="{tm.committed}">'
                    f"<th>{html.escape(tm.name)}{changed}</th><td>{tm.committed}/{ex.years}</td>"
                    f"<td>{room.visible(tm)}</td><td{flag}>{spent}</td><td>{tm.record.undone}</td>"
                    f"<td>{html.escape(tm.record.updated.replace('T', ' ')[:16])}</td></tr>")
    heads = [f"<tr><th>{t('team', lang)}</th><th>{t('years_done', lang)}</th><th>{t('shown_years', lang)}</th>"
             f"<th>{t('spent_share', lang)}</th><th>{t('undos', lang)}</th><th>{t('updated', lang)}</th></tr>"]
    return report._table("sg-progress", heads, rows)


@solara.component
def FacilitatorView(room, lang: str, scale: float = 1.0):  # noqa: N802 - Solara component
    use_poll(lambda: room.version, room.code)
    _, set_version = solara.use_state(0)
    effects, set_effects = solara.use_state(None)
    error, set_error = solara.use_state("")
    s = room.settings

    def bump():
        set_version(lambda v: v + 1)

    def toggle(value):
        room.set_hold(value)
        bump()

    def release():
        room.release()
        bump()

    def compute_effects():
        try:
            set_effects((room.version, report.teams_effects_table(room, lang)))
            set_error("")
        except InputError as exc:
            set_error(error_text(exc, lang))

    teams = room.team_list()
    with solara.Column(gap="6px", classes=["sg-facilitator"]):
        H(f"{t('facilitator', lang)}{'：' if lang == 'zh' else ': '}{room.record.name}", "h2")
        solara.HTML(tag="div", classes=["sg-bigcode"], attributes={"data-code": room.code},
                    unsafe_innerHTML=html.escape(t("fac_code", lang, code=show_code(room.code))))
        Note(t("fac_howto", lang))
        Note(t("fac_link", lang) + " " + t("fac_key", lang, key=show_code(room.record.key)), ["sg-caption"])
        if error:
            solara.Error(error)
        ex0 = teams[0].exercise() if teams else None
        setup = (ex0.scenario.setup if ex0 else W.dashboard_scenario(W.scenario(s.scenario), s.agents).setup)
        Note(f"{t('technical', lang)}{'：' if lang == 'zh' else ': '}"
             + t("crn_tech", lang, seed=s.seed, rep=s.replicate, agents=setup.agents,
                 firms=round(setup.agents * setup.enterprises_per_agent)), ["sg-crn-tech", "sg-caption"])
        with solara.Row(gap="10px", style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Switch(label=t("hold", lang), value=room.record.hold_reveal, on_value=toggle, classes=["sg-hold-switch"])
            solara.Button(t("release", lang), on_click=release, disabled=not room.record.hold_reveal,
                          color="primary", classes=["sg-release"])
            solara.FileDownload(lambda: report.class_html(room, lang).encode("utf-8"),
                                filename=export_name("class", room.record.name, None, "html"),
                                label=t("export_class", lang), mime_type="text/html").key(f"class-{room.version}")
        if room.record.hold_reveal:
            Note(t("hold_on", lang), ["sg-caption"])
        H(t("progress", lang))
        if not teams:
            Note(t("no_teams", lang), ["sg-no-teams"])
            return
        if any(tm.model_changed for tm in teams):
            Note("⚠ " + t("replayed_changed", lang), ["sg-warn"])
        Raw(progress_table(room, lang))
        n, table = report.team_rows(room, lang)
        if n:
            H(t("side_by_side", lang, n=n))
            Raw(table)
            first = next(tm for tm in teams if room.visible(tm) > 0).exercise()
            years = [first.start_year + k for k in range(n)]
            Raw(charts.teams_chart(years, {tm.name: tm.exercise().series("deaths", n)["class"] for tm in teams
                                           if room.visible(tm) > 0},
                                   first.series("deaths", n)["baseline"], first.series("deaths", n)["reference"],
                                   lang, scale))
            H(t("effects_teams", lang, n=n))
            if effects is None or effects[0] != room.version:
                solara.Button(t("compute_effects", lang), on_click=compute_effects, classes=["sg-compute-effects"],
                              style={"align-self": "flex-start"})
            else:
                Raw(effects[1])
        H(t("notes", lang))
        underspent = any(tm.record.rounds and np.mean([r.cost for r in tm.exercise().rounds]) < P.UNSPENT_FLAG
                         * tm.exercise().budget for tm in teams)
        keys = ["outcome", *_moved_levers(room), "interaction", *(["budget"] if underspent else []), "reference"]
        Raw(report.notes_html(keys, lang), ["sg-notes"])


def open_team(code: str):
    """The team of a resume code (SessionError when unknown)."""
    return store().team(code)


def open_facilitator(code: str, key: str):
    return store().facilitator(code, key)


__all__ = ["ExerciseHome", "FacilitatorView", "SessionError", "open_facilitator", "open_team"]
